/**
 * Stack updates of a TrainingJob through moto's real CloudFormation (UpdateStack), in local mode so that the jobs
 * run train.py for real and leave their archives in moto's S3: "change a hyperparameter" (a second job, the old one
 * kept, the artifact attribute moved to the new archive) and "the new job fails, roll back" (the handler's rollback
 * Update adopts the old job without re-judging it, its expired handle never fails the rollback; the failed job's
 * physical id is deleted in the cleanup; the artifact attribute is the old job's again), an update the handler
 * refuses (a job of the new name that wrote elsewhere: UPDATE_FAILED, rolled back, the refused job untouched), then a
 * stack delete.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { localCloudAvailable, printDeploySummary, recordDeploy } from './local-cloud-support';
import { AssemblyStack } from '../../integ/local-cloud/cloud-assembly';
import { DeployResult, DestroyResult, LocalCloud, UpdateResult } from '../../integ/local-cloud/local-cloud';
import { BaseImage, EntryPoint, InstanceType, SageMakerImage, TrainingInput, TrainingJob } from '../../src';
import { describeWithVenv, TOOLKIT_VENV } from '../contract/harness';

const available = localCloudAvailable();
/** Runs with the toolkit venv when moto is there; skipped (or failing under CI) otherwise, as the other local-cloud tests. */
const describeLocalMode = (name: string, fn: () => void) => (available ? describeWithVenv(name, TOOLKIT_VENV, 'sagemaker_training', fn) : describe.skip(name, fn));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'training-update-'));

// A learning rate that is not positive is the user's error the new job fails on.
const TRAIN = `
import json, os
lr = float(json.loads(os.environ["SM_HPS"])["lr"])
if lr <= 0:
    raise ValueError(f"learning rate must be positive, got {lr}")
json.dump({"lr": lr}, open(os.path.join(os.environ["SM_MODEL_DIR"], "model.json"), "w"))
`;

