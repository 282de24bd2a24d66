import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { App, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as cr from 'aws-cdk-lib/custom-resources';
import { localCloudAvailable, printDeploySummary, recordDeploy } from './local-cloud-support';
import { LocalCloud, refusedInstanceType, sameAcceleratorType } from '../../integ/local-cloud/local-cloud';
import { DeployPlan, referencedIds, stringifyScalars, Substitutions } from '../../integ/local-cloud/template-plan';

// A custom resource handler that answers CloudFormation itself, like cfn-response does.
const DIRECT_HANDLER = `
const http = require('http');
exports.handler = async (event) => {
  const p = event.ResourceProperties;
  const body = JSON.stringify({
    Status: 'SUCCESS', PhysicalResourceId: 'echo-' + event.LogicalResourceId, StackId: event.StackId,
    RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
    Data: { Echo: p.Value, CountType: typeof p.Count, RequestType: event.RequestType },
  });
  await new Promise((resolve, reject) => {
    const req = http.request(new URL(event.ResponseURL), { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } },
      (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(body);
  });
};
`;

// A Provider-framework onEvent handler: returns its answer, the framework sends it.
const PROVIDER_HANDLER = `
exports.handler = async (event) => {
  if (event.RequestType === 'Delete') return {};
  return { PhysicalResourceId: 'artifact-1', Data: { Uri: 's3://' + event.ResourceProperties.Bucket + '/model.tar.gz' } };
};
`;

function writeHandler(code: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-cloud-handler-'));
  fs.writeFileSync(path.join(dir, 'index.js'), code);
  return dir;
}

/** A stack with no library constructs: both custom resource styles feed a model and an endpoint. */
function plainStack(outdir: string): string {
  const app = new App({ outdir });
  const stack = new Stack(app, 'LocalCloudPlain');
  const bucket = new s3.Bucket(stack, 'Artifacts', { removalPolicy: RemovalPolicy.RETAIN });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  bucket.grantRead(role);

  const direct = new lambda.Function(stack, 'Direct', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(writeHandler(DIRECT_HANDLER)),
  });
  const echo = new CustomResource(stack, 'Echo', {
    serviceToken: direct.functionArn, resourceType: 'Custom::Echo', properties: { Value: 'hello', Count: 3 },
  });
  const onEvent = new lambda.Function(stack, 'OnEvent', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(writeHandler(PROVIDER_HANDLER)),
    timeout: Duration.seconds(30),
  });
  const provider = new cr.Provider(stack, 'Provider', { onEventHandler: onEvent });
  const artifact = new CustomResource(stack, 'Artifact', {
    serviceToken: provider.serviceToken, resourceType: 'Custom::Artifact', properties: { Bucket: bucket.bucketName },
  });

  const model = new sagemaker.CfnModel(stack, 'Model', {
    executionRoleArn: role.roleArn,
    primaryContainer: {
      image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311',
      modelDataUrl: artifact.getAttString('Uri'),
      environment: { ECHO: echo.getAttString('Echo'), COUNT_TYPE: echo.getAttString('CountType'), ECHO_ID: echo.ref },
    },
  });
  const config = new sagemaker.CfnEndpointConfig(stack, 'Config', {
    // moto refuses ml.g5 (its list is old): the harness redeploys with a GPU type it accepts.
    productionVariants: [{ variantName: 'AllTraffic', modelName: model.attrModelName, instanceType: 'ml.g5.xlarge', initialInstanceCount: 1 }],
  });
  new sagemaker.CfnEndpoint(stack, 'Endpoint', { endpointConfigName: config.attrEndpointConfigName });
  app.synth();
  return outdir;
}

