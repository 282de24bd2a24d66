import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { measureAssetDirectory } from '../../src/private/fs';
import { TrainingInput } from '../../src/training';

const GiB = 2 ** 30;
let base: string;

beforeEach(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'asset-size-'));
});
afterEach(() => {
  fs.rmSync(base, { recursive: true, force: true });
});

/** A sparse file: its size without the disk. */
function sparse(file: string, bytes: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '');
  fs.truncateSync(file, bytes);
}

function setup() {
  const stack = new Stack(new App(), 'TestStack');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const staging = new s3.Bucket(stack, 'Staging');
  return { stack, bindOptions: { grantee: role, stagingBucket: staging, stagingPrefix: 'jobs/inputs/' } };
}

describe('what the CDK CLI will zip', () => {
  test('counts files behind symbolic links, to files and to directories, inside and outside the directory', () => {
    // GIVEN
    const dir = path.join(base, 'data');
    const outside = path.join(base, 'outside');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.csv'), 'x'.repeat(10));
    sparse(path.join(outside, 'big.bin'), 1000);
    sparse(path.join(outside, 'set', 'one.bin'), 100);
    fs.symlinkSync(path.join(outside, 'big.bin'), path.join(dir, 'linked.bin'));
    fs.symlinkSync(path.join(outside, 'set'), path.join(dir, 'set'));
    fs.symlinkSync('a.csv', path.join(dir, 'again.csv'));

    // WHEN / THEN
    expect(measureAssetDirectory(dir)).toEqual({ bytes: 10 + 1000 + 100 + 10, files: 4 });
  });

  test('applies exclude with the asset staging semantics (globs, directories, negations)', () => {
    const dir = path.join(base, 'data');
    sparse(path.join(dir, 'keep.csv'), 5);
    sparse(path.join(dir, 'skip.bin'), 1000);
    sparse(path.join(dir, 'cache', 'x.tmp'), 1000);
    sparse(path.join(dir, 'logs', 'a.log'), 1000);
    sparse(path.join(dir, 'logs', 'keep.log'), 7);
    expect(measureAssetDirectory(dir, ['*.bin', 'cache', 'logs/*', '!logs/keep.log'])).toEqual({ bytes: 12, files: 2 });
  });

  test('counts a directory reached again through a link to its ancestor once, and skips broken links', () => {
    const dir = path.join(base, 'data');
    sparse(path.join(dir, 'sub', 'a.bin'), 3);
    fs.symlinkSync('..', path.join(dir, 'sub', 'loop'));
    fs.symlinkSync(path.join(base, 'missing'), path.join(dir, 'broken'));
    expect(measureAssetDirectory(dir)).toEqual({ bytes: 3, files: 1 });
  });
});

describe('TrainingInput.fromAsset size check', () => {
  test('fails on a directory over the limit through a symbolic link, with the figures and the fix', () => {
    // GIVEN 11 GiB outside the directory, linked into it
    const dir = path.join(base, 'data');
    fs.mkdirSync(dir);
    sparse(path.join(base, 'elsewhere', 'huge.bin'), 11 * GiB);
    fs.symlinkSync(path.join(base, 'elsewhere', 'huge.bin'), path.join(dir, 'huge.bin'));

    // WHEN / THEN
    expect(() => TrainingInput.fromAsset('train', dir)).toThrow(
      /TrainingInput 'train': directory '.*data' holds 11\.0 GiB in 1 files \(symbolic links followed, exclude applied\); fromAsset unpacks at most 10\.0 GiB and 100000 files .*Upload the data to S3 and use TrainingInput\.fromBucket/,
    );
  });

  test('accepts a directory whose large files exclude leaves out', () => {
    const dir = path.join(base, 'data');
    sparse(path.join(dir, 'train.csv'), 10);
    sparse(path.join(dir, 'raw', 'dump.bin'), 11 * GiB);
    expect(() => TrainingInput.fromAsset('train', dir, { exclude: ['raw'] })).not.toThrow();
  });

  test('lets the unpacking function hand over to itself, through a policy of its own the resource waits for', () => {
    // GIVEN
    const { stack, bindOptions } = setup();
    const dir = path.join(base, 'data');
    sparse(path.join(dir, 'train.csv'), 10);

    // WHEN
    TrainingInput.fromAsset('train', dir).bind(stack, bindOptions);
    TrainingInput.fromAsset('test', dir).bind(stack, bindOptions);

    // THEN
    const template = Template.fromStack(stack);
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyDocument: { Statement: [{ Action: 'lambda:InvokeFunction', Effect: 'Allow' }] } },
    });
    const ids = Object.keys(policies);
    expect(ids).toHaveLength(1);
    const statement = (Object.values(policies)[0] as any).Properties.PolicyDocument.Statement[0];
    const functions = template.findResources('AWS::Lambda::Function');
    const unpacker = Object.entries(functions).find(([, f]: any) => /Unpacks local training-data/.test(f.Properties.Description))![0];
    expect(statement.Resource).toEqual({ 'Fn::GetAtt': [unpacker, 'Arn'] });
    for (const resource of Object.values(template.findResources('Custom::SageMakerTrainingInputAsset')) as any[]) {
      expect(resource.DependsOn).toEqual(expect.arrayContaining([ids[0]]));
    }
  });
});
