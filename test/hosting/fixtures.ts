import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ModelData } from '../../src/artifacts';
import { ImageAccelerator } from '../../src/compute/accelerator';
import { EntryPoint } from '../../src/image/entry-point';
import { SageMakerImage } from '../../src/image/sagemaker-image';

export const CPU_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1.0-cpu';
export const GPU_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:2.1-gpu-py310';
export const NEURON_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:2.1-neuronx';

export function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' } });
}

/** A CPU serving image whose entry point is a program (inference toolkit style). */
export function cpuImage(): SageMakerImage {
  return SageMakerImage.fromImageUri(CPU_URI, { entryPoint: EntryPoint.program('inference.py') });
}

/** A GPU serving image whose entry point is a legacy serving module. */
export function gpuImage(): SageMakerImage {
  return SageMakerImage.fromImageUri(GPU_URI, { entryPoint: EntryPoint.servingModule('my_pkg.serving:app') });
}

/** An image that runs anywhere (no accelerator in its tag) with no entry point. */
export function anyImage(): SageMakerImage {
  return SageMakerImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1.0', { accelerator: ImageAccelerator.ANY });
}

export const MODEL_DATA = ModelData.fromS3Uri('s3://models/model.tar.gz');

/** The resource of a type, asserting there is exactly one. */
export function only(template: Template, type: string): any {
  const found = Object.values(template.findResources(type));
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, found ${found.length}`);
  }
  return found[0];
}
