import * as fs from 'node:fs';
import * as path from 'node:path';

/** A file asset from an asset manifest, with its destination resolved for one account and region. */
export interface FileAsset {
  readonly hash: string;
  /** Absolute path of the staged file or directory in the cloud assembly. */
  readonly sourcePath: string;
  /** `zip` for a directory packed by the deploy tool, `file` for a file uploaded as-is. */
  readonly packaging: 'zip' | 'file';
  readonly bucketName: string;
  readonly objectKey: string;
}

/** A Docker image asset: a staged build context that `cdk deploy` would build and push. */
export interface ImageAsset {
  readonly hash: string;
  /** Absolute path of the staged build context. */
  readonly directory: string;
  readonly dockerFile: string;
  readonly repositoryName: string;
  readonly imageTag: string;
}

/** One stack of a synthesized cloud assembly. */
export interface AssemblyStack {
  /** The artifact id (`TrainAndDeploy`). */
  readonly artifactId: string;
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** Absolute path of the template file. */
  readonly templateFile: string;
  readonly template: any;
  readonly fileAssets: FileAsset[];
  readonly imageAssets: ImageAsset[];
}

/**
 * Reads the stacks of a synthesized cloud assembly directory (`cdk.out`, or an integ snapshot),
 * including stacks inside nested assemblies (stages).
 */
export function readCloudAssembly(assemblyDir: string, account: string, region: string): AssemblyStack[] {
  const dir = path.resolve(assemblyDir);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const artifacts: Record<string, any> = manifest.artifacts ?? {};
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type === 'cdk:cloud-assembly') {
      stacks.push(...readCloudAssembly(path.join(dir, artifact.properties.directoryName), account, region));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const props = artifact.properties ?? {};
    const templateFile = path.join(dir, props.templateFile);
    const fileAssets: FileAsset[] = [];
    const imageAssets: ImageAsset[] = [];
    for (const dep of artifact.dependencies ?? []) {
      const depArtifact = artifacts[dep];
      if (depArtifact?.type !== 'cdk:asset-manifest') continue;
      const assetManifest = JSON.parse(fs.readFileSync(path.join(dir, depArtifact.properties.file), 'utf8'));
      const sub = (s: string) => substitutePlaceholders(s, account, region);
      for (const [hash, asset] of Object.entries<any>(assetManifest.files ?? {})) {
        for (const dest of Object.values<any>(asset.destinations ?? {})) {
          fileAssets.push({
            hash,
            sourcePath: path.join(dir, asset.source.path),
            packaging: asset.source.packaging === 'zip' ? 'zip' : 'file',
            bucketName: sub(dest.bucketName),
            objectKey: sub(dest.objectKey),
          });
        }
      }
      for (const [hash, asset] of Object.entries<any>(assetManifest.dockerImages ?? {})) {
        for (const dest of Object.values<any>(asset.destinations ?? {})) {
          imageAssets.push({
            hash,
            directory: path.join(dir, asset.source.directory ?? ''),
            dockerFile: asset.source.dockerFile ?? 'Dockerfile',
            repositoryName: sub(dest.repositoryName),
            imageTag: sub(dest.imageTag),
          });
        }
      }
    }
    stacks.push({
      artifactId: id,
      stackName: props.stackName ?? artifact.displayName ?? id,
      templateFile,
      template: JSON.parse(fs.readFileSync(templateFile, 'utf8')),
      fileAssets,
      imageAssets,
    });
  }
  return stacks;
}

/** Replaces the `${AWS::AccountId}`-style placeholders of asset manifests. */
export function substitutePlaceholders(s: string, account: string, region: string): string {
  return s
    .replace(/\$\{AWS::AccountId\}/g, account)
    .replace(/\$\{AWS::Region\}/g, region)
    .replace(/\$\{AWS::Partition\}/g, 'aws');
}
