import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Aws, FileSystem, Stack, SymlinkFollowMode, Token } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { listTarEntries, tarGzDirectory } from '../private/tar';

/**
 * Options for `ModelData.fromS3Uri`.
 */
export interface ModelDataFromS3UriOptions {
  /**
   * The bucket that holds the artifact; the model's role is granted read on the object.
   *
   * @default - no grant is made; the execution role must already be able to read the object
   */
  readonly bucket?: s3.IBucket;
}

/**
 * What a model data source resolves to once bound.
 */
export interface ModelDataConfig {
  /**
   * S3 URI of the model archive (`s3://bucket/key/model.tar.gz`).
   */
  readonly s3Uri: string;
}

/**
 * Where a model archive (`model.tar.gz`) comes from.
 *
 * This is the hand-off between training and hosting: a `TrainingJob` exposes its
 * artifact as a `ModelData`, an `Endpoint` accepts any `ModelData`.
 */
export abstract class ModelData {
  /**
   * A model archive stored in an S3 bucket.
   *
   * @param bucket the bucket holding the archive
   * @param key the object key, for example `models/model.tar.gz`
   */
  public static fromBucket(bucket: s3.IBucket, key: string): ModelData {
    return new BucketModelData(bucket, key);
  }

  /**
   * A model archive at an S3 URI, which may be a token (for example a training job's artifact attribute).
   *
   * @param s3Uri `s3://bucket/key`
   */
  public static fromS3Uri(s3Uri: string, options: ModelDataFromS3UriOptions = {}): ModelData {
    if (!Token.isUnresolved(s3Uri) && !/^s3:\/\/[^/]+\/.+/.test(s3Uri)) {
      throw new Error(`modelData s3Uri '${s3Uri}' is not an S3 object URI; use s3://<bucket>/<key>`);
    }
    return new UriModelData(s3Uri, options.bucket);
  }

  /**
   * A model archive from the local file system, uploaded as an S3 asset at deploy time.
   *
   * `path` is either a `.tar.gz` / `.tgz` file (uploaded as is) or a directory, which is
   * packed at synth into a `model.tar.gz` with sorted entries, zero mtimes and owners and
   * normalised modes, so the asset hash changes only when the directory's content does.
   * Symbolic links are followed. Directories over 2 GiB are refused: archive those yourself.
   *
   * @param assetPath a `.tar.gz` file or a directory
   */
  public static fromAsset(assetPath: string): ModelData {
    return new AssetModelData(assetPath);
  }

  /**
   * Binds the model data to a construct, granting the grantee read access.
   *
   * @param scope the construct that uses the model data
   * @param grantee the role that reads it (the model's execution role)
   */
  public abstract bind(scope: Construct, grantee: iam.IGrantable): ModelDataConfig;
}

class BucketModelData extends ModelData {
  constructor(private readonly bucket: s3.IBucket, private readonly key: string) {
    super();
    if (!Token.isUnresolved(key) && (key.length === 0 || key.startsWith('/'))) {
      throw new Error(`modelData key '${key}' must be a non-empty S3 key without a leading '/'`);
    }
  }

  public bind(_scope: Construct, grantee: iam.IGrantable): ModelDataConfig {
    grantGetObject(grantee, this.bucket, this.key);
    return { s3Uri: this.bucket.s3UrlForObject(this.key) };
  }
}

class UriModelData extends ModelData {
  constructor(private readonly s3Uri: string, private readonly bucket?: s3.IBucket) {
    super();
  }

  public bind(_scope: Construct, grantee: iam.IGrantable): ModelDataConfig {
    if (this.bucket) {
      // a concrete URI names the one object; a token URI (a job's artifact) only its bucket
      const key = Token.isUnresolved(this.s3Uri) ? undefined : /^s3:\/\/[^/]+\/(.+)$/.exec(this.s3Uri)?.[1];
      grantGetObject(grantee, this.bucket, key ?? '*');
    }
    return { s3Uri: this.s3Uri };
  }
}

class AssetModelData extends ModelData {
  private readonly directory: boolean;
  private readonly assetPath: string;
  /** One asset per stack: several variants or models reuse it. */
  private readonly assets = new Map<Stack, s3assets.Asset>();

  constructor(assetPath: string) {
    super();
    this.assetPath = path.resolve(assetPath);
    if (!fs.existsSync(this.assetPath)) {
      throw new Error(`modelData asset path '${assetPath}' does not exist; use a .tar.gz file or a directory to pack`);
    }
    this.directory = fs.statSync(this.assetPath).isDirectory();
    if (!this.directory && !/\.(tar\.gz|tgz)$/.test(this.assetPath)) {
      throw new Error(`modelData asset path '${assetPath}' is a file but not a .tar.gz or .tgz archive; SageMaker reads gzip-compressed tar archives, or pass a directory to pack`);
    }
    if (this.directory && fs.readdirSync(this.assetPath).length === 0) {
      throw new Error(`modelData asset directory '${assetPath}' is empty; it must hold the model files`);
    }
  }

  public bind(scope: Construct, grantee: iam.IGrantable): ModelDataConfig {
    const stack = Stack.of(scope);
    let asset = this.assets.get(stack);
    if (!asset) {
      const file = this.directory ? packDirectory(this.assetPath) : this.assetPath;
      let id = 'ModelDataAsset';
      for (let n = 2; scope.node.tryFindChild(id); n++) {
        id = `ModelDataAsset${n}`;
      }
      asset = new s3assets.Asset(scope, id, { path: file });
      this.assets.set(stack, asset);
    }
    // the one archive, not the whole assets bucket (which asset.grantRead would open)
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [`arn:${Aws.PARTITION}:s3:::${asset.s3BucketName}/${asset.s3ObjectKey}`],
    });
    return { s3Uri: asset.s3ObjectUrl };
  }
}

/**
 * Grants `s3:GetObject` on one object (or key pattern) and, when the bucket has a key, `kms:Decrypt` on it:
 * the only actions SageMaker needs to download a model archive.
 */
function grantGetObject(grantee: iam.IGrantable, bucket: s3.IBucket, key: string): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [bucket.arnForObjects(key)] });
  bucket.encryptionKey?.grantDecrypt(grantee);
}

/**
 * Packs a directory into `model.tar.gz` in a directory named after the source's fingerprint,
 * so an unchanged directory is not packed again on the next synth.
 */
function packDirectory(directory: string): string {
  // the fingerprint covers names and content; the execute bits, which the archive keeps, are added
  const modes = listTarEntries(directory).filter(e => e.executable && !e.directory).map(e => e.name).join('\n');
  const fingerprint = crypto.createHash('sha256')
    .update(FileSystem.fingerprint(directory, { follow: SymlinkFollowMode.ALWAYS }))
    .update(modes)
    .digest('hex');
  const outDir = path.join(os.tmpdir(), `cdk-sagemaker-model-${fingerprint}`);
  const outFile = path.join(outDir, 'model.tar.gz');
  if (!fs.existsSync(outFile)) {
    fs.mkdirSync(outDir, { recursive: true });
    // write then rename, so a concurrent synth never sees a half-written archive
    const partial = `${outFile}.${process.pid}.partial`;
    fs.writeFileSync(partial, tarGzDirectory(directory));
    fs.renameSync(partial, outFile);
  }
  return outFile;
}
