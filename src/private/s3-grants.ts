// Internal: S3 URIs and the narrow S3 grants of every area (S3Location, training inputs, output and
// checkpoints, ModelData). Exact actions on one prefix instead of the wildcard action sets of the
// `IBucket.grantXxx` helpers (`s3:GetObject*`, `s3:List*`, `s3:DeleteObject*`, `s3:Abort*` ...). Never exported.
import { Aws, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * What a grant needs of a bucket: its ARN, and its key when it has one. An `s3.IBucket` is one; a bucket known
 * only by name is `bucketOfName(name)` (no key: none can be granted).
 */
export interface S3GrantBucket {
  readonly bucketArn: string;
  readonly encryptionKey?: kms.IKey;
}

/** What an `S3Location` of this library is made of (its internal `_parts()`), for constructs that grant on part of it. */
export interface S3LocationParts {
  /** The URI SageMaker is given (`s3://bucket/prefix/` of `fromBucket`, the URI of `fromS3Uri` as it is). */
  readonly s3Uri: string;
  /** The bucket, when the location has one (`fromBucket`, or `fromS3Uri` with `bucket`). */
  readonly bucket?: s3.IBucket;
  /** The bucket's name when the URI is concrete. */
  readonly bucketName?: string;
  /** The key prefix grants end with `*` on (`<prefix>/`, '' for the whole bucket); undefined when it is not literal. */
  readonly keyPrefix?: string;
}

/** Bucket and key prefix of a concrete `s3://bucket/prefix` URI. */
export interface ParsedS3Uri {
  readonly bucket: string;
  readonly prefix: string;
}

/** SageMaker's and S3's bucket-name rule, as the URIs are checked against it. */
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/** Parses `s3://bucket[/prefix]`; undefined when the value is a token or not an S3 URI. */
export function parseS3Uri(uri: string): ParsedS3Uri | undefined {
  if (Token.isUnresolved(uri)) {
    return undefined;
  }
  const match = S3_URI.exec(uri);
  return match ? { bucket: match[1], prefix: match[2] ?? '' } : undefined;
}

/** True for a concrete string that is not an `s3://bucket[/prefix]` URI. */
export function isInvalidS3Uri(uri: string): boolean {
  return !Token.isUnresolved(uri) && parseS3Uri(uri) === undefined;
}

/**
 * The literal key prefix of a URI: all of its path when the URI is concrete, the path after a token bucket
 * (`s3://${Token}/checkpoints/` gives `checkpoints/`), undefined when the path itself is not literal.
 */
export function literalPrefixOf(uri: string): string | undefined {
  const parsed = parseS3Uri(uri);
  if (parsed) return parsed.prefix;
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (!match || !Token.isUnresolved(match[1])) return undefined;
  const path = match[2] ?? '';
  return Token.isUnresolved(path) ? undefined : path;
}

/** A bucket known only by name (from a URI): its ARN, no key. */
export function bucketOfName(bucketName: string): S3GrantBucket {
  return { bucketArn: `arn:${Aws.PARTITION}:s3:::${bucketName}` };
}

/** The object actions of each grant below. */
export const S3_READ_ACTIONS = ['s3:GetObject'];
export const S3_WRITE_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload'];
export const S3_READ_WRITE_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'];

/** `s3:GetObject` on one key or key pattern, `kms:Decrypt` on the bucket's key (a model archive, async input). */
export function grantRead(grantee: iam.IGrantable, bucket: S3GrantBucket, keyPattern: string): void {
  grantObjects(grantee, bucket, keyPattern, S3_READ_ACTIONS);
  bucket.encryptionKey?.grant(grantee, 'kms:Decrypt');
}

/** `s3:GetObject` on `prefix*`, `s3:ListBucket` limited to that prefix, `kms:Decrypt` on the bucket's key. */
export function grantReadPrefix(grantee: iam.IGrantable, bucket: S3GrantBucket, prefix: string): void {
  grantObjects(grantee, bucket, `${prefix}*`, S3_READ_ACTIONS);
  grantListPrefix(grantee, bucket, prefix);
  bucket.encryptionKey?.grant(grantee, 'kms:Decrypt');
}

/** `s3:PutObject` and `s3:AbortMultipartUpload` on `prefix*`, `kms:GenerateDataKey` + `kms:Decrypt` on the key. */
export function grantWritePrefix(grantee: iam.IGrantable, bucket: S3GrantBucket, prefix: string): void {
  grantObjects(grantee, bucket, `${prefix}*`, S3_WRITE_ACTIONS);
  // multipart uploads to a KMS-encrypted bucket decrypt the data key of each part
  bucket.encryptionKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
}

/**
 * Read and write under `prefix*` (checkpoints: synced down on start, up while training, stale ones deleted):
 * get, put, delete and abort multipart on `prefix*`, list limited to the prefix, the key's data-key actions.
 */
export function grantReadWritePrefix(grantee: iam.IGrantable, bucket: S3GrantBucket, prefix: string): void {
  grantObjects(grantee, bucket, `${prefix}*`, S3_READ_WRITE_ACTIONS);
  grantListPrefix(grantee, bucket, prefix);
  bucket.encryptionKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
}

/** The given object actions on a key or key pattern (`prefix*`), nothing on the key. */
export function grantObjects(grantee: iam.IGrantable, bucket: S3GrantBucket, keyPattern: string, actions: string[]): void {
  iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [`${bucket.bucketArn}/${keyPattern}`] });
}

/** `s3:ListBucket` on the bucket, with an `s3:prefix` condition unless the prefix is the whole bucket. */
export function grantListPrefix(grantee: iam.IGrantable, bucket: S3GrantBucket, prefix: string): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [bucket.bucketArn],
    ...(prefix ? { conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } } : {}),
  }));
}