describe('deploy plan', () => {
  test('finds references through Ref, GetAtt and Sub but not pseudo parameters', () => {
    // GIVEN
    const value = { a: { Ref: 'Role' }, b: { 'Fn::GetAtt': ['Job', 'Arn'] }, c: { 'Fn::Sub': '${Bucket.Arn}/${AWS::Region}/${!Literal}/${Var}', 'd': { Ref: 'AWS::AccountId' } } };
    const withVars = { 'Fn::Sub': ['${Var}-${Other}', { Var: { Ref: 'Param' } }] };

    // WHEN
    const ids = referencedIds(value);
    const subIds = referencedIds(withVars);

    // THEN
    expect([...ids].sort()).toEqual(['Bucket', 'Job', 'Role', 'Var']);
    expect([...subIds].sort()).toEqual(['Other', 'Param']);
  });

  test('holds back the dependents of a custom resource until it has answered', () => {
    // GIVEN
    const plan = new DeployPlan({
      Resources: {
        Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
        Job: { Type: 'Custom::SageMakerTrainingJob', Properties: { ServiceToken: { 'Fn::GetAtt': ['Fn', 'Arn'] } } },
        Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
        Wait: { Type: 'AWS::CloudFormation::WaitCondition', DependsOn: 'Job', Properties: { Handle: { Ref: 'Handle' } } },
        Model: { Type: 'AWS::SageMaker::Model', Properties: { X: { 'Fn::GetAtt': ['Wait', 'Data'] } } },
      },
    });

    // WHEN
    const first = plan.createdAfter(new Set());
    const second = plan.createdAfter(new Set(['Job']));
    const third = plan.createdAfter(new Set(['Job', 'Wait']));

    // THEN
    expect([...first].sort()).toEqual(['Fn', 'Handle', 'Job']);
    expect([...second].sort()).toEqual(['Fn', 'Handle', 'Job', 'Wait']);
    expect(third.size).toBe(5);
  });

  test('writes answered values in place of references moto cannot resolve', () => {
    // GIVEN
    const subs = new Substitutions();
    subs.refs.set('Handle', 'http://127.0.0.1:1/wait/Handle');
    subs.getAtts.set('Wait.Data', '{"1":"s3://b/k"}');

    // WHEN
    const out = subs.apply({ a: { Ref: 'Handle' }, b: { 'Fn::GetAtt': ['Wait', 'Data'] }, c: { 'Fn::Sub': 'url=${Handle} keep=${Other}' }, d: { Ref: 'Other' } });

    // THEN
    expect(out).toEqual({ a: 'http://127.0.0.1:1/wait/Handle', b: '{"1":"s3://b/k"}', c: { 'Fn::Sub': 'url=http://127.0.0.1:1/wait/Handle keep=${Other}' }, d: { Ref: 'Other' } });
  });

  test('reads moto\'s instance type refusal and picks an accepted type with the same accelerator', () => {
    // GIVEN
    const message = "Value 'ml.g5.xlarge' at 'instanceType' failed to satisfy constraint: Member must satisfy enum value set: ['ml.m5.large', 'ml.p3.2xlarge', 'ml.g4dn.2xlarge', 'ml.g4dn.xlarge', 'ml.t2.medium']";

    // WHEN
    const refused = refusedInstanceType(message)!;

    // THEN
    expect(refused.type).toBe('ml.g5.xlarge');
    expect(sameAcceleratorType(refused.type, refused.allowed)).toBe('ml.g4dn.xlarge');
    expect(sameAcceleratorType('ml.c7i.large', refused.allowed)).toBe('ml.m5.large');
    expect(refusedInstanceType('Template format error')).toBeUndefined();
  });

  test('sends custom resource properties as strings, as CloudFormation does', () => {
    expect(stringifyScalars({ a: 1, b: true, c: [2, { d: false }], e: 'x' })).toEqual({ a: '1', b: 'true', c: ['2', { d: 'false' }], e: 'x' });
  });
});

describe('local cloud availability', () => {
  const saved = { venv: process.env.LOCAL_CLOUD_VENV, ci: process.env.CI };
  afterEach(() => {
    for (const [k, v] of [['LOCAL_CLOUD_VENV', saved.venv], ['CI', saved.ci]] as const) {
      if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
  });

  test('fails instead of skipping when moto is missing and CI is set', () => {
    // GIVEN
    process.env.LOCAL_CLOUD_VENV = path.join(os.tmpdir(), 'no-such-venv');
    process.env.CI = 'true';

    // WHEN / THEN
    expect(() => localCloudAvailable()).toThrow(/moto_server is missing .* CI is set/);
  });

  test('skips when moto is missing outside CI', () => {
    // GIVEN
    process.env.LOCAL_CLOUD_VENV = path.join(os.tmpdir(), 'no-such-venv');
    delete process.env.CI;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);

    // WHEN / THEN
    expect(localCloudAvailable()).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/skipped/));
    warn.mockRestore();
  });
});

