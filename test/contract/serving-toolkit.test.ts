/**
 * Contract tests with the real legacy SageMaker serving stack (sagemaker-containers `serve`: gunicorn
 * serving the WSGI app named by SAGEMAKER_SERVING_MODULE, SAGEMAKER_USE_NGINX=false): what an Endpoint
 * synthesizes (the staged image build context, the model's Environment and its model archive) must
 * answer SageMaker's /ping and /invocations.
 *
 * sagemaker-containers 2.8.6.post2 (its last release) does not import on Python 3.10+ as published:
 * scripts/setup-test-env.sh pins the dependencies it leaves open and adds a sitecustomize shim for the
 * removed `collections.Mapping` aliases; the deviations from a real container are listed in
 * scripts/contract/run_serving.py.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import {
  contractRuns, describeWithVenv, FIXTURES, modelOf, newApp, pythonPackageVersion, removeTemporaryDirectories, runServing, SERVING_VENV,
  ServingRun, synthesize, unpackModelArchive,
} from './harness';
import { ModelData } from '../../src/artifacts';
import { InstanceType } from '../../src/compute';
import { Endpoint } from '../../src/hosting';
import { BaseImage, EntryPoint, SageMakerImage } from '../../src/image';

const BASE_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/mxnet-inference:1.9.0-cpu-py38-ubuntu20.04-sagemaker';

function explain(run: ServingRun): string {
  return [
    `ready ${run.ready}, exit ${run.exitCode}`,
    run.buildError ? `build error: ${run.buildError}` : '',
    `log:\n${run.log?.slice(-6000)}`,
  ].filter(Boolean).join('\n');
}

describeWithVenv('the legacy sagemaker-containers serve answers what an Endpoint synthesizes', SERVING_VENV, 'sagemaker_containers', () => {
  afterAll(() => {
    removeTemporaryDirectories();
    // eslint-disable-next-line no-console
    console.log(`contract runs: ${contractRuns.serving} with the real sagemaker-containers `
      + `${pythonPackageVersion(SERVING_VENV, 'sagemaker-containers')} (gunicorn ${pythonPackageVersion(SERVING_VENV, 'gunicorn')})`);
  });

  test('a serving module answers /ping and /invocations with the model from the model archive', async () => {
    // GIVEN an endpoint on a rendered image whose entry point is a serving module
    const app = newApp();
    const stack = new Stack(app, 'Serve', { env: { account: '123456789012', region: 'us-east-1' } });
    new Endpoint(stack, 'Endpoint', {
      image: SageMakerImage.fromDirectory(path.join(FIXTURES, 'serving-module'), {
        entryPoint: EntryPoint.servingModule('contract_serving.serving:app'),
        baseImage: BaseImage.fromRegistry(BASE_IMAGE),
      }),
      modelData: ModelData.fromAsset(path.join(FIXTURES, 'serving-model')),
      instanceType: InstanceType.ML_M5_LARGE,
    });
    const model = modelOf(synthesize(app, stack));
    expect(model.environment).toMatchObject({ SAGEMAKER_SERVING_MODULE: 'contract_serving.serving:app' });
    expect(model.modelArchive).toBeDefined();
    const modelDir = unpackModelArchive(model.modelArchive!);
    expect(fs.readdirSync(modelDir)).toEqual(['model.json']);

    // WHEN serve starts from the staged image with the model's environment, and SageMaker calls it
    const run = await runServing({
      imageContext: model.imageContext,
      dockerfile: model.dockerfile,
      environment: model.environment,
      modelDir,
      requests: [
        { method: 'GET', path: '/ping' },
        { method: 'POST', path: '/invocations', body: '{"inputs": [1, 2.5]}', contentType: 'application/json', accept: 'application/json' },
      ],
    });

    // THEN
    if (!run.ready) {
      throw new Error(`serve never answered /ping:\n${explain(run)}`);
    }
    expect(run.log).toMatch(/Starting gunicorn/);
    expect(run.log).toMatch(/Using worker: gevent/);
    const [ping, invocation] = run.responses;
    expect(ping.status).toEqual(200);
    expect(invocation.status).toEqual(200);
    expect(invocation.contentType).toMatch(/application\/json/);
    expect(JSON.parse(invocation.body)).toMatchObject({
      predictions: [3, 7.5],
      servingModule: 'contract_serving.serving:app',
    });
    expect(run.codeFiles).toEqual(expect.arrayContaining(['contract_serving/serving.py']));
  });

  test('fails to become healthy when the serving module does not exist in the image', async () => {
    // GIVEN the same image, but a model whose environment names a module the image does not have
    const app = newApp();
    const stack = new Stack(app, 'Serve', { env: { account: '123456789012', region: 'us-east-1' } });
    new Endpoint(stack, 'Endpoint', {
      image: SageMakerImage.fromDirectory(path.join(FIXTURES, 'serving-module'), {
        entryPoint: EntryPoint.servingModule('contract_serving.serving:app'),
        baseImage: BaseImage.fromRegistry(BASE_IMAGE),
      }),
      modelData: ModelData.fromAsset(path.join(FIXTURES, 'serving-model')),
      instanceType: InstanceType.ML_M5_LARGE,
    });
    const model = modelOf(synthesize(app, stack));

    // WHEN
    const run = await runServing({
      imageContext: model.imageContext,
      dockerfile: model.dockerfile,
      environment: { ...model.environment, SAGEMAKER_SERVING_MODULE: 'contract_serving.missing:app' },
      modelDir: unpackModelArchive(model.modelArchive!),
      requests: [],
    });

    // THEN gunicorn cannot load the app, and SageMaker's health check would never pass
    expect(run.ready).toBe(false);
    expect(run.log).toMatch(/No module named 'contract_serving.missing'|Worker failed to boot/);
  });
});
