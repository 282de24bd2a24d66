import { App, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ModelData } from '../../src/artifacts';

function bindInNewStack(make: (stack: Stack) => ModelData) {
  const stack = new Stack(new App(), 'Stack');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const config = make(stack).bind(stack, role);
  return { stack, role, config };
}

function statements(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('ModelData.fromS3Prefix', () => {
  test('binds to an uncompressed prefix with the licence accepted', () => {
    // GIVEN / WHEN
    const { stack, config } = bindInNewStack(s => ModelData.fromS3Prefix(
      s3.Bucket.fromBucketName(s, 'Weights', 'weights-bucket'), 'llama-3-8b/', { acceptEula: true }));
    // THEN
    expect(stack.resolve(config)).toEqual({ s3Uri: 's3://weights-bucket/llama-3-8b/', uncompressed: true, acceptEula: true });
  });

  test('grants GetObject and ListBucket on the prefix only, and Decrypt on the bucket key', () => {
    // GIVEN
    const { stack } = bindInNewStack(s => ModelData.fromS3Prefix(
      new s3.Bucket(s, 'Weights', { encryptionKey: new kms.Key(s, 'Key') }), 'llama-3-8b/'));
    // WHEN
    const all = stack.resolve(statements(stack));
    // THEN
    expect(all).toEqual(expect.arrayContaining([
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Weights/), 'Arn'] }, '/llama-3-8b/*']] },
      }),
      expect.objectContaining({
        Action: 's3:ListBucket',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Weights/), 'Arn'] },
        Condition: { StringLike: { 's3:prefix': ['llama-3-8b/*'] } },
      }),
      expect.objectContaining({ Action: 'kms:Decrypt' }),
    ]));
    expect(all.flatMap((st: any) => [st.Action].flat())).not.toContain('s3:GetObject*');
  });

  test.each([
    ['llama-3-8b', 'ends with'],
    ['/llama-3-8b/', 'no leading'],
    ['', 'ends with'],
  ])('fails for prefix %j, naming the prop, the value and what is allowed', (prefix, allowed) => {
    // GIVEN
    const stack = new Stack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights-bucket');
    // WHEN / THEN
    expect(() => ModelData.fromS3Prefix(bucket, prefix)).toThrow(
      new RegExp(`^ModelData.fromS3Prefix: prefix '${prefix}' is not allowed; use a key prefix that .*${allowed}`));
  });

  test('fails for an acceptEula that is not a boolean (callers in other languages)', () => {
    const stack = new Stack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights-bucket');
    expect(() => ModelData.fromS3Prefix(bucket, 'w/', { acceptEula: 'yes' as any })).toThrow(/acceptEula "yes" is not allowed; use true or false/);
  });
});

describe('ModelData.fromS3PrefixUri', () => {
  test('takes a token URI and grants on the whole bucket it is given', () => {
    // GIVEN
    const { stack, config } = bindInNewStack(s => ModelData.fromS3PrefixUri(Token.asString({ Ref: 'Uri' }), {
      bucket: s3.Bucket.fromBucketName(s, 'Out', 'out-bucket'),
    }));
    // THEN
    expect(config.uncompressed).toBe(true);
    expect(config.acceptEula).toBeUndefined();
    expect(stack.resolve(statements(stack))).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 's3:ListBucket', Resource: expect.anything() }),
    ]));
    expect(stack.resolve(statements(stack)).find((st: any) => st.Action === 's3:ListBucket').Condition).toBeUndefined();
  });

  test('limits the grant to the literal prefix of a concrete URI', () => {
    const { stack } = bindInNewStack(s => ModelData.fromS3PrefixUri('s3://out-bucket/jobs/a/output/model/', {
      bucket: s3.Bucket.fromBucketName(s, 'Out', 'out-bucket'),
    }));
    expect(stack.resolve(statements(stack)).find((st: any) => st.Action === 's3:ListBucket').Condition)
      .toEqual({ StringLike: { 's3:prefix': ['jobs/a/output/model/*'] } });
  });

  test.each([
    ['s3://bucket/weights', /s3Uri 's3:\/\/bucket\/weights' is not allowed; use a key prefix that ends with '\/'/],
    ['https://bucket/weights/', /s3Uri 'https:\/\/bucket\/weights\/' is not an S3 prefix URI; use s3:\/\/<bucket>\/<prefix>\//],
  ])('fails for %s', (uri, message) => {
    expect(() => ModelData.fromS3PrefixUri(uri)).toThrow(message);
  });
});
