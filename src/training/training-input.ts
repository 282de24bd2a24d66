import * as fs from 'fs';
import * as path from 'path';
import { CustomResource, Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct, IDependable } from 'constructs';
import { stackFunction } from './private/functions';
import { INPUT_ASSET_MAX_BYTES, INPUT_ASSET_MAX_FILES } from './private/input-asset-limits';
import {
  INPUT_ASSET_DATA_DIR, TRAINING_INPUT_ASSET_RESOURCE_TYPE, TrainingInputAssetProperty,
} from './private/protocol';
import { TrainingInputAssetFunction } from './training-input-asset-function';
import { formatBytes, measureAssetDirectory } from '../private/fs';
import { bucketOfName, grantObjects, grantReadPrefix, isInvalidS3Uri, parseS3Uri } from '../private/s3-grants';

/**
 * How a channel's data reaches the training container.
 */
export enum TrainingInputMode {
  /** Downloaded to `/opt/ml/input/data/<channel>` before the program starts. */
  FILE = 'File',
  /** Mounted from S3 and streamed on read (S3 prefixes only). */
  FAST_FILE = 'FastFile',
  /** Streamed through a named pipe `/opt/ml/input/data/<channel>_<epoch>`. */
  PIPE = 'Pipe',
}

/**
 * How a channel's objects are spread over the instances of a job.
 */
export enum S3DataDistribution {
  /** Every instance gets every object. */
  FULLY_REPLICATED = 'FullyReplicated',
  /** Each instance gets about 1/n of the objects, split by key. */
  SHARDED_BY_S3_KEY = 'ShardedByS3Key',
}

/**
 * What the channel's S3 URI points at.
 */
export enum S3DataType {
  /** Every object under the key prefix. */
  S3_PREFIX = 'S3Prefix',
  /** A manifest object that lists the objects to use. */
  MANIFEST_FILE = 'ManifestFile',
  /** An augmented manifest (JSON lines with attributes), for Pipe mode. */
  AUGMENTED_MANIFEST_FILE = 'AugmentedManifestFile',
}

/**
 * Compression of the channel's objects.
 */
export enum InputCompression {
  /** Not compressed. */
  NONE = 'None',
  /** Gzip; SageMaker decompresses it, in Pipe mode only. */
  GZIP = 'Gzip',
}

/**
 * Record wrapping of the channel's objects.
 */
export enum RecordWrapper {
  /** Objects are passed as they are. */
  NONE = 'None',
  /** Each object is wrapped as a RecordIO record (for algorithms that read RecordIO in Pipe mode). */
  RECORDIO = 'RecordIO',
}

/**
 * Options of every input channel.
 */
export interface TrainingInputOptions {
  /**
   * How the data reaches the container.
   *
   * @default TrainingInputMode.FILE
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Channel.html#sagemaker-Type-Channel-InputMode
   */
  readonly inputMode?: TrainingInputMode;

  /**
   * MIME type of the data, passed to the algorithm (for example `text/csv`).
   *
   * @default - none
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Channel.html#sagemaker-Type-Channel-ContentType
   */
  readonly contentType?: string;

  /**
   * Compression of the objects.
   *
   * @default InputCompression.NONE
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Channel.html#sagemaker-Type-Channel-CompressionType
   */
  readonly compression?: InputCompression;

  /**
   * Shuffles the objects before each epoch with this seed (File mode shuffles the object list; Pipe mode
   * the records too).
   *
   * @default - no shuffling
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ShuffleConfig.html#sagemaker-Type-ShuffleConfig-Seed
   */
  readonly shuffleSeed?: number;

  /**
   * How objects are spread over the instances.
   *
   * @default S3DataDistribution.FULLY_REPLICATED
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html#sagemaker-Type-S3DataSource-S3DataDistributionType
   */
  readonly distribution?: S3DataDistribution;

  /**
   * Record wrapping.
   *
   * @default RecordWrapper.NONE
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Channel.html#sagemaker-Type-Channel-RecordWrapperType
   */
  readonly recordWrapper?: RecordWrapper;
}

/**
 * Options for `TrainingInput.fromBucket`.
 */
