/**
 * Local mode in the local deploy beyond the example: a job with one channel from an S3 prefix (an
 * existing bucket) and one from a local asset, served by the inference toolkit with inference.py; and a
 * train.py that raises, which fails the deploy with the script's error.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { App, Stack } from 'aws-cdk-lib';
import { localCloudAvailable, printDeploySummary, recordDeploy } from './local-cloud-support';
import { DeployResult, LocalCloud } from '../../integ/local-cloud/local-cloud';
import { BaseImage, Endpoint, EntryPoint, InstanceType, SageMakerImage, TrainingInput, TrainingJob } from '../../src';
import { describeWithVenv, SERVING_VENV, TOOLKIT_VENV } from '../contract/harness';

const available = localCloudAvailable();
/** Runs with the toolkit venv when moto is there; skipped (or failing under CI) otherwise, as the other local-cloud tests. */
const describeLocalMode = (name: string, fn: () => void) => (available ? describeWithVenv(name, TOOLKIT_VENV, 'sagemaker_training', fn) : describe.skip(name, fn));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'local-mode-apps-'));

function write(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const TRAIN_CHANNELS = `
import json, os
model_dir = os.environ["SM_MODEL_DIR"]
seen = {}
for name in json.loads(os.environ["SM_CHANNELS"]):
    root = os.environ["SM_CHANNEL_" + name.upper()]
    seen[name] = {os.path.relpath(os.path.join(d, f), root): open(os.path.join(d, f)).read().strip()
                  for d, _, fs in os.walk(root) for f in fs}
json.dump({"channels": seen}, open(os.path.join(model_dir, "model.json"), "w"))
print("channels seen:", sorted(seen))
`;

const INFERENCE = `
import json, os
def model_fn(model_dir):
    return json.load(open(os.path.join(model_dir, "model.json")))
def predict_fn(data, model):
    return {"asked": data, "channels": sorted(model["channels"])}
`;

const TRAIN_RAISES = `
import sys
print("starting", file=sys.stderr)
raise ValueError("learning rate must be positive, got -1")
`;

function channelsApp(bucket: string): { dir: string; stackName: string } {
  const app = new App({ outdir: fs.mkdtempSync(path.join(work, 'cdkout-')) });
  const stack = new Stack(app, 'LocalModeChannels');
  const job = new TrainingJob(stack, 'Train', {
    image: SageMakerImage.fromDirectory(write(path.join(work, 'channels-training'), { 'train.py': TRAIN_CHANNELS }), {
      baseImage: BaseImage.fromRegistry('python:3.11'), entryPoint: EntryPoint.program('train.py'),
    }),
    instanceType: InstanceType.ML_M5_LARGE,
    inputs: [
      TrainingInput.fromAsset('local', write(path.join(work, 'local-data'), { 'a.csv': 'from the asset', 'sub/b.csv': 'nested' })),
      TrainingInput.fromS3Uri('shared', `s3://${bucket}/datasets/v1/`),
    ],
  });
  new Endpoint(stack, 'Endpoint', {
    image: SageMakerImage.fromDirectory(write(path.join(work, 'channels-serving'), { 'inference.py': INFERENCE }), {
      baseImage: BaseImage.fromRegistry('python:3.11'), entryPoint: EntryPoint.program('inference.py'),
    }),
    modelData: job.modelData,
    instanceType: InstanceType.ML_M5_LARGE,
  });
  return { dir: app.synth().directory, stackName: stack.stackName };
}

function failingApp(): string {
  const app = new App({ outdir: fs.mkdtempSync(path.join(work, 'cdkout-')) });
  const stack = new Stack(app, 'LocalModeFails');
  new TrainingJob(stack, 'Train', {
    image: SageMakerImage.fromDirectory(write(path.join(work, 'failing-training'), { 'train.py': TRAIN_RAISES }), {
      baseImage: BaseImage.fromRegistry('python:3.11'), entryPoint: EntryPoint.program('train.py'),
    }),
    instanceType: InstanceType.ML_M5_LARGE,
    inputs: [TrainingInput.fromAsset('train', write(path.join(work, 'failing-data'), { 'x.csv': '1,2' }))],
  });
  return app.synth().directory;
}

describeLocalMode('local mode in the local deploy', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await LocalCloud.start({ localMode: true });
  }, 60_000);
  afterAll(async () => {
    if (cloud) {
      printDeploySummary(__filename, cloud.deployCount, cloud.startMs);
      await cloud.stop();
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  describeWithVenv('with the inference toolkit', SERVING_VENV, 'sagemaker_inference', () => {
    let result: DeployResult;
    let model: any;
    let invocation: { status: number; body: string };
    beforeAll(async () => {
      // GIVEN an existing bucket with a dataset under a prefix (and an object beside it that is not in the prefix)
      const bucket = 'local-mode-shared-data';
      await cloud.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await cloud.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'datasets/v1/part-0.csv', Body: 'from s3' }));
      await cloud.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'datasets/v10/other.csv', Body: 'not mine' }));
      const app = channelsApp(bucket);

      // WHEN the app is deployed in local mode and its endpoint invoked
      const [stack] = cloud.stacksOf(app.dir);
      result = await cloud.deploy(stack);
      recordDeploy(__filename, result.stackName, result.timings.totalMs);
      const uri = new URL(result.localTraining[0].artifactS3Uri);
      const object = await cloud.s3.send(new GetObjectCommand({ Bucket: uri.host, Key: uri.pathname.slice(1) }));
      const dir = fs.mkdtempSync(path.join(work, 'artifact-'));
      fs.writeFileSync(path.join(dir, 'model.tar.gz'), await object.Body!.transformToByteArray());
      execFileSync('tar', ['-xzf', path.join(dir, 'model.tar.gz'), '-C', dir]);
      model = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const res = await fetch(`${cloud.proxy.url}/endpoints/${result.localEndpoints[0].endpointName}/invocations`, {
        method: 'POST', body: JSON.stringify({ x: [1, 2] }), headers: { 'content-type': 'application/json', 'accept': 'application/json' },
      });
      invocation = { status: res.status, body: await res.text() };
      await cloud.destroy(result);
    }, 300_000);

    test('downloads a channel from its S3 prefix and one from its local asset into input/data/<channel>', () => {
      expect(result.localTraining[0].status).toBe('Completed');
      expect(model.channels).toEqual({
        shared: { 'part-0.csv': 'from s3' },
        local: { 'a.csv': 'from the asset', 'sub/b.csv': 'nested' },
      });
    });

    test('serves inference.py with the inference toolkit and answers InvokeEndpoint', () => {
      expect(result.localEndpoints[0].toolkit).toBe('sagemaker-inference (SAGEMAKER_PROGRAM=inference.py)');
      expect(invocation.status).toBe(200);
      expect(JSON.parse(invocation.body)).toEqual({ asked: { x: [1, 2] }, channels: ['local', 'shared'] });
    });
  });

  test('fails the deploy with the script\'s error when train.py raises, and rolls the stack back', async () => {
    // GIVEN
    const [stack] = cloud.stacksOf(failingApp());

    // WHEN / THEN
    await expect(cloud.deploy(stack)).rejects.toThrow(/WaitCondition \w+ received a FAILURE signal: .*AlgorithmError: .*ValueError: learning rate must be positive, got -1/s);
    const run = cloud.localMode!.results.find((r) => r.status === 'Failed');
    expect(run).toEqual(expect.objectContaining({ exitCode: 1, failureReason: expect.stringMatching(/learning rate must be positive/) }));
  }, 300_000);
});