function write(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** The same app with one hyperparameter changed: the job's name (a hash of its definition) changes with it. */
function app(cloud: LocalCloud, lr: string): { stack: AssemblyStack; jobName: string } {
  const a = new App({ outdir: fs.mkdtempSync(path.join(work, 'cdkout-')) });
  const stack = new Stack(a, 'TrainingUpdate');
  const job = new TrainingJob(stack, 'Train', {
    image: SageMakerImage.fromDirectory(write(path.join(work, 'training'), { 'train.py': TRAIN }), {
      baseImage: BaseImage.fromRegistry('python:3.11'), entryPoint: EntryPoint.program('train.py'),
    }),
    instanceType: InstanceType.ML_M5_LARGE,
    inputs: [TrainingInput.fromAsset('train', write(path.join(work, 'data'), { 'x.csv': '1,2' }))],
    hyperparameters: { lr },
  });
  new CfnOutput(stack, 'ModelArtifacts', { value: job.modelArtifactsS3Uri });
  const [assembly] = cloud.stacksOf(a.synth().directory);
  return { stack: assembly, jobName: job.jobNameAtSynth };
}

describeLocalMode('a TrainingJob updated through moto\'s CloudFormation', () => {
  let cloud: LocalCloud;
  let v1: { stack: AssemblyStack; jobName: string };
  let v2: { stack: AssemblyStack; jobName: string };
  let v3: { stack: AssemblyStack; jobName: string };
  let v4: { stack: AssemblyStack; jobName: string };
  let created: DeployResult;
  let retrained: UpdateResult;
  let rolledBack: UpdateResult;
  let refused: UpdateResult;
  let destroyed: DestroyResult;
  const jobs: Record<string, any> = {};
  const artifactExists: Record<string, boolean> = {};
  let createRequests: { afterRetrain: number; afterRollback: number; afterRefusal: number };

  const describeJob = (name: string) => cloud.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
  const exists = (uri: string) => {
    const u = new URL(uri);
    return cloud.s3.send(new HeadObjectCommand({ Bucket: u.host, Key: u.pathname.slice(1) })).then(() => true, () => false);
  };

  beforeAll(async () => {
    // GIVEN a deployed job (lr 0.1), its definition changed (lr 0.2), then changed to one its script refuses (lr -1)
    cloud = await LocalCloud.start({ localMode: true });
    v1 = app(cloud, '0.1');
    v2 = app(cloud, '0.2');
    v3 = app(cloud, '-1');
    v4 = app(cloud, '0.4');
    created = await cloud.deploy(v1.stack);
    recordDeploy(__filename, created.stackName, created.timings.totalMs);

    // WHEN the hyperparameter change is deployed
    retrained = await cloud.update(created, v2.stack);
    recordDeploy(__filename, `${retrained.stackName} (update)`, retrained.timings.totalMs);
    createRequests = { afterRetrain: cloud.proxy.requests('SageMaker.CreateTrainingJob').length, afterRollback: 0, afterRefusal: 0 };
    jobs.v1 = await describeJob(v1.jobName);
    jobs.v2 = await describeJob(v2.jobName);
    artifactExists.v1 = await exists(jobs.v1.ModelArtifacts.S3ModelArtifacts);
    artifactExists.v2 = await exists(jobs.v2.ModelArtifacts.S3ModelArtifacts);

    // WHEN an update whose new job fails is deployed, then the stack deleted
    rolledBack = await cloud.update(retrained, v3.stack);
    recordDeploy(__filename, `${rolledBack.stackName} (update, rolled back)`, rolledBack.timings.totalMs);
    createRequests.afterRollback = cloud.proxy.requests('SageMaker.CreateTrainingJob').length;
    jobs.v3 = await describeJob(v3.jobName);

    // WHEN an update meets a job of its new name that another deployment wrote elsewhere (a destroyed stack's), then the stack is deleted
    await cloud.sagemaker.send(new CreateTrainingJobCommand({
      TrainingJobName: v4.jobName,
      AlgorithmSpecification: { TrainingImage: jobs.v2.AlgorithmSpecification.TrainingImage, TrainingInputMode: 'File' },
      RoleArn: `arn:aws:iam::${cloud.account}:role/another-deployment`,
      OutputDataConfig: { S3OutputPath: 's3://another-deployments-bucket/training-jobs' },
      ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 1 },
      StoppingCondition: { MaxRuntimeInSeconds: 600 },
    }));
    refused = await cloud.update(rolledBack, v4.stack);
    recordDeploy(__filename, `${refused.stackName} (update, refused)`, refused.timings.totalMs);
    createRequests.afterRefusal = cloud.proxy.requests('SageMaker.CreateTrainingJob').length;
    jobs.v4 = await describeJob(v4.jobName);
    destroyed = await cloud.destroy(refused);
  }, 300_000);

  afterAll(async () => {
    if (cloud) {
      printDeploySummary(__filename, cloud.deployCount, cloud.startMs, cloud.updateCount);
      await cloud.stop();
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  describe('change a hyperparameter', () => {
    test('reaches UPDATE_COMPLETE: one Update of the job resource, answered with the new job\'s name; the unchanged input gets no event', () => {
      expect(retrained.status).toBe('UPDATE_COMPLETE');
      expect(retrained.failure).toBeUndefined();
      expect(retrained.customResources.map((r) => [r.resourceType, r.requestType, r.status, r.physicalResourceId])).toEqual([
        ['Custom::SageMakerTrainingJob', 'Update', 'SUCCESS', v2.jobName],
      ]);
      const [update] = retrained.customResources;
      expect(update.event.PhysicalResourceId).toBe(v1.jobName);
      expect(update.event.OldResourceProperties.TrainingJobName).toBe(v1.jobName);
      expect(update.event.ResourceProperties.TrainingJobName).toBe(v2.jobName);
      // a WaitCondition cannot be updated: the new job has a new one, with a new handle URL
      expect(update.event.ResourceProperties.CompletionHandleUrl).not.toBe(update.event.OldResourceProperties.CompletionHandleUrl);
    });

    test('starts a second job with the new hyperparameter, signalled by its completion event; the old job is kept with its archive', () => {
      expect(createRequests.afterRetrain).toBe(2);
      expect(jobs.v2.HyperParameters).toEqual(expect.objectContaining({ lr: '0.2' }));
      expect(cloud.localMode!.results.find((r) => r.jobName === v2.jobName)?.status).toBe('Completed');
      expect(retrained.waitConditions.map((w) => [w.event.detail.TrainingJobName, w.event.detail.TrainingJobStatus, w.signals[0].Status])).toEqual([
        [v2.jobName, 'Completed', 'SUCCESS'],
      ]);
      expect(jobs.v1.TrainingJobStatus).toBe('Completed');
      expect(jobs.v1.HyperParameters).toEqual(expect.objectContaining({ lr: '0.1' }));
      expect(artifactExists).toEqual({ v1: true, v2: true });
    });

    test('deletes the old job\'s physical id in the cleanup, after the update succeeded, and it stays Completed', () => {
      expect(retrained.cleanup.map((r) => [r.requestType, r.event.PhysicalResourceId, r.status])).toEqual([['Delete', v1.jobName, 'SUCCESS']]);
      expect(retrained.cleanup[0].event.ResourceProperties.TrainingJobName).toBe(v1.jobName);
      expect(retrained.cleanup[0].logs).toMatch(/training job is over: nothing to stop/);
    });

    test('points the artifact output at the new job\'s archive', () => {
      expect(retrained.outputs.ModelArtifacts).toBe(jobs.v2.ModelArtifacts.S3ModelArtifacts);
      expect(retrained.outputs.ModelArtifacts).toMatch(new RegExp(`/${v2.jobName}/output/model\\.tar\\.gz$`));
      expect(created.outputs.ModelArtifacts).toBe(jobs.v1.ModelArtifacts.S3ModelArtifacts);
    });

    test('replaces nothing else: every other resource keeps its physical id (moto re-creates the modified rule; CloudFormation updates it in place)', () => {
      const ids = (r: DeployResult) => Object.fromEntries(r.resources
        .filter((x) => x.LogicalResourceId)
        .map((x) => [x.LogicalResourceId, x.PhysicalResourceId]));
      const before = ids(created);
      const after = ids(retrained);
      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
      const changed = Object.keys(before).filter((id) => before[id] !== after[id]);
      expect(changed.map((id) => v1.stack.template.Resources[id].Type)).toEqual(['AWS::Events::Rule']);
      expect(retrained.deployed.customResources.map((c) => [c.resourceType, c.physicalResourceId])).toEqual([
        ['Custom::SageMakerTrainingInputAsset', created.deployed.customResources[0].physicalResourceId],
        ['Custom::SageMakerTrainingJob', v2.jobName],
      ]);
    });
  });

  describe('the new job fails, roll back', () => {
    test('fails the update on the WaitCondition\'s FAILURE signal, with the script\'s error, and completes the rollback', () => {
      expect(rolledBack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
      expect(rolledBack.failure).toMatch(/WaitCondition \w+ received a FAILURE signal: .*ValueError: learning rate must be positive, got -1/s);
      expect(rolledBack.customResources.map((r) => [r.requestType, r.status, r.physicalResourceId])).toEqual([['Update', 'SUCCESS', v3.jobName]]);
    });

    test('rolls the job resource back with an Update to the old properties, from the new physical id; the handler adopts the old job without re-judging it', () => {
      expect(rolledBack.rollback.map((r) => [r.requestType, r.status, r.physicalResourceId])).toEqual([['Update', 'SUCCESS', v2.jobName]]);
      const [rollback] = rolledBack.rollback;
      expect(rollback.event.PhysicalResourceId).toBe(v3.jobName);
      expect(rollback.event.OldResourceProperties.TrainingJobName).toBe(v3.jobName);
      expect(rollback.event.ResourceProperties.TrainingJobName).toBe(v2.jobName);
      expect(rollback.logs).toMatch(/adopted existing training job/);
      // the old deployment's handle URL has expired (403): the re-signal is best effort and the rollback succeeds
      expect(rollback.logs).toMatch(/could not signal the completion handle; going on/);
      expect(createRequests.afterRollback).toBe(3);
    });

    test('deletes the failed job\'s physical id in the rollback cleanup; that job is not running', () => {
      expect(rolledBack.cleanup.map((r) => [r.requestType, r.event.PhysicalResourceId, r.status])).toEqual([['Delete', v3.jobName, 'SUCCESS']]);
      expect(cloud.localMode!.results.find((r) => r.jobName === v3.jobName)).toEqual(expect.objectContaining({ status: 'Failed', exitCode: 1 }));
      // moto's own record of the job says Completed (it cannot fail a job); what ran in local mode failed and ended
      expect(jobs.v3.TrainingJobStatus).not.toMatch(/InProgress|Stopping/);
    });

    test('points the artifact output at the old job\'s archive again, and the stack holds the old job', () => {
      expect(rolledBack.outputs.ModelArtifacts).toBe(jobs.v2.ModelArtifacts.S3ModelArtifacts);
      expect(rolledBack.deployed.customResources.find((c) => c.resourceType === 'Custom::SageMakerTrainingJob')?.physicalResourceId).toBe(v2.jobName);
      expect(rolledBack.readBack.trainingJobs.map((j) => j.name)).toEqual([v2.jobName]);
    });
  });

  describe('an update the handler refuses', () => {
    test('fails the job resource\'s Update (UPDATE_FAILED) with the message naming retrainToken, and completes the rollback', () => {
      expect(refused.status).toBe('UPDATE_ROLLBACK_COMPLETE');
      expect(refused.failure).toMatch(new RegExp(`UPDATE_FAILED: Set retrainToken \\(any new value\\) to train again: training job ${v4.jobName} already exists`));
      // a failed Update keeps the physical id the resource held
      expect(refused.customResources.map((r) => [r.requestType, r.status, r.physicalResourceId])).toEqual([['Update', 'FAILED', v2.jobName]]);
      expect(refused.waitConditions).toEqual([]);
    });

    test('rolls the failed resource back with an Update from the physical id it kept; the old job is settled again, best effort', () => {
      expect(refused.rollback.map((r) => [r.requestType, r.status, r.physicalResourceId])).toEqual([['Update', 'SUCCESS', v2.jobName]]);
      expect(refused.rollback[0].event.PhysicalResourceId).toBe(v2.jobName);
      expect(refused.rollback[0].event.OldResourceProperties.TrainingJobName).toBe(v4.jobName);
      expect(refused.rollback[0].logs).toMatch(/could not signal the completion handle; going on/);
    });

    test('deletes nothing in the cleanup and leaves the refused job alone, where it wrote', () => {
      expect(refused.cleanup).toEqual([]);
      expect(createRequests.afterRefusal).toBe(createRequests.afterRollback);
      expect(jobs.v4.OutputDataConfig.S3OutputPath).toBe('s3://another-deployments-bucket/training-jobs');
      expect(refused.outputs.ModelArtifacts).toBe(jobs.v2.ModelArtifacts.S3ModelArtifacts);
    });
  });

  describe('then a stack delete', () => {
    test('succeeds: the held job\'s resource and the input are deleted, the stack is gone', () => {
      expect(destroyed.customResources.map((r) => [r.resourceType, r.event.PhysicalResourceId, r.status])).toEqual([
        ['Custom::SageMakerTrainingJob', v2.jobName, 'SUCCESS'],
        ['Custom::SageMakerTrainingInputAsset', created.deployed.customResources[0].physicalResourceId, 'SUCCESS'],
      ]);
      expect(destroyed.stackGone).toBe(true);
    });
  });
});
