/**
 * Scenario: a serverless endpoint (4 GiB, up to 20 concurrent invocations) serving a model directory that
 * ModelData.fromAsset packs into a deterministic model.tar.gz at synth, with a program entry point
 * (inference.py, SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code) on a CPU inference image.
 */
import * as path from 'path';
import { Size } from 'aws-cdk-lib';
import { IntegScenario } from './integ-app';
import { BaseImage, EntryPoint, ModelData, SageMakerImage, ServerlessEndpoint } from '../src';

const scenario = new IntegScenario('ServerlessEndpoint');
const stack = scenario.stack;
const assets = path.join(__dirname, 'assets');

const image = SageMakerImage.fromDirectory(path.join(assets, 'train-and-deploy', 'serving'), {
  baseImage: BaseImage.fromRegistry('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker'),
  entryPoint: EntryPoint.program('inference.py'),
});

new ServerlessEndpoint(stack, 'Endpoint', {
  image,
  modelData: ModelData.fromAsset(path.join(assets, 'serverless-model')),
  memory: Size.gibibytes(4),
  maxConcurrency: 20,
});

scenario.synth();
