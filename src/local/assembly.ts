/**
 * Reading what a local run needs from a synthesized cloud assembly (`cdk.out`): the stacks' templates,
 * the staged image build contexts and file assets, a training job or an endpoint's model found by
 * construct path or logical id, with template values resolved as far as they can be before a deploy.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A staged asset of the assembly. */
export interface StagedImage {
  readonly hash: string;
  /** The staged build context. */
  readonly directory: string;
  readonly dockerfile: string;
}

/** One stack of the assembly. */
export interface AssemblyTemplate {
  readonly stackName: string;
  readonly artifactId: string;
  readonly template: any;
  readonly images: StagedImage[];
  /** File assets: content hash to staged path. */
  readonly files: Record<string, string>;
  /** Construct paths by logical id (from the stack's metadata). */
  readonly paths: Record<string, string>;
}

/** Reads every stack of a cloud assembly directory (nested assemblies included). */
export function readAssembly(dir: string): AssemblyTemplate[] {
  const manifestPath = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) {
    throw new Error(`${dir} is not a cloud assembly (no manifest.json); run 'cdk synth' first`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const out: AssemblyTemplate[] = [];
  const artifacts: Record<string, any> = manifest.artifacts ?? {};
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type === 'cdk:cloud-assembly') {
      out.push(...readAssembly(path.join(dir, artifact.properties.directoryName)));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const template = JSON.parse(fs.readFileSync(path.join(dir, artifact.properties.templateFile), 'utf8'));
    const images: StagedImage[] = [];
    const files: Record<string, string> = {};
    for (const dep of artifact.dependencies ?? []) {
      const a = artifacts[dep];
      if (a?.type !== 'cdk:asset-manifest') continue;
      const assets = JSON.parse(fs.readFileSync(path.join(dir, a.properties.file), 'utf8'));
      for (const [hash, entry] of Object.entries<any>(assets.dockerImages ?? {})) {
        images.push({ hash, directory: path.join(dir, entry.source.directory), dockerfile: entry.source.dockerFile ?? 'Dockerfile' });
      }
      for (const [hash, entry] of Object.entries<any>(assets.files ?? {})) files[hash] = path.join(dir, entry.source.path);
    }
    const metadata: Record<string, any[]> = { ...(artifact.metadata ?? {}) };
    if (artifact.additionalMetadataFile) {
      Object.assign(metadata, JSON.parse(fs.readFileSync(path.join(dir, artifact.additionalMetadataFile), 'utf8')));
    }
    const paths: Record<string, string> = {};
    for (const [constructPath, entries] of Object.entries(metadata)) {
      for (const e of entries) if (e.type === 'aws:cdk:logicalId') paths[e.data] = constructPath.replace(/^\//, '');
    }
    out.push({ stackName: artifact.properties.stackName ?? id, artifactId: id, template, images, files, paths });
  }
  return out;
}

/** The image asset an image URI names (its tag is the asset hash). */
export function imageOf(stack: AssemblyTemplate, imageUri: string): StagedImage | undefined {
  return stack.images.find((i) => imageUri.endsWith(`:${i.hash}`));
}

/** The construct path of the construct that owns a resource (`Stack/Train` for `Stack/Train/Resource/Default`). */
export function owner(constructPath: string): string {
  return constructPath.replace(/\/(Resource|Default)(\/Default)?$/, '');
}

/** A resource found by construct path or logical id. */
export interface FoundResource {
  readonly stack: AssemblyTemplate;
  readonly logicalId: string;
  readonly constructPath: string;
  readonly resource: any;
}

/**
 * Finds the resource of one of `types` that a user names: its logical id, its construct path
 * (`Stack/Train`, with or without the stack), or a construct path prefix that selects one resource.
 */
export function findResource(stacks: AssemblyTemplate[], selector: string, types: string[], what: string): FoundResource {
  const candidates: FoundResource[] = [];
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries<any>(stack.template.Resources ?? {})) {
      if (!types.includes(resource.Type)) continue;
      const constructPath: string = stack.paths[logicalId] ?? resource.Metadata?.['aws:cdk:path'] ?? logicalId;
      candidates.push({ stack, logicalId, constructPath: owner(constructPath), resource });
    }
  }
  const sel = selector.replace(/\/+$/, '');
  const matches = (c: FoundResource) => {
    const p = c.constructPath;
    const withoutStack = p.split('/').slice(1).join('/');
    return c.logicalId === sel || p === sel || withoutStack === sel || p.startsWith(`${sel}/`) || withoutStack.startsWith(`${sel}/`);
  };
  const exact = candidates.filter((c) => c.logicalId === sel || owner(c.constructPath) === sel || owner(c.constructPath).split('/').slice(1).join('/') === sel);
  const found = exact.length === 1 ? exact : candidates.filter(matches);
  const list = candidates.map((c) => `${owner(c.constructPath)} (${c.logicalId})`).join(', ') || 'none';
  if (found.length === 0) throw new Error(`no ${what} '${selector}' in the assembly; it has: ${list}`);
  if (found.length > 1) throw new Error(`'${selector}' names ${found.length} ${what}s: ${found.map((c) => c.logicalId).join(', ')}; name one of: ${list}`);
  return found[0];
}

/**
 * Resolves CloudFormation intrinsics as far as a template alone allows. Pseudo parameters come
 * from `pseudo`; a Ref or GetAtt the template cannot answer becomes `{{Ref:Id}}` / `{{GetAtt:Id.Attr}}`,
 * which later checks report by name.
 */
export function resolveTemplateValue(value: any, template: any, pseudo: Record<string, string>): any {
  const ref = (id: string): string => {
    if (id in pseudo) return pseudo[id];
    const r = template.Resources?.[id];
    const named = r?.Type === 'AWS::S3::Bucket' ? r.Properties?.BucketName : undefined;
    if (typeof named === 'string') return named;
    const param = template.Parameters?.[id];
    if (param?.Default !== undefined) return String(param.Default);
    return `{{Ref:${id}}}`;
  };
  const walk = (v: any): any => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const [k] = keys;
      const x = v[k];
      if (k === 'Ref') return ref(x);
      if (k === 'Fn::GetAtt') {
        const [id, attr] = Array.isArray(x) ? x : String(x).split('.');
        return `{{GetAtt:${id}.${attr}}}`;
      }
      if (k === 'Fn::Join') return (walk(x[1]) as any[]).map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(x[0]);
      if (k === 'Fn::Sub') {
        const [text, vars] = Array.isArray(x) ? [x[0], walk(x[1] ?? {})] : [x, {}];
        return String(text).replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
          if (name in vars) return String(vars[name]);
          if (name.includes('.')) return `{{GetAtt:${name}}}`;
          return ref(name);
        });
      }
      if (k === 'Fn::Select') return (walk(x[1]) as any[])[Number(walk(x[0]))];
    }
    const out: any = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x);
    return out;
  };
  return walk(value);
}

/** Whether a resolved value still holds a reference only a deploy can answer. */
export function unresolved(value: string): string[] {
  return [...value.matchAll(/\{\{(Ref|GetAtt):([^}]+)\}\}/g)].map((m) => m[2]);
}

/** Pseudo parameters for a template read before a deploy. */
export function pseudoParameters(account: string, region: string): Record<string, string> {
  return {
    'AWS::AccountId': account,
    'AWS::Region': region,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::Partition': 'aws',
    'AWS::StackName': 'local',
    'AWS::NoValue': '',
  };
}