export interface TrainingInputFromBucketOptions extends TrainingInputOptions {
  /**
   * What the key points at.
   *
   * @default S3DataType.S3_PREFIX
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html#sagemaker-Type-S3DataSource-S3DataType
   */
  readonly dataType?: S3DataType;

  /**
   * With a manifest (`dataType` MANIFEST_FILE or AUGMENTED_MANIFEST_FILE): the key prefix of the objects the
   * manifest lists, in `manifestDataBucket`. SageMaker reads each of them with the job's role, so the role is
   * granted read on this prefix as well as on the manifest.
   *
   * @default - the folder that holds the manifest (its key up to the last `/`)
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html#sagemaker-Type-S3DataSource-S3Uri
   */
  readonly manifestDataPrefix?: string;

  /**
   * With a manifest: the bucket of the objects it lists.
   *
   * @default - the manifest's bucket
   */
  readonly manifestDataBucket?: s3.IBucket;
}

/**
 * Options for `TrainingInput.fromS3Uri`.
 */
export interface TrainingInputFromS3UriOptions extends TrainingInputFromBucketOptions {
  /**
   * The bucket the URI points into; the job's role is granted read on the prefix through it (and its KMS
   * key, if any).
   *
   * @default - a read grant is derived from the URI; a token URI gets no grant (the role must already read it)
   */
  readonly bucket?: s3.IBucket;
}

/**
 * Options for `TrainingInput.fromAsset`.
 */
export interface TrainingInputFromAssetOptions extends TrainingInputOptions {
  /**
   * Glob patterns (relative to the directory) left out of the upload.
   *
   * @default - every file
   */
  readonly exclude?: string[];

  /**
   * The bucket the directory is unpacked into.
   *
   * @default - the job's output bucket
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html#sagemaker-Type-S3DataSource-S3Uri
   */
  readonly bucket?: s3.IBucket;

  /**
   * Key prefix the directory is unpacked under, followed by the asset hash (so the content of a prefix never
   * changes, and an unchanged directory is unpacked once).
   *
   * @default - `<outputPrefix>/inputs/` in the job's output bucket
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html#sagemaker-Type-S3DataSource-S3Uri
   */
  readonly prefix?: string;
}

/**
 * What the job passes to `TrainingInput.bind`.
 */
export interface TrainingInputBindOptions {
  /** The job's execution role: it is granted read on the channel's data. */
  readonly grantee: iam.IGrantable;
  /** Where local directories are unpacked unless the input names its own bucket. */
  readonly stagingBucket: s3.IBucket;
  /** Key prefix (ending with `/`) for local directories in the staging bucket. */
  readonly stagingPrefix: string;
}

/**
 * A bound input channel.
 */
export interface TrainingInputConfig {
  /**
   * `s3://bucket/prefix` of the data (or of the manifest).
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html#sagemaker-Type-S3DataSource-S3Uri
   */
  readonly s3Uri: string;
  /**
   * What the URI points at.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html#sagemaker-Type-S3DataSource-S3DataType
   */
  readonly dataType: S3DataType;
  /**
   * What must exist before the job starts (the unpacked directory of a local input).
   *
   * @default - nothing
   */
  readonly dependable?: IDependable;
}

/** SageMaker's channel name rule. */
const CHANNEL_NAME = /^[A-Za-z0-9.\-_]+$/;
const MAX_CHANNEL_NAME_LENGTH = 64;

/**
 * An input channel of a training job: data in S3, or a local directory uploaded at deploy time.
 * The container finds channel `name` under `/opt/ml/input/data/<name>` (File mode) and in `SM_CHANNEL_<NAME>`.
 */
export abstract class TrainingInput {
  /**
   * The objects under a key prefix (or a manifest) of a bucket; the job's role gets read on that prefix.
   *
   * @param channelName the channel name (`[A-Za-z0-9.\-_]+`, at most 64 characters)
   * @param bucket the bucket
   * @param prefix the key prefix, for example `train/` (empty for the whole bucket)
   */
  public static fromBucket(channelName: string, bucket: s3.IBucket, prefix: string, options: TrainingInputFromBucketOptions = {}): TrainingInput {
    return new BucketInput(channelName, bucket, prefix, options);
  }

