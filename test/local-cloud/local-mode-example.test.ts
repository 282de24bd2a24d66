/**
 * The main job's path: the train-and-deploy example deployed into the local cloud in local mode. The
 * training job really trains (sagemaker-training runs train.py on the channel the input-asset handler
 * unpacked into moto's S3), its model.tar.gz lands in moto's S3 at the job's artifact path, the
 * completion event is delivered when the run ends, and InvokeEndpoint through the local API reaches
 * the model served by sagemaker-containers' serve.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { localCloudAvailable, printDeploySummary, recordDeploy } from './local-cloud-support';
import { synthExample } from '../../examples/train-and-deploy/app';
import { DeployResult, DestroyResult, LocalCloud } from '../../integ/local-cloud/local-cloud';
import { describeWithVenv, SERVING_VENV, TOOLKIT_VENV } from '../contract/harness';

const available = localCloudAvailable();
/** Runs with the toolkit venv when moto is there; skipped (or failing under CI) otherwise, as the other local-cloud tests. */
const describeLocalMode = (name: string, fn: () => void) => (available ? describeWithVenv(name, TOOLKIT_VENV, 'sagemaker_training', fn) : describe.skip(name, fn));

describeLocalMode('the train-and-deploy example in local mode', () => {
  describeWithVenv('with the serving stack', SERVING_VENV, 'sagemaker_containers', () => {
    let cloud: LocalCloud;
    let result: DeployResult;
    let destroyed: DestroyResult;
    let model: any;
    let invocation: { status: number; body: string };
    let localInvocations: { before: number; after: number };

    beforeAll(async () => {
      // GIVEN the example synthesized like `cdk synth` does, and a local cloud in local mode
      const outdir = synthExample(fs.mkdtempSync(path.join(os.tmpdir(), 'local-mode-example-')));
      cloud = await LocalCloud.start({ localMode: true });
      const [stack] = cloud.stacksOf(outdir);

      // WHEN it is deployed, its artifact read from the local S3, its endpoint invoked, and it is deleted
      result = await cloud.deploy(stack);
      recordDeploy(__filename, result.stackName, result.timings.totalMs);
      const uri = new URL(result.readBack.trainingJobs[0].modelArtifacts!);
      const object = await cloud.s3.send(new GetObjectCommand({ Bucket: uri.host, Key: uri.pathname.slice(1) }));
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-mode-artifact-'));
      fs.writeFileSync(path.join(dir, 'model.tar.gz'), await object.Body!.transformToByteArray());
      execFileSync('tar', ['-xzf', path.join(dir, 'model.tar.gz'), '-C', dir]);
      model = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const endpointName = result.readBack.endpoints[0].name;
      const res = await fetch(`${cloud.proxy.url}/endpoints/${endpointName}/invocations`, {
        method: 'POST', body: '1,0\n0,1\n', headers: { 'content-type': 'text/csv' },
      });
      invocation = { status: res.status, body: await res.text() };
      const served = () => cloud.proxy.requests('SageMakerRuntime.InvokeEndpoint').length;
      const before = served();
      destroyed = await cloud.destroy(result);
      await fetch(`${cloud.proxy.url}/endpoints/${endpointName}/invocations`, { method: 'POST', body: '1,0', headers: { 'content-type': 'text/csv' } });
      localInvocations = { before, after: served() };
    }, 300_000);

    afterAll(async () => {
      if (cloud) {
        printDeploySummary(__filename, cloud.deployCount, cloud.startMs);
        await cloud.stop();
      }
    });

    test('trains for real and uploads model.tar.gz with the trained parameters to the job\'s artifact path', () => {
      const [run] = result.localTraining;
      const [job] = result.readBack.trainingJobs;
      expect(run).toEqual(expect.objectContaining({ jobName: job.name, status: 'Completed', uploaded: true, modelFiles: ['model.json'] }));
      expect(run.artifactS3Uri).toBe(job.modelArtifacts);
      expect(run.log).toMatch(/train_mse=0\.00\d+;/);
      expect(model).toEqual(expect.objectContaining({ epochs: 300, learning_rate: 0.1, rows: 200 }));
      expect(model.weights[0]).toBeCloseTo(3, 1);
      expect(model.weights[1]).toBeCloseTo(-2, 1);
      expect(model.bias).toBeCloseTo(1, 1);
    });

    test('delivers the completion event after the run, with the real artifact', () => {
      const [wait] = result.waitConditions;
      expect(wait.event.detail).toEqual(expect.objectContaining({
        TrainingJobStatus: 'Completed',
        ModelArtifacts: { S3ModelArtifacts: result.readBack.trainingJobs[0].modelArtifacts },
      }));
      expect(wait.event.detail.TrainingTimeInSeconds).toBeGreaterThan(0);
      expect(wait.signals).toEqual([expect.objectContaining({ Status: 'SUCCESS' })]);
    });

    test('serves the endpoint\'s model and answers InvokeEndpoint through the local API', () => {
      expect(result.localEndpoints).toEqual([expect.objectContaining({ endpointName: result.readBack.endpoints[0].name, toolkit: expect.stringMatching(/^sagemaker-containers serve/) })]);
      expect(invocation.status).toBe(200);
      const predictions = JSON.parse(invocation.body).predictions;
      expect(predictions[0]).toBeCloseTo(4, 1);
      expect(predictions[1]).toBeCloseTo(-1, 1);
    });

    test('stops serving when the stack is deleted', () => {
      expect(destroyed.stackGone).toBe(true);
      // the invocation after the delete went to moto, not to a model server
      expect(localInvocations).toEqual({ before: 1, after: 1 });
    });
  });
});
