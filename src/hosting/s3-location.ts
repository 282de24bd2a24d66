import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * What an `S3Location` resolves to once bound.
 */
export interface S3LocationConfig {
  /**
   * The S3 URI (`s3://bucket/prefix`).
   */
  readonly s3Uri: string;
}

/**
 * Options for `S3Location.fromS3Uri`.
 */
export interface S3LocationFromUriOptions {
  /**
   * The bucket the URI points into; the model's role is granted access to it.
   *
   * @default - no grant: the execution role must already have access
   */
  readonly bucket?: s3.IBucket;
}

/**
 * An S3 prefix an endpoint writes to or reads from (async inference output and failures, data
 * capture, async input).
 */
export abstract class S3Location {
  /**
   * A prefix in a bucket.
   *
   * @param bucket the bucket
   * @param prefix the key prefix, without leading '/'
   * @default prefix - the bucket's root
   */
  public static fromBucket(bucket: s3.IBucket, prefix?: string): S3Location {
    return new BucketLocation(bucket, prefix);
  }

  /**
   * An S3 URI, which may be a token.
   *
   * @param s3Uri `s3://bucket/prefix`
   * @param options the bucket to grant access to
   */
  public static fromS3Uri(s3Uri: string, options: S3LocationFromUriOptions = {}): S3Location {
    if (!Token.isUnresolved(s3Uri) && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(s3Uri)) {
      throw new Error(`S3 location '${s3Uri}' is not an S3 URI; use s3://<bucket>/<prefix>`);
    }
    return new UriLocation(s3Uri, options.bucket);
  }

  /**
   * Binds the location for writing: the grantee may put objects under it.
   *
   * @param scope the construct that uses the location
   * @param grantee the role that writes
   */
  public abstract bindForWrite(scope: Construct, grantee: iam.IGrantable): S3LocationConfig;

  /**
   * Binds the location for reading: the grantee may get objects under it.
   *
   * @param scope the construct that uses the location
   * @param grantee the role that reads
   */
  public abstract bindForRead(scope: Construct, grantee: iam.IGrantable): S3LocationConfig;
}

class BucketLocation extends S3Location {
  constructor(private readonly bucket: s3.IBucket, private readonly prefix?: string) {
    super();
    if (prefix !== undefined && !Token.isUnresolved(prefix) && prefix.startsWith('/')) {
      throw new Error(`S3 location prefix '${prefix}' starts with '/'; use a key prefix such as 'async/output'`);
    }
  }

  public bindForWrite(_scope: Construct, grantee: iam.IGrantable): S3LocationConfig {
    grantWrite(grantee, this.bucket, this.keyPattern());
    return { s3Uri: this.uri() };
  }

  public bindForRead(_scope: Construct, grantee: iam.IGrantable): S3LocationConfig {
    grantRead(grantee, this.bucket, this.keyPattern());
    return { s3Uri: this.uri() };
  }

  private trimmed(): string {
    return (this.prefix ?? '').replace(/\/+$/, '');
  }

  private keyPattern(): string {
    const prefix = this.trimmed();
    return prefix === '' ? '*' : `${prefix}/*`;
  }

  private uri(): string {
    const prefix = this.trimmed();
    return prefix === '' ? `s3://${this.bucket.bucketName}/` : `s3://${this.bucket.bucketName}/${prefix}/`;
  }
}

class UriLocation extends S3Location {
  constructor(private readonly s3Uri: string, private readonly bucket?: s3.IBucket) {
    super();
  }

  public bindForWrite(_scope: Construct, grantee: iam.IGrantable): S3LocationConfig {
    if (this.bucket) {
      grantWrite(grantee, this.bucket, this.keyPattern());
    }
    return { s3Uri: this.s3Uri };
  }

  public bindForRead(_scope: Construct, grantee: iam.IGrantable): S3LocationConfig {
    if (this.bucket) {
      grantRead(grantee, this.bucket, this.keyPattern());
    }
    return { s3Uri: this.s3Uri };
  }

  /** The objects under the URI's path when it is concrete; every object of the bucket for a token URI. */
  private keyPattern(): string {
    const path = Token.isUnresolved(this.s3Uri) ? undefined : /^s3:\/\/[^/]+\/(.*)$/.exec(this.s3Uri)?.[1];
    return `${path ?? ''}*`;
  }
}

/**
 * `s3:PutObject` and `s3:AbortMultipartUpload` on the key pattern, and the data-key actions of the bucket's key:
 * exactly what SageMaker needs to write results (not the `s3:Abort*` / `s3:PutObject*` sets of `grantPut`).
 */
function grantWrite(grantee: iam.IGrantable, bucket: s3.IBucket, keyPattern: string): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resourceArns: [bucket.arnForObjects(keyPattern)] });
  bucket.encryptionKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
}

/** `s3:GetObject` on the key pattern and `kms:Decrypt` on the bucket's key (not `grantRead`'s wildcard sets). */
function grantRead(grantee: iam.IGrantable, bucket: s3.IBucket, keyPattern: string): void {
  iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [bucket.arnForObjects(keyPattern)] });
  bucket.encryptionKey?.grant(grantee, 'kms:Decrypt');
}