  /**
   * The objects under an S3 URI (`s3://bucket/prefix`), which may be a token.
   *
   * @param channelName the channel name
   * @param s3Uri `s3://bucket/prefix`
   */
  public static fromS3Uri(channelName: string, s3Uri: string, options: TrainingInputFromS3UriOptions = {}): TrainingInput {
    return new UriInput(channelName, s3Uri, options);
  }

  /**
   * A local directory, uploaded at deploy time and unpacked into an S3 prefix keyed by its content hash,
   * so the job sees its files (not a zip). At most 10 GiB and 100,000 files as the CDK CLI zips them
   * (symbolic links followed, `exclude` applied); use `fromBucket` for larger data. A directory inside the
   * image's directory is left out of the image automatically.
   *
   * @param channelName the channel name
   * @param directory path of the directory
   */
  public static fromAsset(channelName: string, directory: string, options: TrainingInputFromAssetOptions = {}): TrainingInput {
    return new AssetInput(channelName, directory, options);
  }

  /** The channel name. */
  public readonly channelName: string;

  /** The channel options. */
  public readonly options: TrainingInputOptions;

  /**
   * Absolute path of the local directory, for a local input.
   *
   * @default - not a local input
   */
  public readonly localDirectory?: string;

  /**
   * @param channelName the channel name the training script sees (`SM_CHANNEL_<NAME>`)
   * @param options how SageMaker reads the channel
   * @param localDirectory absolute path of the local directory, for a local input
   */
  protected constructor(channelName: string, options: TrainingInputOptions, localDirectory?: string) {
    const problems: string[] = [];
    if (!Token.isUnresolved(channelName)) {
      if (!CHANNEL_NAME.test(channelName)) {
        problems.push(`channelName '${channelName}' is not allowed; use letters, digits, '.', '-' and '_' only`);
      }
      if (channelName.length > MAX_CHANNEL_NAME_LENGTH) {
        problems.push(`channelName '${channelName}' has ${channelName.length} characters; at most ${MAX_CHANNEL_NAME_LENGTH} are allowed`);
      }
    }
    const seed = options.shuffleSeed;
    if (seed !== undefined && !Token.isUnresolved(seed) && (!Number.isSafeInteger(seed) || seed < 0)) {
      problems.push(`shuffleSeed ${seed} of channel '${channelName}' is not allowed; use a whole number of 0 or more`);
    }
    if (options.compression === InputCompression.GZIP && (options.inputMode ?? TrainingInputMode.FILE) !== TrainingInputMode.PIPE) {
      problems.push(`compression Gzip of channel '${channelName}' needs inputMode Pipe, not ${options.inputMode ?? TrainingInputMode.FILE}; `
        + 'SageMaker decompresses only in Pipe mode');
    }
    if (problems.length > 0) {
      throw new Error(`TrainingInput '${channelName}': ${problems.join('; ')}`);
    }
    this.channelName = channelName;
    this.options = options;
    this.localDirectory = localDirectory;
  }

  /**
   * Binds the channel to a job: grants the role read on the data and returns where it is.
   *
   * @param scope the job
   */
  public abstract bind(scope: Construct, options: TrainingInputBindOptions): TrainingInputConfig;
}

class BucketInput extends TrainingInput {
  constructor(channelName: string, private readonly bucket: s3.IBucket, private readonly prefix: string,
    private readonly bucketOptions: TrainingInputFromBucketOptions) {
    super(channelName, bucketOptions);
    if (!Token.isUnresolved(prefix) && prefix.startsWith('/')) {
      throw new Error(`TrainingInput '${channelName}': prefix '${prefix}' must not start with '/'`);
    }
    checkFastFile(channelName, bucketOptions);
  }

  public bind(_scope: Construct, options: TrainingInputBindOptions): TrainingInputConfig {
    grantReadPrefix(options.grantee, this.bucket, this.prefix);
    grantManifestData(options.grantee, this.bucketOptions, this.bucket, this.prefix);
    return { s3Uri: this.bucket.s3UrlForObject(this.prefix), dataType: this.bucketOptions.dataType ?? S3DataType.S3_PREFIX };
  }
}

