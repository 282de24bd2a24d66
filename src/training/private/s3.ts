import { Aws, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** Bucket and key prefix of a concrete `s3://bucket/prefix` URI. */
export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

/** Parses `s3://bucket[/prefix]`; undefined when the value is a token or not an S3 URI. */
export function parseS3Uri(uri: string): S3Location | undefined {
  if (Token.isUnresolved(uri)) {
    return undefined;
  }
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  return match ? { bucket: match[1], prefix: match[2] ?? '' } : undefined;
}

/** True for a concrete string that is not an `s3://bucket[/prefix]` URI. */
export function isInvalidS3Uri(uri: string): boolean {
  return !Token.isUnresolved(uri) && parseS3Uri(uri) === undefined;
}

/**
 * Grants a principal access to the objects under an S3 prefix it knows only by URI (no IBucket):
 * object actions on `prefix*`, and ListBucket limited to that prefix.
 */
export function grantS3Prefix(grantee: iam.IGrantable, location: S3Location, objectActions: string[]): void {
  const bucketArn = `arn:${Aws.PARTITION}:s3:::${location.bucket}`;
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: objectActions,
    resources: [`${bucketArn}/${location.prefix}*`],
  }));
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [bucketArn],
    ...(location.prefix ? { conditions: { StringLike: { 's3:prefix': [`${location.prefix}*`] } } } : {}),
  }));
}
