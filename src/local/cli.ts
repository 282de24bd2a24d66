/**
 * `cdk-sagemaker-containers local train <cdk.out> <job>` and `... local serve <cdk.out> <endpoint>`:
 * the user command of local mode. Runs a synthesized training job or endpoint model with the real
 * SageMaker toolkits on this machine, no Docker and no AWS account needed (see README "Local mode").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findResource, imageOf, pseudoParameters, readAssembly, resolveTemplateValue, unresolved } from './assembly';
import { artifactS3Uri, defaultCacheDir, LocalModel, runLocalTraining, startLocalModel } from './runner';

const USAGE = `usage:
  cdk-sagemaker-containers local train <cdk.out> <job> [--channel NAME=DIR|s3://...]... [--out DIR]
  cdk-sagemaker-containers local serve <cdk.out> <endpoint> [--model FILE|s3://...] [--port N] [--out DIR]
                                       [--invoke BODY [--content-type TYPE]]
  <job> / <endpoint>: a construct path (Stack/Train, Train) or a logical id.
  common: --cache DIR (toolkit venvs; default ${'$'}CDK_SAGEMAKER_LOCAL_CACHE or ~/.cache/cdk-sagemaker-containers)
          --toolkit-python PYTHON (use a Python that already has the toolkit) --region R --account A
`;

/** Output streams of the command (injectable for tests). */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const processIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

interface Parsed {
  readonly positional: string[];
  readonly flags: Record<string, string[]>;
}

function parse(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [k, inline] = a.slice(2).split(/=(.*)/s, 2);
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`--${k} needs a value`);
      (flags[k] ??= []).push(v);
    } else {
      positional.push(a);
    }
  }
  return { positional, flags };
}

class UsageError extends Error {}

/** Runs the command; resolves with the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    const { positional, flags } = parse(argv);
    const [group, command, assembly, selector] = positional;
    if (group !== 'local' || !['train', 'serve'].includes(command) || !assembly || !selector) throw new UsageError('');
    const known = ['channel', 'out', 'cache', 'toolkit-python', 'region', 'account', 'model', 'port', 'invoke', 'content-type'];
    const unknown = Object.keys(flags).filter((f) => !known.includes(f));
    if (unknown.length) throw new UsageError(`unknown option ${unknown.map((f) => `--${f}`).join(', ')}`);
    const one = (k: string) => flags[k]?.[flags[k].length - 1];
    const common = {
      outDir: path.resolve(one('out') ?? '.cdk-sagemaker-local'),
      cacheDir: one('cache') ?? defaultCacheDir(),
      toolkitPython: one('toolkit-python'),
      region: one('region') ?? process.env.AWS_REGION ?? process.env.CDK_DEFAULT_REGION ?? 'us-east-1',
      account: one('account') ?? process.env.CDK_DEFAULT_ACCOUNT ?? '123456789012',
    };
    if (command === 'train') return await train(assembly, selector, flags.channel ?? [], common, io);
    return await serve(assembly, selector, { model: one('model'), port: one('port'), invoke: one('invoke'), contentType: one('content-type') }, common, io);
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) io.err(e.message);
      io.err(USAGE);
      return 2;
    }
    io.err(`local mode: ${(e as Error).message}`);
    return 1;
  }
}

interface Common {
  readonly outDir: string;
  readonly cacheDir: string;
  readonly toolkitPython?: string;
  readonly region: string;
  readonly account: string;
}

/** Where `local train` leaves a job's model.tar.gz (the artifact path below the output directory). */
export function localArtifactFile(outDir: string, jobName: string): string {
  return path.join(outDir, 'artifacts', jobName, 'output', 'model.tar.gz');
}

