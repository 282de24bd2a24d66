/**
 * Scenario: a directory holding only code becomes an image whose Dockerfile the library renders from a base
 * image: the PyTorch 2.3 training Deep Learning Container for a GPU instance type, looked up in the generated
 * DLC catalog for the stack's region (us-east-1, fixed because the registry account depends on it). The code
 * is copied to /opt/ml/code, requirements.txt installed, SAGEMAKER_PROGRAM baked in as ENV. The image is bound to a SageMaker execution role for training, which is
 * granted ECR pull; the outputs show the image URI and the environment a job must set.
 *
 * The snapshot holds the staged build context (integ.rendered-base-image.ts.snapshot/asset.<hash>/Dockerfile),
 * so a change to the rendered Dockerfile changes the asset hash and fails the snapshot test.
 */
import * as path from 'path';
import { CfnOutput } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IntegScenario } from './integ-app';
import {
  BaseImage, DeepLearningFramework, EntryPoint, ImageAccelerator, InstanceType, SageMakerImage, Workload,
} from '../src';

const scenario = new IntegScenario('RenderedBaseImage', { region: 'us-east-1' });
const stack = scenario.stack;

const image = SageMakerImage.fromDirectory(path.join(__dirname, 'assets', 'rendered-base-image'), {
  baseImage: BaseImage.fromDeepLearningContainer({
    framework: DeepLearningFramework.PYTORCH,
    version: '2.3.0',
    workload: Workload.TRAINING,
    instanceType: InstanceType.ML_G5_2XLARGE,
  }),
  entryPoint: EntryPoint.program('train.py'),
  exclude: ['notebooks'],
});

const role = new iam.Role(stack, 'ExecutionRole', {
  assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
  description: 'Runs training jobs from the rendered image',
});
const config = image.bind(stack, { workload: Workload.TRAINING, grantee: role });

if (config.accelerator !== ImageAccelerator.NVIDIA_GPU) {
  throw new Error(`expected the accelerator inferred from the base image tag to be NVIDIA_GPU, got ${config.accelerator}`);
}

new CfnOutput(stack, 'ImageUri', { value: config.imageUri });
new CfnOutput(stack, 'Environment', { value: stack.toJsonString(config.environment) });

scenario.synth();
