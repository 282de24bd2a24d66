import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { InputCompression, S3DataType, TrainingInput, TrainingInputMode } from '../../src/training';

function setup() {
  const stack = new Stack(new App(), 'TestStack');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const staging = new s3.Bucket(stack, 'Staging');
  return { stack, role, staging, bindOptions: { grantee: role, stagingBucket: staging, stagingPrefix: 'jobs/inputs/' } };
}

function statements(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function policyText(stack: Stack): string {
  return JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
}

describe('TrainingInput', () => {
  test('fromBucket grants read on the prefix only and points at it', () => {
    // GIVEN
    const { stack, bindOptions } = setup();
    const data = new s3.Bucket(stack, 'Data');

    // WHEN
    const config = TrainingInput.fromBucket('train', data, 'train/').bind(stack, bindOptions);

    // THEN
    expect(stack.resolve(config.s3Uri)).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Data/) }, '/train/']] });
    expect(config.dataType).toBe(S3DataType.S3_PREFIX);
    const arn = { 'Fn::GetAtt': [expect.stringMatching(/^Data/), 'Arn'] };
    expect(statements(stack)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [arn, '/train/*']] } },
      { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['train/*'] } }, Effect: 'Allow', Resource: arn },
    ]);
  });

  test('fromBucket adds kms:Decrypt, and only that, for a KMS-encrypted bucket', () => {
    // GIVEN
    const { stack, bindOptions } = setup();
    const data = new s3.Bucket(stack, 'Data', { encryption: s3.BucketEncryption.KMS });
    // WHEN
    TrainingInput.fromBucket('train', data, 'train/').bind(stack, bindOptions);
    // THEN
    expect(statements(stack).flatMap((st) => [].concat(st.Action)).sort()).toEqual(['kms:Decrypt', 's3:GetObject', 's3:ListBucket']);
  });

  test('fromS3Uri grants through a given bucket, and makes no grant for a token URI without one', () => {
    const { stack, bindOptions } = setup();
    const data = new s3.Bucket(stack, 'Data');
    TrainingInput.fromS3Uri('a', 's3://some-bucket/a/', { bucket: data, dataType: S3DataType.MANIFEST_FILE }).bind(stack, bindOptions);
    const arn = { 'Fn::GetAtt': [expect.stringMatching(/^Data/), 'Arn'] };
    expect(statements(stack)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [arn, '/a/*']] } },
      { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['a/*'] } }, Effect: 'Allow', Resource: arn },
    ]);

    const other = setup();
    const config = TrainingInput.fromS3Uri('b', other.staging.s3UrlForObject('x/')).bind(other.stack, other.bindOptions);
    expect(other.stack.resolve(config.s3Uri)).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Staging/) }, '/x/']] });
    expect(policyText(other.stack)).toBe('{}');
  });

  test('fromAsset unpacks into its own bucket and prefix when given', () => {
    const { stack, bindOptions } = setup();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'input-'));
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a');
    const mine = new s3.Bucket(stack, 'Mine');
    TrainingInput.fromAsset('d', dir, { bucket: mine, prefix: 'data' }).bind(stack, bindOptions);
    const unpack = Object.values(Template.fromStack(stack).findResources('Custom::SageMakerTrainingInputAsset'))[0];
    expect(unpack.Properties.DestinationBucket).toEqual({ Ref: expect.stringMatching(/^Mine/) });
    expect(unpack.Properties.DestinationPrefix).toMatch(/^data\/[0-9a-f]{64}\/$/);
  });

  test('fails on a local directory over 10 GiB, pointing to fromBucket', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'input-'));
    const file = path.join(dir, 'big.bin');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 11 * 2 ** 30); // sparse: no disk used
    try {
      expect(() => TrainingInput.fromAsset('big', dir)).toThrow(/holds 11\.0 GiB in 1 files .*at most 10\.0 GiB and 100000 files.*use TrainingInput\.fromBucket/);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  test('fails on bad channel names, bad options and missing directories', () => {
    const { stack } = setup();
    const data = new s3.Bucket(stack, 'Data');
    expect(() => TrainingInput.fromBucket('train data', data, '')).toThrow(/channelName 'train data' is not allowed/);
    expect(() => TrainingInput.fromBucket('x'.repeat(65), data, '')).toThrow(/has 65 characters; at most 64/);
    expect(() => TrainingInput.fromBucket('t', data, '', { compression: InputCompression.GZIP })).toThrow(/compression Gzip of channel 't' needs inputMode Pipe/);
    expect(() => TrainingInput.fromBucket('t', data, '', { shuffleSeed: -1 })).toThrow(/shuffleSeed -1 of channel 't' is not allowed/);
    expect(() => TrainingInput.fromBucket('t', data, '/abs')).toThrow(/prefix '\/abs' must not start with '\/'/);
    expect(() => TrainingInput.fromBucket('t', data, '', { inputMode: TrainingInputMode.FAST_FILE, dataType: S3DataType.MANIFEST_FILE }))
      .toThrow(/inputMode FastFile needs dataType S3Prefix/);
    expect(() => TrainingInput.fromS3Uri('t', 'https://example/x')).toThrow(/is not an S3 URI/);
    expect(() => TrainingInput.fromAsset('t', '/does/not/exist')).toThrow(/does not exist or is not a directory/);
  });
});