async function train(assemblyDir: string, selector: string, channelFlags: string[], c: Common, io: CliIo): Promise<number> {
  const stacks = readAssembly(assemblyDir);
  const found = findResource(stacks, selector, ['Custom::SageMakerTrainingJob'], 'training job');
  const pseudo = pseudoParameters(c.account, c.region);
  const props = found.resource.Properties ?? {};
  // the request is a JSON string (Stack.toJsonString) or an object, depending on the library's version
  const resolvedRequest = resolveTemplateValue(props.Request, found.stack.template, pseudo);
  const request = typeof resolvedRequest === 'string' ? JSON.parse(resolvedRequest) : resolvedRequest;
  request.TrainingJobName = resolveTemplateValue(props.TrainingJobName, found.stack.template, pseudo);
  const problems: string[] = [];
  const image = imageOf(found.stack, request.AlgorithmSpecification?.TrainingImage ?? '');
  if (!image) {
    problems.push(`its image ${request.AlgorithmSpecification?.TrainingImage} is not built from a directory of this app; local mode runs images staged in the cloud assembly`);
  }
  const overrides: Record<string, string> = {};
  for (const f of channelFlags) {
    const [name, value] = f.split(/=(.*)/s, 2);
    if (!name || !value) problems.push(`--channel ${f}: expected NAME=DIR or NAME=s3://bucket/prefix`);
    else overrides[name] = value;
  }
  const localChannels: Record<string, string> = {};
  const names: string[] = [];
  for (const ch of request.InputDataConfig ?? []) {
    const s3 = ch.DataSource?.S3DataSource ?? {};
    names.push(ch.ChannelName);
    const override = overrides[ch.ChannelName];
    if (override?.startsWith('s3://')) {
      s3.S3Uri = override;
    } else if (override) {
      if (!fs.existsSync(override)) problems.push(`--channel ${ch.ChannelName}=${override}: no such directory`);
      localChannels[ch.ChannelName] = path.resolve(override);
    } else {
      // a TrainingInput.fromAsset channel: its prefix is named after the asset's hash
      const hash = Object.keys(found.stack.files).find((h) => String(s3.S3Uri).includes(h));
      if (hash) {localChannels[ch.ChannelName] = found.stack.files[hash];} else if (unresolved(String(s3.S3Uri)).length) {
        problems.push(`channel ${ch.ChannelName} reads ${s3.S3Uri}, which is only known after a deploy (${unresolved(String(s3.S3Uri)).join(', ')}); pass --channel ${ch.ChannelName}=DIR or --channel ${ch.ChannelName}=s3://bucket/prefix`);
      }
    }
  }
  for (const name of Object.keys(overrides)) if (!names.includes(name)) problems.push(`--channel ${name}: the job has no such channel (it has ${names.join(', ') || 'none'})`);
  if (problems.length) throw new Error(`cannot run training job ${found.constructPath} (${found.logicalId}) locally:\n  - ${problems.join('\n  - ')}`);

  const jobName: string = request.TrainingJobName;
  const workDir = path.join(c.outDir, 'runs', jobName);
  fs.rmSync(workDir, { recursive: true, force: true });
  const artifactFile = localArtifactFile(c.outDir, jobName);
  io.out(`local train: ${found.constructPath} (${found.logicalId}) as ${jobName} on ${request.ResourceConfig?.InstanceType}`);
  const result = await runLocalTraining({ request, image: image!, localChannels }, {
    workDir,
    artifactFile,
    cacheDir: c.cacheDir,
    toolkitPython: c.toolkitPython,
    region: c.region,
    account: c.account,
    onLine: io.out,
  });
  io.out('');
  for (const n of result.notes) io.out(`note: ${n}`);
  if (result.status !== 'Completed') {
    io.out(`training job ${jobName}: Failed after ${result.seconds} s: ${result.failureReason}`);
    io.out(`its SAGEMAKER_BASE_DIR is kept at ${result.baseDir}`);
    return 1;
  }
  io.out(`training job ${jobName}: Completed in ${result.seconds} s`);
  io.out(`model.tar.gz: ${result.artifactBytes} bytes at ${result.artifactFile} (${(result.modelFiles ?? []).join(', ')})`);
  io.out(`in SageMaker it would be ${artifactS3Uri(request).replace(/\{\{Ref:([^}]+)\}\}/g, '<$1 bucket>')}`);
  return 0;
}

interface ServeFlags {
  readonly model?: string;
  readonly port?: string;
  readonly invoke?: string;
  readonly contentType?: string;
}

