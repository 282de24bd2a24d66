import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ACCOUNT, Cloud, Deployment, REGION } from './lifecycle-harness';
import { InstanceType } from '../../src/compute/instance-type';
import { Model } from '../../src/hosting/model';
import { EntryPoint } from '../../src/image/entry-point';
import { SageMakerImage } from '../../src/image/sagemaker-image';
import { S3DataType, TrainingInput, TrainingInputMode, TrainingJob, TrainingJobProps } from '../../src/training';
import { processSignal } from '../../src/training/training-job-signal.lambda';
import { handler } from '../../src/training/training-job.lambda';

/*
 * The lifecycle contract (README, "Training lifecycle"), replayed in CloudFormation's documented order against the
 * handlers, with the handler policy of the template in force enforced on every SageMaker call.
 */

const IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/train:1.0-cpu`;

function deploy(props: Partial<TrainingJobProps> = {}, configure?: (stack: Stack) => Partial<TrainingJobProps>): Deployment & { job: TrainingJob } {
  const stack = new Stack(new App(), 'Lifecycle', { env: { account: ACCOUNT, region: REGION } });
  const extra = configure?.(stack) ?? {};
  const job = new TrainingJob(stack, 'Train', {
    image: SageMakerImage.fromImageUri(IMAGE, { entryPoint: EntryPoint.program('train.py') }),
    instanceType: InstanceType.ML_M5_XLARGE,
    ...props,
    ...extra,
  });
  const template = Template.fromStack(stack).toJSON();
  const resourceId = Object.entries<any>(template.Resources).find(([, r]) => r.Type === 'Custom::SageMakerTrainingJob')![0];
  return { template, resourceId, job };
}

let cloud: Cloud;
let logs: string[];

beforeEach(() => {
  cloud = new Cloud();
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((...args) => { logs.push(JSON.stringify(args)); });
  jest.spyOn(console, 'error').mockImplementation((...args) => { logs.push(JSON.stringify(args)); });
});

afterEach(() => {
  cloud.sagemaker.restore();
  jest.restoreAllMocks();
});

describe('training lifecycle', () => {
  test('create, then the completion event signals the WaitCondition with the archive', async () => {
    // GIVEN
    const v1 = deploy();

    // WHEN
    const answer = await cloud.create(v1);
    await cloud.finish(v1, v1.job.jobNameAtSynth, 'Completed');

    // THEN
    expect(answer).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: v1.job.jobNameAtSynth }));
    const url = cloud.propertiesOf(v1).CompletionHandleUrl;
    expect(cloud.handles.get(url)!.signals).toEqual([expect.objectContaining({ Status: 'SUCCESS', Data: expect.stringMatching(/model\.tar\.gz$/) })]);
    expect(cloud.denied).toEqual([]);
  });

  test('an unchanged redeploy starts nothing', async () => {
    const v1 = deploy();
    await cloud.create(v1);
    await cloud.finish(v1, v1.job.jobNameAtSynth, 'Completed');
    const { answer } = await cloud.update(deploy());
    expect(answer.Status).toBe('SUCCESS');
    expect(cloud.jobs.size).toBe(1);
  });

  test('a retrain starts one new job and the cleanup Delete of the old name succeeds under the new policy (defect 2)', async () => {
    // GIVEN
    const v1 = deploy({ hyperparameters: { lr: '0.1' } });
    await cloud.create(v1);
    await cloud.finish(v1, v1.job.jobNameAtSynth, 'Completed');
    const v2 = deploy({ hyperparameters: { lr: '0.2' } });

    // WHEN
    const { answer, props } = await cloud.update(v2);
    await cloud.finish(v2, v2.job.jobNameAtSynth, 'Completed');
    const cleanup = await cloud.delete(v1.job.jobNameAtSynth, cloud.appliedProps);

    // THEN
    expect(answer).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: v2.job.jobNameAtSynth }));
    expect(cleanup.Status).toBe('SUCCESS');
    expect(cloud.denied).toEqual([]);
    expect(cloud.handles.get(props.CompletionHandleUrl)!.signals).toHaveLength(1);
  });

  test('a new job that fails rolls back: the old job is adopted without re-judging, its expired handle never fails the rollback, the new job is cleaned up (defect 1, 2)', async () => {
    // GIVEN
    const v1 = deploy({ hyperparameters: { lr: '0.1' } });
    await cloud.create(v1);
    await cloud.finish(v1, v1.job.jobNameAtSynth, 'Completed');
    const oldUrl = cloud.propertiesOf(v1).CompletionHandleUrl;
    cloud.handles.get(oldUrl)!.expired = true; // the previous deployment's presigned URL: 403 "Request has expired"
    const v2 = deploy({ hyperparameters: { lr: '0.2' } });

    // WHEN the new job fails, its WaitCondition gets FAILURE and CloudFormation rolls back
    const { answer, props } = await cloud.update(v2);
    await cloud.finish(v2, v2.job.jobNameAtSynth, 'Failed', 'AlgorithmError: loss is NaN');
    const rollback = await cloud.rollback(v1, props, answer.PhysicalResourceId);
    const cleanup = await cloud.delete(v2.job.jobNameAtSynth, props);

    // THEN
    expect(cloud.handles.get(props.CompletionHandleUrl)!.signals[0]).toEqual(expect.objectContaining({ Status: 'FAILURE' }));
    expect(rollback).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: v1.job.jobNameAtSynth }));
    expect(rollback.Data.ModelArtifactsS3Uri).toMatch(new RegExp(`/${v1.job.jobNameAtSynth}/output/model.tar.gz$`));
    expect(cleanup.Status).toBe('SUCCESS');
    expect(cloud.denied).toEqual([]);
  });

  test('an update cancelled mid-training (or a WaitCondition timeout) rolls back and stops the new job, waiting until it stopped (defect 2, 9)', async () => {
    // GIVEN
    const v1 = deploy({ hyperparameters: { lr: '0.1' } });
    await cloud.create(v1);
    await cloud.finish(v1, v1.job.jobNameAtSynth, 'Completed');
    const v2 = deploy({ hyperparameters: { lr: '0.2' } });
    const { answer, props } = await cloud.update(v2);

    // WHEN the update is cancelled while the new job runs
    const rollback = await cloud.rollback(v1, props, answer.PhysicalResourceId);
    const cleanup = await cloud.delete(v2.job.jobNameAtSynth, props);

    // THEN the new job was stopped under the old template's policy, and the Delete returned once it had Stopped
    expect(rollback.Status).toBe('SUCCESS');
    expect(cleanup.Status).toBe('SUCCESS');
    expect(cloud.jobs.get(v2.job.jobNameAtSynth)!.status).toBe('Stopped');
    expect(cloud.denied).toEqual([]);
  });

  test('rename the prefix, retrain, cleanup Delete of the old job stops it (its owner tag, not its prefix, lets the new policy stop it)', async () => {
    // GIVEN a job that does not wait, still running when the prefix is renamed
    const v1 = deploy({ trainingJobNamePrefix: 'Old', waitForCompletion: false });
    await cloud.create(v1);
    const v2 = deploy({ trainingJobNamePrefix: 'New', waitForCompletion: false });

    // WHEN the update starts the new job and the cleanup deletes the old one under the new template's policy
    const { answer } = await cloud.update(v2);
    const cleanup = await cloud.delete(v1.job.jobNameAtSynth, cloud.appliedProps);

    // THEN
    expect(answer).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: v2.job.jobNameAtSynth }));
    expect(cloud.policyOf).toBe(v2);
    expect(cleanup.Status).toBe('SUCCESS');
    expect(cloud.jobs.get(v1.job.jobNameAtSynth)!.status).toBe('Stopped');
    expect(cloud.jobs.get(v2.job.jobNameAtSynth)!.status).toBe('InProgress');
    expect(cloud.denied).toEqual([]);
  });

  test('rename the prefix, the new job fails to finish (update cancelled or timed out), rollback: Delete of the new job under the old policy stops it', async () => {
    // GIVEN
    const v1 = deploy({ trainingJobNamePrefix: 'Old' });
    await cloud.create(v1);
    await cloud.finish(v1, v1.job.jobNameAtSynth, 'Completed');
    const v2 = deploy({ trainingJobNamePrefix: 'New' });
    const { answer, props } = await cloud.update(v2);

    // WHEN the update rolls back while the new job runs: the old template's policy is back for the cleanup
    const rollback = await cloud.rollback(v1, props, answer.PhysicalResourceId);
    const cleanup = await cloud.delete(v2.job.jobNameAtSynth, props);

    // THEN
    expect(cloud.policyOf).toBe(v1);
    expect(rollback).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: v1.job.jobNameAtSynth }));
    expect(cleanup.Status).toBe('SUCCESS');
    expect(cloud.jobs.get(v2.job.jobNameAtSynth)!.status).toBe('Stopped');
    expect(cloud.denied).toEqual([]);
  });

  test('a Delete refused even by the owner tag (a job of an older version, under another prefix) succeeds and warns, naming the job to stop by hand', async () => {
    // GIVEN a running job without the owner tag (created before the tag existed), then a renamed prefix
    const v1 = deploy({ trainingJobNamePrefix: 'Old', waitForCompletion: false });
    await cloud.create(v1);
    const old = cloud.jobs.get(v1.job.jobNameAtSynth)!;
    old.request = { ...old.request, Tags: undefined };
    const v2 = deploy({ trainingJobNamePrefix: 'New', waitForCompletion: false });
    await cloud.update(v2);

    // WHEN
    const cleanup = await cloud.delete(v1.job.jobNameAtSynth, cloud.appliedProps);

    // THEN the cleanup (or a rollback) does not fail; the warning names the job and the command
    expect(cleanup.Status).toBe('SUCCESS');
    expect(old.status).toBe('InProgress');
    const warning = logs.map((l) => JSON.parse(l)[0]).find((l) => l?.warning === 'TrainingJobNotStopped');
    expect(warning).toEqual(expect.objectContaining({
      jobName: v1.job.jobNameAtSynth,
      stopByHand: `aws sagemaker stop-training-job --training-job-name ${v1.job.jobNameAtSynth}`,
    }));
  });

  test('without waiting, a rollback to an old job that has Failed since succeeds (defect 1)', async () => {
    // GIVEN
    const v1 = deploy({ hyperparameters: { lr: '0.1' }, waitForCompletion: false });
    await cloud.create(v1);
    cloud.jobs.get(v1.job.jobNameAtSynth)!.status = 'Failed';
    const v2 = deploy({ hyperparameters: { lr: '0.2' }, waitForCompletion: false });
    const { answer, props } = await cloud.update(v2);

    // WHEN another resource of the update fails: rollback
    const rollback = await cloud.rollback(v1, props, answer.PhysicalResourceId);
    const cleanup = await cloud.delete(v2.job.jobNameAtSynth, props);

    // THEN
    expect(rollback.Status).toBe('SUCCESS');
    expect(cleanup.Status).toBe('SUCCESS');
    expect(cloud.jobs.get(v2.job.jobNameAtSynth)!.status).toBe('Stopped'); // the old policy could stop the new name
  });

  test('a create that fails is deleted without touching any job: its physical id is no job name', async () => {
    // GIVEN a job of the same name exists from a destroyed stack (adoption refused)
    const v1 = deploy();
    await cloud.create(v1);
    cloud.generation = 2;
    cloud.forgetStack();

    // WHEN
    const answer = await cloud.create(deploy());
    const del = await cloud.delete(answer.PhysicalResourceId, cloud.propertiesOf(v1));

    // THEN
    expect(answer.Status).toBe('FAILED');
    expect(del.Status).toBe('SUCCESS');
    expect(cloud.jobs.get(v1.job.jobNameAtSynth)!.status).toBe('InProgress');
  });

  test('destroy and redeploy refuses to adopt the old job whose artifacts are in the old bucket, naming retrainToken (defect 3)', async () => {
    // GIVEN the first stack trained, then was destroyed (bucket retained)
    const v1 = deploy();
    await cloud.create(v1);
    await cloud.finish(v1, v1.job.jobNameAtSynth, 'Completed');
    await cloud.delete(v1.job.jobNameAtSynth, cloud.propertiesOf(v1));
    cloud.generation = 2; // the new stack's bucket and role have new names
    cloud.forgetStack();

    // WHEN the same app is deployed again
    const again = await cloud.create(deploy());
    const retrained = await cloud.create(deploy({ retrainToken: 'after-destroy' }));

    // THEN
    expect(again.Status).toBe('FAILED');
    expect(again.Reason).toMatch(/^Set retrainToken .*wrote to s3:\/\/trainoutputbucket[^ ]*-1\/training-jobs\//);
    expect(retrained.Status).toBe('SUCCESS');
    expect(retrained.Data.ModelArtifactsS3Uri).toMatch(/^s3:\/\/trainoutputbucket[^/]*-2\//);
  });

  test('stack delete while a job runs stops it and answers only once it has stopped (defect 9)', async () => {
    // GIVEN
    const v1 = deploy();
    await cloud.create(v1);

    // WHEN
    const answer = await cloud.delete(v1.job.jobNameAtSynth, cloud.propertiesOf(v1));

    // THEN
    expect(answer.Status).toBe('SUCCESS');
    expect(cloud.jobs.get(v1.job.jobNameAtSynth)!.status).toBe('Stopped');
  });

  test('Delete stops waiting at its deadline, below the Lambda timeout', async () => {
    const v1 = deploy();
    await cloud.create(v1);
    cloud.jobs.get(v1.job.jobNameAtSynth)!.describesUntilStopped = 1_000_000;
    let clock = 0;
    const answer = await cloud.delete(v1.job.jobNameAtSynth, cloud.propertiesOf(v1), {
      now: () => clock, deadline: 60_000, sleep: async (ms) => { clock += ms; },
    });
    expect(answer.Status).toBe('SUCCESS');
    expect(clock).toBeLessThanOrEqual(60_000 - 15_000);
  });

  test('every event repeated (CloudFormation and Lambda retries) gives the same outcome and no second job', async () => {
    const v1 = deploy();
    const first = await cloud.create(v1);
    const second = await cloud.create(v1);
    expect(second).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: first.PhysicalResourceId }));
    const v2 = deploy({ hyperparameters: { lr: '0.3' } });
    const u1 = await cloud.update(v2);
    const u2 = await cloud.update(v2);
    expect(u2.answer).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: u1.answer.PhysicalResourceId }));
    expect((await cloud.delete(v1.job.jobNameAtSynth, cloud.propertiesOf(v1))).Status).toBe('SUCCESS');
    expect((await cloud.delete(v1.job.jobNameAtSynth, cloud.propertiesOf(v1))).Status).toBe('SUCCESS');
    expect(cloud.jobs.size).toBe(2);
  });

  test('a late completion event, after its WaitCondition timed out, ends without an error (no retries, nothing to the DLQ)', async () => {
    const v1 = deploy();
    await cloud.create(v1);
    cloud.handles.get(cloud.propertiesOf(v1).CompletionHandleUrl)!.expired = true;
    await expect(cloud.finish(v1, v1.job.jobNameAtSynth, 'Completed')).resolves.toBeUndefined();
  });

  test('a failed signal that is not a refusal throws, so Lambda retries it and the dead-letter queue keeps it', async () => {
    const send = async () => { throw new Error('socket hang up'); };
    await expect(processSignal({ HandleUrl: 'https://h/x?X-Amz-Signature=s', Detail: { TrainingJobName: 'j', TrainingJobStatus: 'Completed' } }, send))
      .rejects.toThrow(/socket hang up/);
  });

  test('redeploying a definition whose job Failed fails once, with retrainToken first (defect 12)', async () => {
    // GIVEN a first deploy whose job failed (rolled back, the stack deleted and created again)
    const v1 = deploy();
    await cloud.create(v1);
    await cloud.finish(v1, v1.job.jobNameAtSynth, 'Failed', 'AlgorithmError: out of memory');
    cloud.forgetStack();

    // WHEN
    const answer = await cloud.create(deploy());

    // THEN
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toMatch(/^Set retrainToken \(any new value\) to train again: .*Failed: AlgorithmError: out of memory/);
  });

  test('a token whose deploy-time value holds " and \\ reaches SageMaker unchanged (defect 10)', async () => {
    // GIVEN a metric regex from a parameter
    const regex = 'loss="([0-9\\.]+)"';
    const v1 = deploy({}, (stack) => {
      const parameter = new CfnParameter(stack, 'LossRegex', { type: 'String' });
      return { metricDefinitions: [{ name: 'loss', regex: parameter.valueAsString }] };
    });

    // WHEN
    const answer = await cloud.create({ ...v1, parameters: { LossRegex: regex } });

    // THEN the request arrives typed again, the regex intact
    expect(answer.Status).toBe('SUCCESS');
    const request = cloud.jobs.get(v1.job.jobNameAtSynth)!.request;
    expect(request.AlgorithmSpecification.MetricDefinitions).toEqual([{ Name: 'loss', Regex: regex }]);
    expect(request.ResourceConfig).toEqual(expect.objectContaining({ InstanceCount: 1, VolumeSizeInGB: 30 }));
    expect(request.EnableNetworkIsolation).toBe(false);
  });

  test('the handler logs no presigned signature (defect 7)', async () => {
    // GIVEN
    const v1 = deploy();
    cloud.policyOf = v1;
    const fetchMock = jest.spyOn(global, 'fetch').mockResolvedValue(new Response('', { status: 200 }));
    const props = cloud.propertiesOf(v1);

    // WHEN
    await handler({
      RequestType: 'Create',
      ServiceToken: 'x',
      ResponseURL: 'https://r/x?X-Amz-Signature=response',
      StackId: 's',
      RequestId: 'r',
      LogicalResourceId: 'TrainResource',
      ResourceType: 'Custom::SageMakerTrainingJob',
      ResourceProperties: props,
    } as any, { getRemainingTimeInMillis: () => 300_000 });

    // THEN
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(logs.join('\n')).not.toMatch(/X-Amz-Signature/);
    expect(logs.join('\n')).toContain('created training job');
  });
});

describe('training lifecycle wiring at synth', () => {
  test('the rule filters on the account, the signal function has a dead-letter queue, the resource a service timeout (defect 11)', () => {
    const v1 = deploy();
    const template = Template.fromJSON(v1.template);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ account: [ACCOUNT] }),
      Targets: [Match.objectLike({ DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }) })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Signals the WaitCondition'),
      DeadLetterConfig: Match.objectLike({ TargetArn: Match.anyValue() }),
    });
    template.hasResourceProperties('Custom::SageMakerTrainingJob', { ServiceTimeout: String(Duration.minutes(16).toSeconds()) });
  });

  test('warns when modelData is used without waiting (defect 11)', () => {
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: REGION } });
    const job = new TrainingJob(stack, 'Train', {
      image: SageMakerImage.fromImageUri(IMAGE, { entryPoint: EntryPoint.program('train.py') }),
      instanceType: InstanceType.ML_M5_XLARGE,
      waitForCompletion: false,
    });
    job.modelData.bind(new Construct(stack, 'Consumer'), new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }));
    Annotations.fromStack(stack).hasWarning('/S/Train', Match.stringLikeRegexp('modelData of a job that does not wait'));
  });

  test('a model reader may decrypt the archive with the output key of a given bucket (defect 6)', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: REGION } });
    const key = new kms.Key(stack, 'OutputKey');
    const job = new TrainingJob(stack, 'Train', {
      image: SageMakerImage.fromImageUri(IMAGE, { entryPoint: EntryPoint.program('train.py') }),
      instanceType: InstanceType.ML_M5_XLARGE,
      outputBucket: s3.Bucket.fromBucketName(stack, 'Out', 'my-models'),
      outputEncryptionKey: key,
    });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    job.modelData.bind(new Construct(stack, 'Consumer'), reader);

    // THEN
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }] } });
    const statements = Object.values<any>(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^OutputKey/), 'Arn'] } }),
    ]));
  });

  test('every job carries an ownership tag stable per stack and construct path: not hashed into the name, not changed by the prefix; the handler may describe and stop what carries it, and tag on create', () => {
    // GIVEN
    const plain = deploy({ trainingJobNamePrefix: 'Old' });
    const tagged = deploy({ trainingJobNamePrefix: 'Old', tags: { team: 'ml' } });
    const renamed = deploy({ trainingJobNamePrefix: 'New' });
    const elsewhere = (() => {
      const stack = new Stack(new App(), 'Other', { env: { account: ACCOUNT, region: REGION } });
      new TrainingJob(stack, 'Train', { image: SageMakerImage.fromImageUri(IMAGE, { entryPoint: EntryPoint.program('train.py') }), instanceType: InstanceType.ML_M5_XLARGE });
      return Template.fromStack(stack).toJSON();
    })();
    const ownerOf = (template: any) => (Object.values<any>(template.Resources)
      .find((r) => r.Type === 'Custom::SageMakerTrainingJob').Properties.Request.Tags as any[])
      .find((t) => t.Key === 'cdk-sagemaker-containers:owner').Value;

    // THEN
    const owner = ownerOf(plain.template);
    expect(owner).toMatch(/^[0-9a-f]{32}$/);
    expect(ownerOf(tagged.template)).toBe(owner);
    expect(ownerOf(renamed.template)).toBe(owner);
    expect(ownerOf(elsewhere)).not.toBe(owner);
    expect(tagged.job.jobNameAtSynth).toBe(plain.job.jobNameAtSynth);
    expect(Template.fromJSON(tagged.template).findResources('Custom::SageMakerTrainingJob')[tagged.resourceId].Properties.Request.Tags)
      .toEqual([{ Key: 'team', Value: 'ml' }, { Key: 'cdk-sagemaker-containers:owner', Value: owner }]);
    const handlerStatements = Object.values<any>(plain.template.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes('SageMakerTrainingJobHandlerRole'))
      .flatMap((r) => r.Properties.PolicyDocument.Statement);
    expect(handlerStatements).toEqual(expect.arrayContaining([
      expect.objectContaining({
        Action: ['sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'],
        Resource: { 'Fn::Join': ['', expect.arrayContaining([expect.stringMatching(/:training-job\/\*$/)])] },
        Condition: { StringEquals: { 'aws:ResourceTag/cdk-sagemaker-containers:owner': owner } },
      }),
      expect.objectContaining({
        Action: ['sagemaker:CreateTrainingJob', 'sagemaker:AddTags'],
        Resource: { 'Fn::Join': ['', expect.arrayContaining([expect.stringMatching(new RegExp(`:training-job/${plain.job.jobNameAtSynth.toLowerCase()}$`))])] },
      }),
    ]));
  });

  test('the job role may write only its own folder: not the unpacked inputs, not another job\'s archive (defect 8)', () => {
    const v1 = deploy();
    const statements = Object.values<any>(v1.template.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes('TrainRole'))
      .flatMap((r) => r.Properties.PolicyDocument.Statement)
      .filter((st) => [].concat(st.Action).includes('s3:PutObject' as never));
    expect(statements).toHaveLength(1);
    expect(JSON.stringify(statements[0].Resource)).toContain(`/training-jobs/${v1.job.jobNameAtSynth}/*`);
  });
});

describe('wire checks at synth', () => {
  const image = () => SageMakerImage.fromImageUri(IMAGE, { entryPoint: EntryPoint.program('train.py') });
  const stackOf = () => new Stack(new App(), 'S', { env: { account: ACCOUNT, region: REGION } });

  test('fails on more than 50 tags, and on tag keys and values SageMaker refuses', () => {
    const tags: { [key: string]: string } = {};
    for (let i = 0; i < 51; i++) tags[`k${i}`] = 'v';
    expect(() => new TrainingJob(stackOf(), 'Train', { image: image(), instanceType: InstanceType.ML_M5_XLARGE, tags }))
      .toThrow(/tags has 51 tags; SageMaker allows at most 50/);
    expect(() => new TrainingJob(stackOf(), 'Train', {
      image: image(), instanceType: InstanceType.ML_M5_XLARGE, tags: { 'team#1': 'ok', 'aws:owner': 'x', 'ok': 'x'.repeat(257), 'größe': 'é ü' },
    })).toThrow(/3 problems:[\s\S]*tags key 'team#1' is not allowed[\s\S]*'aws:' is reserved[\s\S]*tags value of 'ok' is not allowed/);
  });

  test('fails on a tag key the construct reserves for its ownership tag, and on 50 tags (the ownership tag is the 50th)', () => {
    const tags: { [key: string]: string } = {};
    for (let i = 0; i < 50; i++) tags[`k${i}`] = 'v';
    expect(() => new TrainingJob(stackOf(), 'Train', { image: image(), instanceType: InstanceType.ML_M5_XLARGE, tags }))
      .toThrow(/tags has 50 tags; at most 49 are allowed: the construct adds its ownership tag 'cdk-sagemaker-containers:owner'/);
    expect(() => new TrainingJob(stackOf(), 'Train', {
      image: image(), instanceType: InstanceType.ML_M5_XLARGE, tags: { 'cdk-sagemaker-containers:owner': 'me' },
    })).toThrow(/tags key 'cdk-sagemaker-containers:owner' is reserved/);
  });

  test('fails on AugmentedManifestFile without Pipe mode', () => {
    const stack = stackOf();
    const bucket = s3.Bucket.fromBucketName(stack, 'Data', 'my-data');
    expect(() => new TrainingJob(stack, 'Train', {
      image: image(),
      instanceType: InstanceType.ML_M5_XLARGE,
      inputs: [TrainingInput.fromBucket('train', bucket, 'manifest.json', { dataType: S3DataType.AUGMENTED_MANIFEST_FILE })],
    })).toThrow(/inputs 'train' dataType AugmentedManifestFile needs inputMode Pipe, not File/);
    expect(() => new TrainingJob(stackOf(), 'Train', {
      image: image(),
      instanceType: InstanceType.ML_M5_XLARGE,
      inputs: [TrainingInput.fromS3Uri('train', 's3://my-data/manifest.json', { dataType: S3DataType.AUGMENTED_MANIFEST_FILE, inputMode: TrainingInputMode.PIPE })],
    })).not.toThrow();
  });

  test('fails on enum-like channel options that are not members (callers in other languages pass any string)', () => {
    expect(() => new TrainingJob(stackOf(), 'Train', {
      image: image(),
      instanceType: InstanceType.ML_M5_XLARGE,
      inputs: [TrainingInput.fromS3Uri('train', 's3://my-data/x/', { inputMode: 'Streaming' as TrainingInputMode })],
    })).toThrow(/inputs 'train' inputMode "Streaming" is not allowed; use one of File, FastFile, Pipe/);
  });

  test('fails on environment names and values SageMaker refuses', () => {
    expect(() => new TrainingJob(stackOf(), 'Train', {
      image: image(), instanceType: InstanceType.ML_M5_XLARGE, environment: { '1BAD': 'x', 'GOOD': 'y'.repeat(513) },
    })).toThrow(/2 problems:[\s\S]*environment name '1BAD' is not allowed[\s\S]*environment value of 'GOOD' has 513 characters; at most 512/);
  });

  test('warns for a token image URI that got no ECR pull grant, not for an ECR repository', () => {
    // GIVEN
    const stack = stackOf();
    const uri = new CfnParameter(stack, 'ImageUri', { type: 'String' }).valueAsString;

    // WHEN
    new TrainingJob(stack, 'Token', { image: SageMakerImage.fromImageUri(uri, { entryPoint: EntryPoint.program('train.py') }), instanceType: InstanceType.ML_M5_XLARGE });
    const repository = ecr.Repository.fromRepositoryName(stack, 'Repo', 'train');
    new TrainingJob(stack, 'Ecr', { image: SageMakerImage.fromEcrRepository(repository, 'v1', { entryPoint: EntryPoint.program('train.py') }), instanceType: InstanceType.ML_M5_XLARGE });

    // THEN
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/S/Token', Match.stringLikeRegexp('image URI is a token and no ECR pull permission'));
    annotations.hasNoWarning('/S/Ecr', Match.stringLikeRegexp('image URI is a token'));
  });
});

describe('wire checks of a Model', () => {
  test('fails on environment names and values CreateModel refuses (1,024 characters there)', () => {
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: REGION } });
    const image = SageMakerImage.fromImageUri(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/serve:1.0-cpu`, { entryPoint: EntryPoint.program('inference.py') });
    expect(() => new Model(stack, 'Ok', { image, environment: { LONG: 'x'.repeat(1024) } })).not.toThrow();
    expect(() => new Model(stack, 'Bad', { image, environment: { 'MY-VAR': 'x', 'LONG': 'x'.repeat(1025) } }))
      .toThrow(/2 problems:[\s\S]*environment name 'MY-VAR' is not allowed[\s\S]*environment value of 'LONG' has 1025 characters; at most 1024/);
  });
});
