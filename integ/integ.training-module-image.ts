/**
 * Scenario: a training-module image. The directory holds a Python package; the entry point names the module
 * the training toolkit imports and calls (SAGEMAKER_TRAINING_MODULE=my_pkg.training:main), baked into the
 * rendered Dockerfile as ENV and returned as the environment a job must set.
 */
import * as path from 'path';
import { CfnOutput } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IntegScenario } from './integ-app';
import { BaseImage, EntryPoint, SageMakerImage, Workload } from '../src';

const scenario = new IntegScenario('TrainingModuleImage');
const stack = scenario.stack;

const image = SageMakerImage.fromDirectory(path.join(__dirname, 'assets', 'training-module'), {
  baseImage: BaseImage.fromRegistry('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-cpu-py311-ubuntu20.04-sagemaker'),
  entryPoint: EntryPoint.trainingModule('my_pkg.training:main'),
});

const role = new iam.Role(stack, 'ExecutionRole', {
  assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
  description: 'Runs training jobs from the training-module image',
});
const config = image.bind(stack, { workload: Workload.TRAINING, grantee: role });

new CfnOutput(stack, 'ImageUri', { value: config.imageUri });
new CfnOutput(stack, 'Environment', { value: stack.toJsonString(config.environment) });

scenario.synth();
