import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { FileSystem, Stack, SymlinkFollowMode, Token } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { bucketOfName, grantRead, grantReadPrefix } from '../private/s3-grants';
import { listTarEntries, tarGzDirectory } from '../private/tar';
import { throwProblems } from '../private/validation';

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
 * Options for `ModelData.fromS3Prefix` and `ModelData.fromS3PrefixUri`.
 */
export interface ModelDataFromS3PrefixOptions {
  /**
   * Accepts the end-user licence agreement of the model (`ModelAccessConfig.AcceptEula`). Models whose weights
   * are gated behind a licence (Llama, for instance) fail to deploy without it. Setting it states that you have
   * read the licence and that it is acceptable for your use.
   *
   * @default false - no licence accepted
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ModelAccessConfig.html#sagemaker-Type-ModelAccessConfig-AcceptEula
   */
  readonly acceptEula?: boolean;
}

/**
 * Options for `ModelData.fromS3PrefixUri`.
 */
export interface ModelDataFromS3PrefixUriOptions extends ModelDataFromS3PrefixOptions {
  /**
   * The bucket that holds the files; the model's role is granted read on the prefix.
   *
   * @default - no grant is made; the execution role must already be able to read and list the prefix
   */
  readonly bucket?: s3.IBucket;
}

/**
 * What a model data source resolves to once bound.
 */
export interface ModelDataConfig {
  /**
   * S3 URI of the model archive (`s3://bucket/key/model.tar.gz`), or of the key prefix (ending in `/`) whose
   * files SageMaker copies as they are when `uncompressed` is true.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-ModelDataUrl
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3ModelDataSource.html#sagemaker-Type-S3ModelDataSource-S3Uri
   */
  readonly s3Uri: string;

  /**
   * Whether `s3Uri` is a key prefix of uncompressed files (`ModelDataSource` with `S3DataType: S3Prefix` and
   * `CompressionType: None`) rather than one `model.tar.gz` (`ModelDataUrl`).
   *
   * @default false
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-ModelDataSource
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3ModelDataSource.html#sagemaker-Type-S3ModelDataSource-CompressionType
   */
  readonly uncompressed?: boolean;

  /**
   * Whether the model's end-user licence agreement is accepted (`ModelAccessConfig.AcceptEula`).
   *
   * @default false
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ModelAccessConfig.html#sagemaker-Type-ModelAccessConfig-AcceptEula
   */
  readonly acceptEula?: boolean;

  /**
   * Whether `s3Uri` is a prefix of model archives that a multi-model endpoint loads on demand (`Mode: MultiModel`).
   *
   * @default false
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-Mode
   */
  readonly multiModel?: boolean;
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
   * Uncompressed model files under a key prefix of a bucket (`ModelDataSource` with `S3DataType: S3Prefix` and
   * `CompressionType: None`): SageMaker copies every object under the prefix into `/opt/ml/model` as it is, with
   * no `model.tar.gz` to build or unpack. This is how large-model weights (safetensors shards) are served.
   * The model's role may read and list that prefix only.
   *
   * @param bucket the bucket holding the files
   * @param prefix the key prefix, ending with `/` (for example `llama-3-8b/`)
   * @param options licence acceptance
   */
  public static fromS3Prefix(bucket: s3.IBucket, prefix: string, options: ModelDataFromS3PrefixOptions = {}): ModelData {
    const problems: string[] = [];
    checkPrefix(problems, 'prefix', prefix);
    checkAcceptEula(problems, options.acceptEula);
    throwProblems('ModelData.fromS3Prefix', problems);
    return new PrefixModelData(bucket.s3UrlForObject(prefix), options.acceptEula, bucket, prefix);
  }

