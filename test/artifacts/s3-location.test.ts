import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { S3Location } from '../../src/artifacts';
import { S3Location as HostingS3Location } from '../../src/hosting/s3-location';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';

interface Fixture {
  readonly stack: Stack;
  readonly role: iam.Role;
  readonly bucket: s3.IBucket;
}

/** A role and an imported bucket `my-bucket` with a key. */
function fixture(): Fixture {
  const stack = new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const bucket = s3.Bucket.fromBucketAttributes(stack, 'Bucket', {
    bucketName: 'my-bucket',
    encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN),
  });
  return { stack, role, bucket };
}

/** The role's statements, joins written out (`arn:${Partition}:` as `arn:aws:`, other tokens as `<...>`). */
function statementsOf(stack: Stack): any[] {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
  const flatten = (value: any): any => {
    if (Array.isArray(value)) return value.map(flatten);
    if (value === null || typeof value !== 'object') return value;
    if (value['Fn::Join']) {
      const part = (p: any) => (typeof p === 'string' ? p : p.Ref === 'AWS::Partition' ? 'aws' : `<${JSON.stringify(p)}>`);
      return value['Fn::Join'][1].map(part).join(value['Fn::Join'][0]);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, flatten(v)]));
  };
  return policies.flatMap((p) => flatten(p.Properties.PolicyDocument.Statement));
}

describe('S3Location', () => {
  test('fromBucket binds for writing: put and abort multipart under the prefix, and the data-key actions of the key', () => {
    // GIVEN
    const { stack, role, bucket } = fixture();
    // WHEN
    const config = S3Location.fromBucket(bucket, 'async/out').bindForWrite(stack, role);
    // THEN
    expect(config.s3Uri).toBe('s3://my-bucket/async/out/');
    expect(statementsOf(stack)).toEqual([
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: 'arn:aws:s3:::my-bucket/async/out/*' },
      { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: KEY_ARN },
    ]);
  });

  test('fromBucket binds for reading: get under the prefix and decrypt, no listing', () => {
    const { stack, role, bucket } = fixture();
    const config = S3Location.fromBucket(bucket, 'async/in/').bindForRead(stack, role);
    expect(config.s3Uri).toBe('s3://my-bucket/async/in/');
    expect(statementsOf(stack)).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::my-bucket/async/in/*' },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN },
    ]);
  });

  test('fromBucket binds for reading and writing: get, put, delete, abort, list limited to the prefix, and the key', () => {
    const { stack, role, bucket } = fixture();
    const config = S3Location.fromBucket(bucket, 'checkpoints//').bindForReadWrite(stack, role);
    // trailing slashes are trimmed to one
    expect(config.s3Uri).toBe('s3://my-bucket/checkpoints/');
    expect(statementsOf(stack)).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        Resource: 'arn:aws:s3:::my-bucket/checkpoints/*',
      },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::my-bucket',
        Condition: { StringLike: { 's3:prefix': ['checkpoints/*'] } },
      },
      { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: KEY_ARN },
    ]);
  });

  test('fromBucket without a prefix is the bucket root, and lists the whole bucket', () => {
    const { stack, role, bucket } = fixture();
    const config = S3Location.fromBucket(bucket).bindForReadWrite(stack, role);
    expect(config.s3Uri).toBe('s3://my-bucket/');
    const statements = statementsOf(stack);
    expect(statements[0].Resource).toBe('arn:aws:s3:::my-bucket/*');
    expect(statements[1]).toEqual({ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::my-bucket' });
  });

  test('fromS3Uri with its bucket grants on the path of the URI, which it hands over as it is', () => {
    const { stack, role, bucket } = fixture();
    const config = S3Location.fromS3Uri('s3://my-bucket/capture', { bucket }).bindForWrite(stack, role);
    expect(config.s3Uri).toBe('s3://my-bucket/capture');
    expect(statementsOf(stack)[0]).toEqual({
      Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: 'arn:aws:s3:::my-bucket/capture*',
    });
  });

  test('fromS3Uri with a token bucket and a literal path grants on that path only', () => {
    const { stack, role } = fixture();
    const bucket = new s3.Bucket(stack, 'Owned');
    S3Location.fromS3Uri(bucket.s3UrlForObject('fail/'), { bucket }).bindForWrite(stack, role);
    // not the whole bucket (`<arn>/*`), which the URI's token bucket once made it
    expect(statementsOf(stack)[0].Resource).toMatch(/^<\{"Fn::GetAtt":\["Owned[0-9A-F]+","Arn"\]\}>\/fail\/\*$/);
  });

  test('fromS3Uri whose path is a token grants on the whole bucket it is given', () => {
    const { stack, role, bucket } = fixture();
    const uri = new CfnParameter(stack, 'Uri').valueAsString;
    S3Location.fromS3Uri(uri, { bucket }).bindForReadWrite(stack, role);
    const statements = statementsOf(stack);
    expect(statements[0].Resource).toBe('arn:aws:s3:::my-bucket/*');
    expect(statements[1].Condition).toBeUndefined();
  });

  test('fromS3Uri without a bucket grants nothing', () => {
    const { stack, role } = fixture();
    const location = S3Location.fromS3Uri('s3://other-bucket/out');
    expect(location.bindForWrite(stack, role).s3Uri).toBe('s3://other-bucket/out');
    location.bindForRead(stack, role);
    location.bindForReadWrite(stack, role);
    expect(statementsOf(stack)).toEqual([]);
  });

  test('is the same class where hosting imported it from', () => {
    expect(HostingS3Location).toBe(S3Location);
  });

  test('fails on an S3 location that is not an S3 URI', () => {
    expect(() => S3Location.fromS3Uri('https://bucket/prefix')).toThrow(/is not an S3 URI; use s3:\/\/<bucket>\/<prefix>/);
  });

  test('fails on a prefix that starts with a slash', () => {
    const { bucket } = fixture();
    expect(() => S3Location.fromBucket(bucket, '/async')).toThrow(/prefix '\/async' starts with '\/'; use a key prefix/);
  });
  test('a subclass of your own that predates bindForReadWrite gets its read and write bindings together', () => {
    // GIVEN a user's location that implements only the two original bindings
    const { stack, role } = fixture();
    const calls: string[] = [];
    class MyLocation extends S3Location {
      public bindForRead(): { s3Uri: string } {
        calls.push('read');
        return { s3Uri: 's3://mine/prefix/' };
      }
      public bindForWrite(): { s3Uri: string } {
        calls.push('write');
        return { s3Uri: 's3://mine/prefix/' };
      }
    }

    // WHEN
    const config = new MyLocation().bindForReadWrite(stack, role);

    // THEN
    expect(calls).toEqual(['read', 'write']);
    expect(config.s3Uri).toBe('s3://mine/prefix/');
  });
});
