import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Narrow S3 grants for training (internal; not re-exported): exact actions on one prefix instead of the
 * wildcard action sets of the `IBucket.grantXxx` helpers (`s3:GetObject*`, `s3:List*`, `s3:DeleteObject*` ...).
 */

/** `s3:GetObject` on `prefix*`, `s3:ListBucket` limited to that prefix, `kms:Decrypt` on the bucket's key. */
export function grantReadPrefix(grantee: iam.IGrantable, bucket: s3.IBucket, prefix: string): void {
  grantObjects(grantee, bucket, prefix, ['s3:GetObject']);
  grantListPrefix(grantee, bucket, prefix);
  bucket.encryptionKey?.grant(grantee, 'kms:Decrypt');
}

/** `s3:PutObject` and `s3:AbortMultipartUpload` on `prefix*`, `kms:GenerateDataKey` + `kms:Decrypt` on the key. */
export function grantWritePrefix(grantee: iam.IGrantable, bucket: s3.IBucket, prefix: string): void {
  grantObjects(grantee, bucket, prefix, ['s3:PutObject', 's3:AbortMultipartUpload']);
  // multipart uploads to a KMS-encrypted bucket decrypt the data key of each part
  bucket.encryptionKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
}

/** Read and write under `prefix*` (checkpoints: synced down on start, up while training, stale ones deleted). */
export function grantReadWritePrefix(grantee: iam.IGrantable, bucket: s3.IBucket, prefix: string): void {
  grantObjects(grantee, bucket, prefix, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']);
  grantListPrefix(grantee, bucket, prefix);
  bucket.encryptionKey?.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
}

/** The given object actions on `prefix*`. */
export function grantObjects(grantee: iam.IGrantable, bucket: s3.IBucket, prefix: string, actions: string[]): void {
  iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [bucket.arnForObjects(`${prefix}*`)] });
}

/** `s3:ListBucket` on the bucket, with an `s3:prefix` condition unless the prefix is the whole bucket. */
function grantListPrefix(grantee: iam.IGrantable, bucket: s3.IBucket, prefix: string): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [bucket.bucketArn],
    ...(prefix ? { conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } } : {}),
  }));
}