  /**
   * Uncompressed model files under an S3 key prefix given as a URI (`s3://bucket/prefix/`), which may be a token
   * (for example the uncompressed output of a training job). See `fromS3Prefix`.
   *
   * @param s3Uri `s3://<bucket>/<prefix>/`
   * @param options the bucket to grant read on, and licence acceptance
   */
  public static fromS3PrefixUri(s3Uri: string, options: ModelDataFromS3PrefixUriOptions = {}): ModelData {
    const problems: string[] = [];
    let prefix: string | undefined;
    if (!Token.isUnresolved(s3Uri)) {
      const match = /^s3:\/\/[^/]+\/(.*)$/.exec(s3Uri);
      if (!match) {
        problems.push(`s3Uri '${s3Uri}' is not an S3 prefix URI; use s3://<bucket>/<prefix>/`);
      } else {
        prefix = match[1];
        checkPrefix(problems, 's3Uri', prefix, s3Uri);
      }
    }
    checkAcceptEula(problems, options.acceptEula);
    throwProblems('ModelData.fromS3PrefixUri', problems);
    return new PrefixModelData(s3Uri, options.acceptEula, options.bucket, prefix);
  }

  /**
   * A prefix of model archives (`<prefix><name>.tar.gz`) for a multi-model endpoint (`Mode: MultiModel`):
   * the container loads the archive a request names in `TargetModel` on demand, and archives added under the
   * prefix later are served without a deployment. The image must support multi-model hosting (the SageMaker
   * inference toolkit with the multi-model server, or Triton). The model's role may read the objects under the
   * prefix only.
   *
   * @param bucket the bucket holding the archives
   * @param prefix the key prefix, ending with `/` (for example `models/`)
   */
  public static fromMultiModelPrefix(bucket: s3.IBucket, prefix: string): ModelData {
    const problems: string[] = [];
    checkPrefix(problems, 'prefix', prefix, prefix, 'a multi-model endpoint');
    throwProblems('ModelData.fromMultiModelPrefix', problems);
    return new MultiModelData(bucket, prefix);
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
    grantRead(grantee, this.bucket, this.key);
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
      grantRead(grantee, this.bucket, key ?? '*');
    }
    return { s3Uri: this.s3Uri };
  }
}

class PrefixModelData extends ModelData {
  constructor(
    private readonly s3Uri: string,
    private readonly acceptEula: boolean | undefined,
    private readonly bucket: s3.IBucket | undefined,
    /** The literal prefix, when known: a token URI grants on the whole bucket it names. */
    private readonly prefix: string | undefined,
  ) {
    super();
  }

  public bind(_scope: Construct, grantee: iam.IGrantable): ModelDataConfig {
    if (this.bucket) {
      grantReadPrefix(grantee, this.bucket, this.prefix ?? '');
    }
    return { s3Uri: this.s3Uri, uncompressed: true, acceptEula: this.acceptEula };
  }
}

class MultiModelData extends ModelData {
  constructor(private readonly bucket: s3.IBucket, private readonly prefix: string) {
    super();
  }

  public bind(_scope: Construct, grantee: iam.IGrantable): ModelDataConfig {
    // the container fetches the archive a request names; no listing is needed
    grantRead(grantee, this.bucket, `${this.prefix}*`);
    return { s3Uri: this.bucket.s3UrlForObject(this.prefix), multiModel: true };
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
    grantRead(grantee, bucketOfName(asset.s3BucketName), asset.s3ObjectKey);
    return { s3Uri: asset.s3ObjectUrl };
  }
}

/** SageMaker's rule for an S3Prefix model source: a key prefix that ends with `/` (tokens skipped). */
function checkPrefix(problems: string[], prop: string, prefix: string, shown: string = prefix,
  what: string = 'an uncompressed S3Prefix model source'): void {
  if (Token.isUnresolved(prefix)) return;
  if (prefix.startsWith('/') || !prefix.endsWith('/')) {
    problems.push(`${prop} '${shown}' is not allowed; use a key prefix that ends with '/' and has no leading '/' (for example 'llama-3-8b/'), `
      + `which SageMaker requires of ${what}`);
  }
}

/** acceptEula must be a boolean (callers in other languages can pass anything). */
function checkAcceptEula(problems: string[], value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean' && !Token.isUnresolved(value)) {
    problems.push(`acceptEula ${JSON.stringify(value)} is not allowed; use true or false`);
  }
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
