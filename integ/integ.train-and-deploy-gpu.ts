/**
 * Scenario: train on a GPU instance and serve the trained model from a GPU endpoint, in one deployment.
 *
 * The training image is rendered from a GPU PyTorch Deep Learning Container with `train.py` as its program;
 * its `data/train` directory is declared as an input channel, so it reaches the job as files under an S3 prefix
 * and is left out of the image's build context. The job's artifact feeds the endpoint's model, which serves
 * `inference.py` from a GPU inference image; the endpoint scales on invocations.
 */
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { IntegScenario } from './integ-app';
import {
  BaseImage, Endpoint, EntryPoint, InstanceType, SageMakerImage, TrainingInput, TrainingJob,
} from '../src';

const scenario = new IntegScenario('TrainAndDeployGpu');
const stack = scenario.stack;
const assets = path.join(__dirname, 'assets', 'train-and-deploy');

const trainImage = SageMakerImage.fromDirectory(path.join(assets, 'training'), {
  baseImage: BaseImage.fromRegistry('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker'),
  entryPoint: EntryPoint.program('train.py'),
});
const serveImage = SageMakerImage.fromDirectory(path.join(assets, 'serving'), {
  baseImage: BaseImage.fromRegistry('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker'),
  entryPoint: EntryPoint.program('inference.py'),
});

const job = new TrainingJob(stack, 'Train', {
  image: trainImage,
  instanceType: InstanceType.ML_G5_2XLARGE,
  hyperparameters: { epochs: '10', lr: '0.001' },
  inputs: [TrainingInput.fromAsset('train', path.join(assets, 'training', 'data', 'train'))],
  maxRuntime: Duration.hours(2),
});

const endpoint = new Endpoint(stack, 'Endpoint', {
  image: serveImage,
  modelData: job.modelData,
  instanceType: InstanceType.ML_G5_XLARGE,
  initialInstanceCount: 1,
});
endpoint.autoScaleInstanceCount({ minCapacity: 1, maxCapacity: 4 }).scaleOnInvocations('Rps', { maxRequestsPerSecond: 20 });

scenario.synth();
