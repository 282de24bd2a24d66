/**
 * Contract tests with the SageMaker inference toolkit (sagemaker-inference), which the current framework
 * inference images run inside their model server's Python workers: for an Endpoint whose image has a
 * program entry point (SAGEMAKER_PROGRAM=inference.py), is the user's script the one that answers?
 *
 * scripts/contract/run_inference.py applies the staged Dockerfile, runs the toolkit's own start-up
 * step that sets PYTHONPATH, and then the toolkit's handler service in a worker process; the model
 * server's Java front end is not started (see the runner for the deviations).
 */
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import {
  contractRuns, describeWithVenv, FIXTURES, InferenceRun, modelOf, newApp, pythonPackageVersion, removeTemporaryDirectories, runInference,
  SERVING_VENV, synthesize, SynthesizedModel, unpackModelArchive,
} from './harness';
import { ModelData } from '../../src/artifacts';
import { InstanceType } from '../../src/compute';
import { Endpoint } from '../../src/hosting';
import { BaseImage, EntryPoint, SageMakerImage } from '../../src/image';

const BASE_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311-ubuntu22.04-sagemaker';

function programEndpoint(environment?: { [key: string]: string }): SynthesizedModel {
  const app = newApp();
  const stack = new Stack(app, 'Infer', { env: { account: '123456789012', region: 'us-east-1' } });
  new Endpoint(stack, 'Endpoint', {
    image: SageMakerImage.fromDirectory(path.join(FIXTURES, 'inference-program'), {
      entryPoint: EntryPoint.program('inference.py'),
      baseImage: BaseImage.fromRegistry(BASE_IMAGE),
    }),
    modelData: ModelData.fromAsset(path.join(FIXTURES, 'serving-model')),
    instanceType: InstanceType.ML_M5_LARGE,
    environment,
  });
  return modelOf(synthesize(app, stack));
}

function invoke(model: SynthesizedModel): InferenceRun {
  return runInference({
    imageContext: model.imageContext,
    dockerfile: model.dockerfile,
    environment: model.environment,
    modelDir: unpackModelArchive(model.modelArchive!),
    requests: [{ body: '{"inputs": [2, 5]}', contentType: 'application/json', accept: 'application/json' }],
  });
}

/** The user's handlers answered: model_fn read model.json from the model archive, predict_fn scaled. */
function expectUserHandlers(run: InferenceRun): void {
  if (run.exitCode !== 0) {
    throw new Error(`the inference worker failed (${run.exitCode}):\n${run.stderr}`);
  }
  const [response] = run.responses;
  expect(response.status).toEqual(200);
  const body = JSON.parse(response.body);
  expect(body.predictions).toEqual([6, 15]);
  expect(body.handler).toEqual(path.join(run.baseDir, 'code', 'inference.py'));
}

describeWithVenv('the sagemaker-inference toolkit runs what an Endpoint synthesizes', SERVING_VENV, 'sagemaker_inference', () => {
  afterAll(() => {
    removeTemporaryDirectories();
    // eslint-disable-next-line no-console
    console.log(`contract runs: ${contractRuns.inference} with the real sagemaker-inference `
      + `${pythonPackageVersion(SERVING_VENV, 'sagemaker-inference')}`);
  });

  // FINDING, fixed: the inference toolkit imports the program from /opt/ml/model/code (the model
  // archive's code/ folder); a program the rendered image copied to /opt/ml/code was not found and the
  // toolkit silently fell back to its default handlers. The rendered Dockerfile now puts /opt/ml/code on
  // PYTHONPATH, which the toolkit keeps behind its own code dir.
  test('the program baked into a rendered image answers the invocations', () => {
    const model = programEndpoint();
    expect(model.environment).toMatchObject({ SAGEMAKER_PROGRAM: 'inference.py' });
    expectUserHandlers(invoke(model));
  });

  test('the program answers when the endpoint puts /opt/ml/code on PYTHONPATH', () => {
    // GIVEN / WHEN
    const run = invoke(programEndpoint({ PYTHONPATH: '/opt/ml/code' }));

    // THEN
    expectUserHandlers(run);
  });
});
