/**
 * The benchmark apps written with this library: train-and-endpoint pairs, and endpoints alone.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { TRAIN_IMAGE_URI, SERVE_IMAGE_URI, MODEL_BUCKET, modelKey } from './common';
import { ModelData } from '../../src/artifacts';
import { InstanceType } from '../../src/compute';
import { Endpoint } from '../../src/hosting';
import { EntryPoint, SageMakerImage } from '../../src/image';
import { TrainingJob } from '../../src/training';

/** Pair `i`: a training job on a prebuilt image, and a real-time endpoint serving what it trained. */
export function oursPair(stack: Stack, i: number): void {
  const job = new TrainingJob(stack, `Train${i}`, {
    image: SageMakerImage.fromImageUri(TRAIN_IMAGE_URI, { entryPoint: EntryPoint.program('train.py') }),
    instanceType: InstanceType.ML_M5_XLARGE,
    hyperparameters: { epochs: '10', pair: String(i) },
    maxRuntime: Duration.hours(2),
  });
  new Endpoint(stack, `Endpoint${i}`, {
    image: SageMakerImage.fromImageUri(SERVE_IMAGE_URI, { entryPoint: EntryPoint.program('inference.py') }),
    modelData: job.modelData,
    instanceType: InstanceType.ML_M5_XLARGE,
    initialInstanceCount: 1,
  });
}

/**
 * Endpoint `i` alone: a model archive already in S3, served on a real-time endpoint. The archive is named by
 * its URI (the library derives the read grant from it), as the raw-L1 app names it; the alpha module's API
 * needs an imported bucket.
 */
export function oursHosting(stack: Stack, i: number): void {
  new Endpoint(stack, `Endpoint${i}`, {
    image: SageMakerImage.fromImageUri(SERVE_IMAGE_URI, { entryPoint: EntryPoint.program('inference.py') }),
    modelData: ModelData.fromS3Uri(`s3://${MODEL_BUCKET}/${modelKey(i)}`),
    instanceType: InstanceType.ML_M5_XLARGE,
    initialInstanceCount: 1,
  });
}