class UriInput extends TrainingInput {
  constructor(channelName: string, private readonly s3Uri: string, private readonly uriOptions: TrainingInputFromS3UriOptions) {
    super(channelName, uriOptions);
    if (isInvalidS3Uri(s3Uri)) {
      throw new Error(`TrainingInput '${channelName}': s3Uri '${s3Uri}' is not an S3 URI; use s3://<bucket>/<prefix>`);
    }
    checkFastFile(channelName, uriOptions);
  }

  public bind(_scope: Construct, options: TrainingInputBindOptions): TrainingInputConfig {
    const location = parseS3Uri(this.s3Uri);
    if (this.uriOptions.bucket) {
      grantReadPrefix(options.grantee, this.uriOptions.bucket, location ? location.prefix : '');
      if (location) grantManifestData(options.grantee, this.uriOptions, this.uriOptions.bucket, location.prefix);
    } else if (location) {
      grantReadPrefix(options.grantee, bucketOfName(location.bucket), location.prefix);
      if (isManifest(this.uriOptions)) {
        if (this.uriOptions.manifestDataBucket) {
          grantManifestData(options.grantee, this.uriOptions, this.uriOptions.manifestDataBucket, location.prefix);
        } else {
          grantReadPrefix(options.grantee, bucketOfName(location.bucket), this.uriOptions.manifestDataPrefix ?? folderOf(location.prefix));
        }
      }
    }
    return { s3Uri: this.s3Uri, dataType: this.uriOptions.dataType ?? S3DataType.S3_PREFIX };
  }
}

function isManifest(options: TrainingInputFromBucketOptions): boolean {
  return options.dataType === S3DataType.MANIFEST_FILE || options.dataType === S3DataType.AUGMENTED_MANIFEST_FILE;
}

/** A key's folder: up to and with its last `/` (empty for a key at the bucket's root). */
function folderOf(key: string): string {
  return Token.isUnresolved(key) ? '' : key.slice(0, key.lastIndexOf('/') + 1);
}

/**
 * Read on the objects a manifest lists ("The object that each S3Uri points to must be readable by the IAM role",
 * API_S3DataSource): `manifestDataPrefix` in `manifestDataBucket`, by default the manifest's folder in its bucket.
 */
function grantManifestData(grantee: iam.IGrantable, options: TrainingInputFromBucketOptions, bucket: s3.IBucket, manifestKey: string): void {
  if (!isManifest(options)) return;
  grantReadPrefix(grantee, options.manifestDataBucket ?? bucket, options.manifestDataPrefix ?? folderOf(manifestKey));
}

function checkFastFile(channelName: string, options: TrainingInputFromBucketOptions): void {
  if (options.inputMode === TrainingInputMode.FAST_FILE && (options.dataType ?? S3DataType.S3_PREFIX) !== S3DataType.S3_PREFIX) {
    throw new Error(`TrainingInput '${channelName}': inputMode FastFile needs dataType S3Prefix, not ${options.dataType}`);
  }
}