const available = localCloudAvailable();
(available ? describe : describe.skip)('local cloud (moto server)', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await LocalCloud.start();
  });
  afterAll(async () => {
    if (cloud) {
      printDeploySummary(__filename, cloud.deployCount, cloud.startMs);
      await cloud.stop();
    }
  });

  test('deploys a plain stack, answering a direct and a Provider-framework custom resource before their dependents and replacing a refused instance type', async () => {
    // GIVEN
    const outdir = plainStack(fs.mkdtempSync(path.join(os.tmpdir(), 'local-cloud-plain-')));
    const [stack] = cloud.stacksOf(outdir);

    // WHEN
    const result = await cloud.deploy(stack);
    recordDeploy(__filename, result.stackName, result.timings.totalMs);
    const destroyed = await cloud.destroy(result);

    // THEN
    expect(result.status).toBe('CREATE_COMPLETE');
    expect(result.phases).toBe(2);
    expect(result.customResources.map((r) => [r.logicalId, r.status, r.providerFramework])).toEqual(expect.arrayContaining([
      ['Echo', 'SUCCESS', false], ['Artifact', 'SUCCESS', true],
    ]));
    const [model] = result.readBack.models;
    expect(model.modelDataUrl).toMatch(/^s3:\/\/localcloudplain-artifacts.*\/model\.tar\.gz$/i);
    expect(model.environment).toEqual({ ECHO: 'hello', COUNT_TYPE: 'string', ECHO_ID: 'echo-Echo' });
    expect(result.substitutedInstanceTypes).toEqual({ 'ml.g5.xlarge': 'ml.g4dn.xlarge' });
    expect(result.readBack.endpoints).toEqual([expect.objectContaining({ status: 'InService', variants: [expect.objectContaining({ instanceType: 'ml.g4dn.xlarge' })] })]);
    expect(destroyed.customResources.map((r) => [r.logicalId, r.requestType, r.status])).toEqual([
      ['Artifact', 'Delete', 'SUCCESS'], ['Echo', 'Delete', 'SUCCESS'],
    ]);
    expect(destroyed.stackGone).toBe(true);
    expect(destroyed.remaining).toEqual([]);
  });

  test('fails the deploy and rolls back when a custom resource answers FAILED', async () => {
    // GIVEN
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'local-cloud-fail-')) });
    const stack = new Stack(app, 'LocalCloudFails');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(writeHandler('exports.handler = async () => { throw new Error("quota exceeded"); };')),
    });
    const provider = new cr.Provider(stack, 'Provider', { onEventHandler: fn });
    new CustomResource(stack, 'Broken', { serviceToken: provider.serviceToken, resourceType: 'Custom::Broken' });
    const [assemblyStack] = cloud.stacksOf(app.synth().directory);

    // WHEN / THEN
    await expect(cloud.deploy(assemblyStack)).rejects.toThrow(/Broken \(Custom::Broken\) CREATE_FAILED: Error: quota exceeded/);
  });

  test('fails a custom resource whose answer is over CloudFormation\'s 4096-byte limit', async () => {
    // GIVEN
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'local-cloud-big-')) });
    const stack = new Stack(app, 'LocalCloudTooLong');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(writeHandler('exports.handler = async () => ({ Data: { Blob: "x".repeat(5000) } });')),
    });
    const provider = new cr.Provider(stack, 'Provider', { onEventHandler: fn });
    new CustomResource(stack, 'Big', { serviceToken: provider.serviceToken, resourceType: 'Custom::Big' });
    const [assemblyStack] = cloud.stacksOf(app.synth().directory);

    // WHEN / THEN
    await expect(cloud.deploy(assemblyStack)).rejects.toThrow(/Big \(Custom::Big\) CREATE_FAILED: the response is \d+ bytes; CloudFormation refuses more than 4096/);
  });

  test('passes S3 answers through the handlers\' proxy as moto gives them: HeadObject\'s size and a ranged GET', async () => {
    // GIVEN an object in moto's S3, and a client that talks to the proxy as the handlers do
    await cloud.s3.send(new CreateBucketCommand({ Bucket: 'local-cloud-proxy-test' }));
    await cloud.s3.send(new PutObjectCommand({ Bucket: 'local-cloud-proxy-test', Key: 'k', Body: '0123456789abcdefghij' }));
    const viaProxy = new S3Client({ endpoint: cloud.proxy.url, region: cloud.region, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

    // WHEN
    const head = await viaProxy.send(new HeadObjectCommand({ Bucket: 'local-cloud-proxy-test', Key: 'k' }));
    const range = await viaProxy.send(new GetObjectCommand({ Bucket: 'local-cloud-proxy-test', Key: 'k', Range: 'bytes=15-19' }));

    // THEN (a streaming zip reader needs both: the size to find the central directory, then ranges)
    expect(head.ContentLength).toBe(20);
    expect(range.ContentRange).toBe('bytes 15-19/20');
    expect(await range.Body!.transformToString()).toBe('fghij');
  });
});
