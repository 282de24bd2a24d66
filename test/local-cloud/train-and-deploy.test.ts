import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { localCloudAvailable, printDeploySummary, recordDeploy } from './local-cloud-support';
import { synthExample } from '../../examples/train-and-deploy/app';
import { DeployResult, DestroyResult, LocalCloud } from '../../integ/local-cloud/local-cloud';

const available = localCloudAvailable();

(available ? describe : describe.skip)('the train-and-deploy example in the local cloud', () => {
  let cloud: LocalCloud;
  let template: any;
  let result: DeployResult;
  let destroyed: DestroyResult;
  let inputObjects: string[];
  let jobAfterDelete: any;

  beforeAll(async () => {
    // GIVEN the example synthesized like `cdk synth` does
    const outdir = synthExample(fs.mkdtempSync(path.join(os.tmpdir(), 'train-and-deploy-')));
    cloud = await LocalCloud.start();
    const [stack] = cloud.stacksOf(outdir);
    template = stack.template;

    // WHEN it is deployed, inspected and deleted
    result = await cloud.deploy(stack);
    recordDeploy(__filename, result.stackName, result.timings.totalMs);
    const channel = result.readBack.trainingJobs[0];
    const job = await cloud.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: channel.name }));
    const uri = new URL(job.InputDataConfig![0].DataSource!.S3DataSource!.S3Uri!);
    const listed = await cloud.s3.send(new ListObjectsV2Command({ Bucket: uri.host, Prefix: uri.pathname.slice(1) }));
    inputObjects = (listed.Contents ?? []).map((o) => o.Key!.slice(uri.pathname.length - 1));
    destroyed = await cloud.destroy(result);
    jobAfterDelete = await cloud.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: channel.name }));
  });

  afterAll(async () => {
    if (cloud) {
      printDeploySummary(__filename, cloud.deployCount, cloud.startMs);
      await cloud.stop();
    }
  });

  test('reaches CREATE_COMPLETE with the endpoint created only after the job completed', () => {
    expect(result.status).toBe('CREATE_COMPLETE');
    // input unpacking -> training job -> completion signal -> model and endpoint
    expect(result.customResources.map((r) => r.resourceType)).toEqual(['Custom::SageMakerTrainingInputAsset', 'Custom::SageMakerTrainingJob']);
    expect(result.waitConditions).toHaveLength(1);
    expect(result.phases).toBe(4);
  });

  test('unpacks the local data directory into the channel prefix as files', () => {
    expect(inputObjects).toEqual(expect.arrayContaining(['train.csv']));
  });

  test('starts a completed training job with the image, instance, channel, hyperparameters and entry point', () => {
    const [job] = result.readBack.trainingJobs;
    expect(job).toEqual(expect.objectContaining({
      status: 'Completed',
      instanceType: 'ml.m5.large',
      instanceCount: 1,
      channels: ['train'],
      hyperParameters: { 'epochs': '300', 'learning-rate': '0.1' },
    }));
    expect(job.environment).toEqual(expect.objectContaining({ SAGEMAKER_PROGRAM: 'train.py' }));
    expect(job.image).toMatch(/^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/cdk-hnb659fds-container-assets-123456789012-us-east-1:[0-9a-f]{64}$/);
    expect(job.modelArtifacts).toBe(`${job.outputPath}/${job.name}/output/model.tar.gz`);
    expect(result.outputs.ModelArtifacts).toBe(job.modelArtifacts);
  });

  test('signals the WaitCondition from the job\'s Completed state-change event', () => {
    const [wait] = result.waitConditions;
    expect(wait.event).toEqual(expect.objectContaining({
      'source': 'aws.sagemaker',
      'detail-type': 'SageMaker Training Job State Change',
      'detail': expect.objectContaining({ TrainingJobName: result.readBack.trainingJobs[0].name, TrainingJobStatus: 'Completed' }),
    }));
    expect(wait.signals).toEqual([expect.objectContaining({ Status: 'SUCCESS' })]);
  });

  test('creates the model from the job\'s artifact with the serving entry point', () => {
    const [job] = result.readBack.trainingJobs;
    const [model] = result.readBack.models;
    expect(model.modelDataUrl).toBe(job.modelArtifacts);
    expect(model.environment).toEqual(expect.objectContaining({ SAGEMAKER_SERVING_MODULE: 'serve:app', SAGEMAKER_REGION: 'us-east-1' }));
    expect(model.image).not.toBe(job.image);
    // two image assets (training, serving): staged for the build, not pushed (no Docker engine)
    expect(result.imagesNotPushed).toHaveLength(2);
    expect(Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::SageMaker::Model')).toHaveLength(1);
  });

  test('puts the endpoint InService on one ml.m5.large', () => {
    expect(result.readBack.endpoints).toEqual([expect.objectContaining({
      status: 'InService',
      variants: [expect.objectContaining({ instanceType: 'ml.m5.large', initialInstanceCount: 1, modelName: result.readBack.models[0].name })],
    })]);
  });

  test('deletes the stack and its SageMaker resources but keeps the training job\'s record and artifacts', () => {
    expect(destroyed.stackGone).toBe(true);
    expect(destroyed.remaining).toEqual([]);
    expect(destroyed.customResources.map((r) => [r.resourceType, r.status])).toEqual([
      ['Custom::SageMakerTrainingJob', 'SUCCESS'], ['Custom::SageMakerTrainingInputAsset', 'SUCCESS'],
    ]);
    expect(jobAfterDelete.TrainingJobStatus).toBe('Completed');
  });
});
