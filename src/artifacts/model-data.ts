import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Token } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';

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
    this.bucket.grantRead(grantee, this.key);
    return { s3Uri: this.bucket.s3UrlForObject(this.key) };
  }
}

class UriModelData extends ModelData {
  constructor(private readonly s3Uri: string, private readonly bucket?: s3.IBucket) {
    super();
  }

  public bind(_scope: Construct, grantee: iam.IGrantable): ModelDataConfig {
    if (this.bucket) {
      this.bucket.grantRead(grantee);
    }
    return { s3Uri: this.s3Uri };
  }
}