async function serve(assemblyDir: string, selector: string, f: ServeFlags, c: Common, io: CliIo): Promise<number> {
  const stacks = readAssembly(assemblyDir);
  const found = findResource(stacks, selector, ['AWS::SageMaker::Endpoint', 'AWS::SageMaker::Model'], 'endpoint or model');
  const template = found.stack.template;
  const targetOf = (v: any): string | undefined => v?.Ref ?? (Array.isArray(v?.['Fn::GetAtt']) ? v['Fn::GetAtt'][0] : undefined);
  let modelId = found.logicalId;
  if (found.resource.Type === 'AWS::SageMaker::Endpoint') {
    const configId = targetOf(found.resource.Properties?.EndpointConfigName);
    const variants = configId ? template.Resources[configId]?.Properties?.ProductionVariants ?? [] : [];
    const modelRef = variants.map((v: any) => targetOf(v.ModelName)).find((x: string | undefined) => x);
    if (!modelRef) throw new Error(`endpoint ${found.constructPath} has no model of this stack to serve (inference components and imported models are not run locally)`);
    if (variants.length > 1) io.out(`note: the endpoint has ${variants.length} variants; serving the first one's model`);
    modelId = modelRef;
  }
  const pseudo = pseudoParameters(c.account, c.region);
  const model = template.Resources[modelId];
  const container = model.Properties?.PrimaryContainer ?? model.Properties?.Containers?.[0] ?? {};
  const environment: Record<string, string> = resolveTemplateValue(container.Environment ?? {}, template, pseudo);
  const imageUri = resolveTemplateValue(container.Image, template, pseudo);
  const image = imageOf(found.stack, String(imageUri));
  if (!image) throw new Error(`model ${modelId}: its image ${imageUri} is not built from a directory of this app; local mode runs images staged in the cloud assembly`);
  let local: LocalModel;
  const dataUrl = container.ModelDataUrl;
  const jobRef = Array.isArray(dataUrl?.['Fn::GetAtt']) && template.Resources[dataUrl['Fn::GetAtt'][0]]?.Type === 'Custom::SageMakerTrainingJob'
    ? dataUrl['Fn::GetAtt'][0] : undefined;
  if (f.model) {
    local = f.model.startsWith('s3://') ? { image, environment, modelS3Uri: f.model } : { image, environment, modelArchive: path.resolve(f.model) };
  } else if (jobRef) {
    const jobName = resolveTemplateValue(template.Resources[jobRef].Properties.TrainingJobName, template, pseudo);
    const archive = localArtifactFile(c.outDir, jobName);
    if (!fs.existsSync(archive)) {
      throw new Error(`the model is what training job ${jobName} (${jobRef}) trains, and ${archive} does not exist: run 'cdk-sagemaker-containers local train ${assemblyDir} ${jobRef}' first, or pass --model FILE`);
    }
    local = { image, environment, modelArchive: archive };
  } else if (dataUrl !== undefined) {
    const url = String(resolveTemplateValue(dataUrl, template, pseudo));
    const hash = Object.keys(found.stack.files).find((h) => url.includes(h));
    if (hash) local = { image, environment, modelArchive: found.stack.files[hash] };
    else if (url.startsWith('s3://') && !unresolved(url).length) local = { image, environment, modelS3Uri: url };
    else throw new Error(`model ${modelId} reads ${url}, which is only known after a deploy; pass --model FILE or --model s3://...`);
  } else {
    local = { image, environment };
  }
  const server = await startLocalModel(local, {
    workDir: path.join(c.outDir, 'serve', modelId),
    port: f.port ? Number(f.port) : undefined,
    cacheDir: c.cacheDir,
    toolkitPython: c.toolkitPython,
    onLine: io.out,
  });
  io.out(`serving ${found.constructPath} (model ${modelId}) with ${server.toolkit} at ${server.url}: GET /ping, POST /invocations`);
  for (const n of server.notes) io.out(`note: ${n}`);
  if (f.invoke !== undefined) {
    try {
      const res = await fetch(`${server.url}/invocations`, { method: 'POST', body: f.invoke, headers: { 'content-type': f.contentType ?? 'text/csv' } });
      io.out(`invocation: ${res.status} ${await res.text()}`);
      return res.ok ? 0 : 1;
    } finally {
      await server.stop();
    }
  }
  io.out('press Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.stop();
  return 0;
}

/** The bin entry point. */
export function run(): void {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  });
}
