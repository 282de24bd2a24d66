// The CUDA generation check (compute/compatibility.ts) reached through the constructs: an image whose CUDA version
// the library knows (a Deep Learning Container) is refused on a GPU that CUDA version cannot drive.
import { App, Size, Stack } from 'aws-cdk-lib';
import {
  DeepLearningFramework, Endpoint, InferenceComponentEndpoint, InstanceType, ModelData, SageMakerImage, TrainingJob, Workload,
} from '../../src';

const ENV = { account: '123456789012', region: 'us-east-1' };

/** TGI 3.0, which the catalog gives as ...-cu124-... (chosen for an ml.g5). */
function tgi(): SageMakerImage {
  return SageMakerImage.fromDeepLearningContainer({
    framework: DeepLearningFramework.HUGGINGFACE_TGI, version: '3.0', workload: Workload.INFERENCE, instanceType: InstanceType.ML_G5_12XLARGE,
  });
}

describe('the CUDA generation of a known image', () => {
  test('is known for the TGI image these tests use', () => {
    expect(tgi().cudaVersion).toBe('12.4');
  });

  test('fails for an endpoint whose CUDA 12.4 image is put on B200 GPUs, naming the CUDA version needed', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    expect(() => new Endpoint(stack, 'Llm', {
      image: tgi(), modelData: ModelData.fromS3Uri('s3://models/model.tar.gz'), instanceType: InstanceType.ML_P6_B200_48XLARGE,
    })).toThrow(/Stack\/Llm.*ml\.p6-b200\.48xlarge.*CUDA 12\.8 or later/s);
  });

  test('lets the same image run on the GPUs it was built for', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    expect(() => new Endpoint(stack, 'Llm', {
      image: tgi(), modelData: ModelData.fromS3Uri('s3://models/model.tar.gz'), instanceType: InstanceType.ML_G5_12XLARGE,
    })).not.toThrow();
  });

  test('fails for an inference component whose CUDA 12.4 image is put on a B200 endpoint', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const endpoint = new InferenceComponentEndpoint(stack, 'Pool', { instanceType: InstanceType.ML_P6_B200_48XLARGE });
    expect(() => endpoint.addInferenceComponent('Llm', {
      image: tgi(), modelData: ModelData.fromS3Uri('s3://models/model.tar.gz'), acceleratorCount: 1, minMemory: Size.gibibytes(16),
    })).toThrow(/CUDA 12\.8 or later/);
  });

  test('fails for a training job whose CUDA 12.4 image is put on B200 GPUs', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    expect(() => new TrainingJob(stack, 'Train', {
      image: tgi(), instanceType: InstanceType.ML_P6_B200_48XLARGE,
    })).toThrow(/Stack\/Train.*CUDA 12\.8 or later/s);
  });
});
