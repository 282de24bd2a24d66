import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  grantRead, grantReadWritePrefix, grantWritePrefix, isInvalidS3Uri, literalPrefixOf, parseS3Uri, S3LocationParts,
} from '../private/s3-grants';

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
   * The bucket the URI points into; the role that uses the location is granted access to it (the prefix of the
   * URI when it is literal, else the whole bucket), and to the bucket's key.
   *
   * @default - no grant: the role must already have access
   */
  readonly bucket?: s3.IBucket;
}

/**
 * An S3 prefix a job or an endpoint writes to or reads from: a training job's output and checkpoints, an async
 * endpoint's output, failures and input, data capture. Each binding grants the role exact actions on that
 * prefix only (never the wildcard action sets of `IBucket.grantReadWrite`).
 */
export abstract class S3Location {
  /**
   * A prefix in a bucket.
   *
   * @param bucket the bucket
   * @param prefix the key prefix, without leading '/' (a trailing '/' is optional)
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
    if (isInvalidS3Uri(s3Uri)) {
      throw new Error(`S3 location '${s3Uri}' is not an S3 URI; use s3://<bucket>/<prefix>`);
    }
    return new UriLocation(s3Uri, options.bucket);
  }

  /**
   * Binds the location for writing: the grantee may put objects under it (`s3:PutObject`,
   * `s3:AbortMultipartUpload`, and `kms:GenerateDataKey` / `kms:Decrypt` on the bucket's key).
   *
   * @param scope the construct that uses the location
   * @param grantee the role that writes
   */
  public abstract bindForWrite(scope: Construct, grantee: iam.IGrantable): S3LocationConfig;

  /**
   * Binds the location for reading: the grantee may get objects under it (`s3:GetObject`, and `kms:Decrypt`
   * on the bucket's key).
   *
   * @param scope the construct that uses the location
   * @param grantee the role that reads
   */
  public abstract bindForRead(scope: Construct, grantee: iam.IGrantable): S3LocationConfig;

  /**
   * Binds the location for reading and writing (a training job's checkpoints: synced down on start, up while
   * training, stale ones deleted): the grantee may get, put and delete objects under it, abort multipart
   * uploads, list the bucket limited to the prefix (an `s3:prefix` condition), and use the bucket's key
   * (`kms:GenerateDataKey`, `kms:Decrypt`).
   *
   * A subclass of your own that does not override it gets its `bindForRead` and `bindForWrite` grants together
   * (so that adding this method broke no existing subclass); the locations of `fromBucket` and `fromS3Uri`
   * grant exactly the actions above.
   *
   * @param scope the construct that uses the location
   * @param grantee the role that reads and writes
   */
  public bindForReadWrite(scope: Construct, grantee: iam.IGrantable): S3LocationConfig {
    this.bindForRead(scope, grantee);
    return this.bindForWrite(scope, grantee);
  }

  /**
   * Where the location is, for the constructs of this library that grant on a part of it (a training job
   * writes `<prefix>/<jobName>/` only); undefined for a location of another kind.
   *
   * @internal
   */
  public _parts(): S3LocationParts | undefined {
    return undefined;
  }
}

class BucketLocation extends S3Location {
  constructor(private readonly bucket: s3.IBucket, private readonly prefix?: string) {
    super();
    if (prefix !== undefined && !Token.isUnresolved(prefix) && prefix.startsWith('/')) {
      throw new Error(`S3 location prefix '${prefix}' starts with '/'; use a key prefix such as 'async/output'`);
    }
  }

  public bindForWrite(_scope: Construct, grantee: iam.IGrantable): S3LocationConfig {
    grantWritePrefix(grantee, this.bucket, this.keyPrefix());
    return { s3Uri: this.uri() };
  }

  public bindForRead(_scope: Construct, grantee: iam.IGrantable): S3LocationConfig {
    grantRead(grantee, this.bucket, `${this.keyPrefix()}*`);
    return { s3Uri: this.uri() };
  }

  public bindForReadWrite(_scope: Construct, grantee: iam.IGrantable): S3LocationConfig {
    grantReadWritePrefix(grantee, this.bucket, this.keyPrefix());
    return { s3Uri: this.uri() };
  }

  /** @internal */
  public _parts(): S3LocationParts {
    return { s3Uri: this.uri(), bucket: this.bucket, keyPrefix: this.keyPrefix() };
  }

  /** `<prefix>/` without the caller's trailing slashes, or '' for the bucket's root. */
  private keyPrefix(): string {
    const prefix = (this.prefix ?? '').replace(/\/+$/, '');
    return prefix === '' ? '' : `${prefix}/`;
  }

  private uri(): string {
    return `s3://${this.bucket.bucketName}/${this.keyPrefix()}`;
  }
}

class UriLocation extends S3Location {
  constructor(private readonly s3Uri: string, private readonly bucket?: s3.IBucket) {
    super();
  }

  public bindForWrite(_scope: Construct, grantee: iam.IGrantable): S3LocationConfig {
    if (this.bucket) {
      grantWritePrefix(grantee, this.bucket, this.keyPrefix() ?? '');
    }
    return { s3Uri: this.s3Uri };
  }

  public bindForRead(_scope: Construct, grantee: iam.IGrantable): S3LocationConfig {
    if (this.bucket) {
      grantRead(grantee, this.bucket, `${this.keyPrefix() ?? ''}*`);
    }
    return { s3Uri: this.s3Uri };
  }

  public bindForReadWrite(_scope: Construct, grantee: iam.IGrantable): S3LocationConfig {
    if (this.bucket) {
      grantReadWritePrefix(grantee, this.bucket, this.keyPrefix() ?? '');
    }
    return { s3Uri: this.s3Uri };
  }

  /** @internal */
  public _parts(): S3LocationParts {
    return { s3Uri: this.s3Uri, bucket: this.bucket, bucketName: parseS3Uri(this.s3Uri)?.bucket, keyPrefix: this.keyPrefix() };
  }

  /**
   * The URI's path when it is literal (also after a token bucket, `s3://${bucket}/checkpoints/`); undefined for
   * a URI whose path is a token, which the grants then open on the whole bucket.
   */
  private keyPrefix(): string | undefined {
    return literalPrefixOf(this.s3Uri);
  }
}
