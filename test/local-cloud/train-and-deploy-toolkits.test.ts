/**
 * The example's synthesized images meet the real SageMaker toolkits (through the contract runners of
 * test/contract): the staged training context runs train.py under sagemaker-training's `train` with the
 * job's environment, hyperparameters and channel; the staged serving context answers /ping and
 * /invocations under sagemaker-containers' `serve` with the model the job trained.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TrainAndDeployStack } from '../../examples/train-and-deploy/app';
import {
  describeWithVenv, modelOf, newApp, removeTemporaryDirectories, runServing, runTraining, SERVING_VENV, Synthesized,
  synthesize, TOOLKIT_VENV, trainingJobOf,
} from '../contract/harness';

let synthesized: Synthesized | undefined;
function example(): Synthesized {
  if (!synthesized) {
    const app = newApp();
    synthesized = synthesize(app, new TrainAndDeployStack(app, 'TrainAndDeploy'));
  }
  return synthesized;
}

afterAll(() => removeTemporaryDirectories());

describeWithVenv('the example\'s training image under sagemaker-training', TOOLKIT_VENV, 'sagemaker_training', () => {
  test('runs train.py with the job\'s hyperparameters and channel and writes the model', () => {
    // GIVEN the job as synthesized
    const job = trainingJobOf(example());
    expect(job.environment).toEqual({ SAGEMAKER_PROGRAM: 'train.py' });

    // WHEN the toolkit's train runs it
    const run = runTraining(job);

    // THEN
    expect({ exit: run.exitCode, failure: run.failure }).toEqual({ exit: 0, failure: null });
    expect(run.stdout + run.stderr).toMatch(/train_mse=0\.00\d+;/);
    const model = JSON.parse(run.model('model.json'));
    expect(model).toEqual(expect.objectContaining({ epochs: 300, learning_rate: 0.1, rows: 200 }));
    expect(model.weights[0]).toBeCloseTo(3, 1);
    expect(model.weights[1]).toBeCloseTo(-2, 1);
  });
});

describeWithVenv('the example\'s serving image under sagemaker-containers serve', SERVING_VENV, 'sagemaker_containers', () => {
  test('answers /ping and /invocations with the trained model', async () => {
    // GIVEN the model as synthesized, and what train.py writes to /opt/ml/model
    const model = modelOf(example());
    const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-serving-model-'));
    execFileSync('python3', [path.resolve(__dirname, '..', '..', 'examples', 'train-and-deploy', 'training', 'train.py')], {
      env: { PATH: process.env.PATH, SM_CHANNEL_TRAIN: path.resolve(__dirname, '..', '..', 'examples', 'train-and-deploy', 'data'), SM_MODEL_DIR: modelDir },
    });

    // WHEN serve runs the staged image with the model's environment and SageMaker calls it
    const run = await runServing({
      imageContext: model.imageContext,
      dockerfile: model.dockerfile,
      environment: model.environment,
      modelDir,
      requests: [
        { method: 'GET', path: '/ping' },
        { method: 'POST', path: '/invocations', body: '1,0\n0,1\n', contentType: 'text/csv' },
      ],
    });

    // THEN
    expect(run.ready).toBe(true);
    const [ping, invocation] = run.responses;
    expect(ping.status).toBe(200);
    expect(invocation.status).toBe(200);
    const predictions = JSON.parse(invocation.body).predictions;
    expect(predictions[0]).toBeCloseTo(4, 0);
    expect(predictions[1]).toBeCloseTo(-1, 0);
  });
});
