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

  // FINDING (reported to the image and hosting owners): the rendered Dockerfile copies inference.py to
  // /opt/ml/code, but the inference toolkit imports the program from /opt/ml/model/code (the model
  // archive's code/ folder, which it puts on PYTHONPATH); finding no module, it silently falls back to
  // its default handlers, whose model_fn raises. Fixed by `ENV PYTHONPATH=/opt/ml/code` in the rendered
  // Dockerfile (the toolkit prepends its code dir to an existing PYTHONPATH). test.failing pins the
  // defect; it starts failing once fixed, and then becomes a plain test.
  test.failing('the program baked into a rendered image answers the invocations', () => {
    const model = programEndpoint();
    expect(model.environment).toMatchObject({ SAGEMAKER_PROGRAM: 'inference.py' });
    expectUserHandlers(invoke(model));
  });

  test('without PYTHONPATH the toolkit does not find the program and falls back to its default handlers', () => {
    // GIVEN / WHEN
    const run = invoke(programEndpoint());

    // THEN the code is in the image, but not where the toolkit looks
    expect(run.codeFiles).toContain('inference.py');
    expect(run.exitCode).toEqual(0);
    expect(run.responses[0].status).toEqual(500);
    expect(run.responses[0].body).toMatch(/model_fn/);
    expect(run.sysPath).toContain(path.join(run.baseDir, 'model', 'code'));
    expect(run.sysPath).not.toContain(path.join(run.baseDir, 'code'));
  });

  test('the program answers when the endpoint puts /opt/ml/code on PYTHONPATH', () => {
    // GIVEN / WHEN
    const run = invoke(programEndpoint({ PYTHONPATH: '/opt/ml/code' }));

    // THEN
    expectUserHandlers(run);
  });
});
