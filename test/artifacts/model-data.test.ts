import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { ModelData } from '../../src/artifacts';

function makeDir(files: { [name: string]: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-dir-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function bindInNewStack(data: ModelData) {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const config = data.bind(stack, role);
  return { stack, role, config };
}

/** Every statement of every IAM policy of the stack. */
function statements(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function assets(stack: Stack): s3assets.Asset[] {
  return stack.node.findAll().filter((c): c is s3assets.Asset => c instanceof s3assets.Asset);
}

function assetHash(stack: Stack): string {
  const found = assets(stack);
  expect(found).toHaveLength(1);
  return found[0].assetHash;
}

describe('ModelData.fromBucket', () => {
  test('grants s3:GetObject on the one key, nothing else, and returns its S3 URL', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const bucket = new s3.Bucket(stack, 'Bucket');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    // WHEN
    const config = ModelData.fromBucket(bucket, 'models/model.tar.gz').bind(stack, role);
    // THEN
    const bucketId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    expect(stack.resolve(config.s3Uri)).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/models/model.tar.gz']] });
    expect(statements(stack)).toEqual([{
      Action: 's3:GetObject',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/models/model.tar.gz']] },
    }]);
  });

  test('grants kms:Decrypt on the key of a KMS-encrypted bucket, and no other key action', () => {
    // GIVEN
    const stack = new Stack();
    const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    // WHEN
    ModelData.fromBucket(bucket, 'model.tar.gz').bind(stack, role);
    // THEN
    const actions = statements(stack).flatMap(st => [].concat(st.Action));
    expect(actions.sort()).toEqual(['kms:Decrypt', 's3:GetObject']);
  });

  test('fails on an empty key or a leading slash', () => {
    const stack = new Stack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    expect(() => ModelData.fromBucket(bucket, '')).toThrow(/key '' must be a non-empty S3 key/);
    expect(() => ModelData.fromBucket(bucket, '/m.tar.gz')).toThrow(/key '\/m.tar.gz'/);
  });
});

describe('ModelData.fromS3Uri', () => {
  test('with a bucket, grants s3:GetObject on the URI\'s object only', () => {
    // GIVEN
    const stack = new Stack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'models-bucket');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    // WHEN
    ModelData.fromS3Uri('s3://models-bucket/a/model.tar.gz', { bucket }).bind(stack, role);
    // THEN
    expect(statements(stack)).toEqual([{
      Action: 's3:GetObject',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::models-bucket/a/model.tar.gz']] },
    }]);
  });

  test('accepts a token and returns it unchanged', () => {
    const stack = new Stack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const uri = Token.asString({ 'Fn::GetAtt': ['Job', 'ModelArtifacts'] });
    expect(ModelData.fromS3Uri(uri).bind(stack, role).s3Uri).toBe(uri);
  });

  test('fails on a URI that is not s3://bucket/key', () => {
    expect(() => ModelData.fromS3Uri('https://example.com/model.tar.gz')).toThrow(/is not an S3 object URI/);
    expect(() => ModelData.fromS3Uri('s3://bucket-only')).toThrow(/use s3:\/\/<bucket>\/<key>/);
  });
});

describe('ModelData.fromAsset', () => {
  test('uploads a .tar.gz file as a file asset and grants s3:GetObject on that one asset object', () => {
    // GIVEN
    const dir = makeDir({});
    const file = path.join(dir, 'model.tar.gz');
    fs.writeFileSync(file, Buffer.from([0x1f, 0x8b, 0, 0]));

    // WHEN
    const { stack, config } = bindInNewStack(ModelData.fromAsset(file));

    // THEN
    expect(stack.resolve(config.s3Uri)['Fn::Sub']).toMatch(/^s3:\/\/cdk-.*\/[0-9a-f]{64}\.gz$/);
    const hash = assetHash(stack);
    expect(hash).toHaveLength(64);
    // not the whole assets bucket (asset.grantRead would grant s3:GetObject* and s3:List* on it)
    expect(statements(stack)).toEqual([{
      Action: 's3:GetObject',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': ['', [
          'arn:', { Ref: 'AWS::Partition' }, ':s3:::',
          { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' }, `/${hash}.gz`,
        ]],
      },
    }]);
  });

  test('packs a directory into model.tar.gz with a hash that is stable across synths and copies', () => {
    // GIVEN the same content in two directories
    const a = makeDir({ 'model.pt': 'weights', 'code/inference.py': 'print(1)' });
    const b = makeDir({ 'code/inference.py': 'print(1)', 'model.pt': 'weights' });

    // WHEN
    const first = bindInNewStack(ModelData.fromAsset(a));
    const again = bindInNewStack(ModelData.fromAsset(a));
    const copy = bindInNewStack(ModelData.fromAsset(b));

    // THEN
    expect(assetHash(again.stack)).toBe(assetHash(first.stack));
    expect(assetHash(copy.stack)).toBe(assetHash(first.stack));
    expect(first.stack.resolve(first.config.s3Uri)['Fn::Sub']).toMatch(/\.gz$/);
  });

  test('changes the hash when a file or an execute bit changes', () => {
    const a = makeDir({ 'model.pt': 'weights', 'serve': '#!/bin/sh' });
    const before = assetHash(bindInNewStack(ModelData.fromAsset(a)).stack);
    fs.chmodSync(path.join(a, 'serve'), 0o755);
    const afterChmod = assetHash(bindInNewStack(ModelData.fromAsset(a)).stack);
    fs.writeFileSync(path.join(a, 'model.pt'), 'weights v2');
    const afterEdit = assetHash(bindInNewStack(ModelData.fromAsset(a)).stack);
    expect(new Set([before, afterChmod, afterEdit]).size).toBe(3);
  });

  test('creates one asset per stack when bound twice', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const data = ModelData.fromAsset(makeDir({ 'model.pt': 'w' }));
    const one = data.bind(stack, role);
    const two = data.bind(stack, role);
    expect(stack.resolve(one.s3Uri)).toEqual(stack.resolve(two.s3Uri));
    expect(assets(stack)).toHaveLength(1);
  });

  test('fails on a missing path, an empty directory or a file that is not a .tar.gz', () => {
    const dir = makeDir({ 'model.pt': 'w' });
    expect(() => ModelData.fromAsset(path.join(dir, 'nope'))).toThrow(/asset path '.*nope' does not exist/);
    expect(() => ModelData.fromAsset(path.join(dir, 'model.pt'))).toThrow(/is a file but not a \.tar\.gz or \.tgz archive/);
    expect(() => ModelData.fromAsset(makeDir({}))).toThrow(/asset directory '.*' is empty/);
  });
});