class AssetInput extends TrainingInput {
  constructor(channelName: string, directory: string, private readonly assetOptions: TrainingInputFromAssetOptions) {
    super(channelName, assetOptions, path.resolve(directory));
    const dir = this.localDirectory!;
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new Error(`TrainingInput '${channelName}': directory '${directory}' does not exist or is not a directory; `
        + 'fromAsset takes a local directory (use fromBucket or fromS3Uri for data in S3)');
    }
    // what the CDK CLI will zip (links followed, exclude applied) against what the unpacker can do in time
    const size = measureAssetDirectory(dir, assetOptions.exclude);
    if (size.bytes > INPUT_ASSET_MAX_BYTES || size.files > INPUT_ASSET_MAX_FILES) {
      throw new Error(`TrainingInput '${channelName}': directory '${directory}' holds ${formatBytes(size.bytes)} in ${size.files} files `
        + '(symbolic links followed, exclude applied); fromAsset unpacks at most '
        + `${formatBytes(INPUT_ASSET_MAX_BYTES)} and ${INPUT_ASSET_MAX_FILES} files within CloudFormation's hour. `
        + 'Upload the data to S3 and use TrainingInput.fromBucket, or leave files out with exclude');
    }
    if (assetOptions.prefix !== undefined && !Token.isUnresolved(assetOptions.prefix) && assetOptions.prefix.startsWith('/')) {
      throw new Error(`TrainingInput '${channelName}': prefix '${assetOptions.prefix}' must not start with '/'`);
    }
  }

  public bind(scope: Construct, options: TrainingInputBindOptions): TrainingInputConfig {
    // Channel names ([A-Za-z0-9.\-_]) are valid construct ids and unique within a job.
    const id = `Input${this.channelName}`;
    const asset = new s3assets.Asset(scope, `${id}Asset`, {
      path: this.localDirectory!,
      exclude: this.assetOptions.exclude,
    });
    const bucket = this.assetOptions.bucket ?? options.stagingBucket;
    const basePrefix = this.assetOptions.prefix !== undefined ? withSlash(this.assetOptions.prefix) : options.stagingPrefix;
    const prefix = `${basePrefix}${asset.assetHash}/`;

    const fn = inputAssetFunction(scope);
    // only what the handler calls: GetObject on the one asset archive; HeadObject/GetObject of the marker and
    // PutObject (and multipart uploads, aborted when an entry fails, their parts listed to resume one) under
    // the destination prefix; ListBucket on the destination (the resume lists what is there), without which
    // HeadObject of a missing marker answers 403 instead of 404, and ListBucketMultipartUploads (the resume finds
    // an upload under way; S3 has no prefix condition key for it, so the bucket)
    grantObjects(fn, bucketOfName(asset.s3BucketName), asset.s3ObjectKey, ['s3:GetObject']);
    grantObjects(fn, bucket, `${prefix}*`, ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts']);
    iam.Grant.addToPrincipal({ grantee: fn, actions: ['s3:ListBucket', 's3:ListBucketMultipartUploads'], resourceArns: [bucket.bucketArn] });
    bucket.encryptionKey?.grant(fn, 'kms:Decrypt', 'kms:GenerateDataKey');
    const selfInvoke = selfInvokePolicy(fn);

    const resource = new CustomResource(scope, id, {
      resourceType: TRAINING_INPUT_ASSET_RESOURCE_TYPE,
      serviceToken: fn.functionArn,
      properties: {
        [TrainingInputAssetProperty.SOURCE_BUCKET]: asset.s3BucketName,
        [TrainingInputAssetProperty.SOURCE_KEY]: asset.s3ObjectKey,
        [TrainingInputAssetProperty.DESTINATION_BUCKET]: bucket.bucketName,
        [TrainingInputAssetProperty.DESTINATION_PREFIX]: prefix,
      },
    });
    // The function's policy must be in place before it runs.
    resource.node.addDependency(fn.role?.node.tryFindChild('DefaultPolicy') ?? fn, selfInvoke);

    const dataPrefix = `${prefix}${INPUT_ASSET_DATA_DIR}`;
    grantReadPrefix(options.grantee, bucket, dataPrefix);
    return { s3Uri: bucket.s3UrlForObject(dataPrefix), dataType: S3DataType.S3_PREFIX, dependable: resource };
  }
}

function withSlash(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** The stack's one unpacking function, created on first use. */
function inputAssetFunction(scope: Construct): TrainingInputAssetFunction {
  return stackFunction(scope, 'SageMakerTrainingInputAssetHandler', TrainingInputAssetFunction, {
    description: 'Unpacks local training-data directories into S3 prefixes (cdk-sagemaker-containers)',
    memorySize: 3008,
    timeout: Duration.minutes(15),
  });
}

/**
 * Lets the unpacking function hand an event over to a fresh invocation of itself at its deadline. A policy of
 * its own: in the role's default policy, the function's ARN would make the function depend on itself.
 */
function selfInvokePolicy(fn: TrainingInputAssetFunction): iam.Policy {
  const existing = fn.node.tryFindChild('SelfInvokePolicy') as iam.Policy | undefined;
  if (existing) return existing;
  return new iam.Policy(fn, 'SelfInvokePolicy', {
    roles: fn.role ? [fn.role] : [],
    statements: [new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] })],
  });
}
