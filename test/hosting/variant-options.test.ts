import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { anyImage, cpuImage, gpuImage, newStack, NEURON_URI, only } from './fixtures';
import { ModelData } from '../../src/artifacts';
import { InstanceType } from '../../src/compute/instance-type';
import { Endpoint, InferenceAmiVersion, RoutingStrategy } from '../../src/hosting';
import { SageMakerImage } from '../../src/image/sagemaker-image';

function variants(stack: any): any[] {
  return only(Template.fromStack(stack), 'AWS::SageMaker::EndpointConfig').Properties.ProductionVariants;
}

describe('uncompressed model data', () => {
  test('a model over an S3 prefix renders ModelDataSource with S3Prefix, no compression and the accepted licence', () => {
    // GIVEN
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights-bucket');
    // WHEN
    new Endpoint(stack, 'Endpoint', {
      image: gpuImage(),
      modelData: ModelData.fromS3Prefix(bucket, 'llama-3-8b/', { acceptEula: true }),
      instanceType: InstanceType.ML_G5_12XLARGE,
    });
    // THEN
    const container = only(Template.fromStack(stack), 'AWS::SageMaker::Model').Properties.PrimaryContainer;
    expect(container.ModelDataUrl).toBeUndefined();
    expect(container.ModelDataSource).toEqual({
      S3DataSource: {
        S3Uri: 's3://weights-bucket/llama-3-8b/',
        S3DataType: 'S3Prefix',
        CompressionType: 'None',
        ModelAccessConfig: { AcceptEula: true },
      },
    });
  });

  test('an archive keeps ModelDataUrl', () => {
    const stack = newStack();
    new Endpoint(stack, 'Endpoint', { image: cpuImage(), modelData: ModelData.fromS3Uri('s3://m/model.tar.gz'), instanceType: InstanceType.ML_M5_LARGE });
    const container = only(Template.fromStack(stack), 'AWS::SageMaker::Model').Properties.PrimaryContainer;
    expect(container.ModelDataUrl).toBe('s3://m/model.tar.gz');
    expect(container.ModelDataSource).toBeUndefined();
  });
});

describe('variant options', () => {
  test('renders the inference AMI version and the routing strategy', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new Endpoint(stack, 'Endpoint', {
      image: gpuImage(),
      instanceType: InstanceType.ML_G5_12XLARGE,
      inferenceAmiVersion: InferenceAmiVersion.AL2_GPU_3_1,
      routingStrategy: RoutingStrategy.LEAST_OUTSTANDING_REQUESTS,
    });
    // THEN
    expect(variants(stack)[0]).toMatchObject({
      InferenceAmiVersion: 'al2-ami-sagemaker-inference-gpu-3-1',
      RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
    });
  });

  test('renders neither when unset', () => {
    const stack = newStack();
    new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    expect(variants(stack)[0].InferenceAmiVersion).toBeUndefined();
    expect(variants(stack)[0].RoutingConfig).toBeUndefined();
  });

  test('a Neuron AMI fits an Inferentia instance', () => {
    const stack = newStack();
    new Endpoint(stack, 'Endpoint', {
      image: SageMakerImage.fromImageUri(NEURON_URI),
      instanceType: InstanceType.ML_INF2_XLARGE,
      inferenceAmiVersion: InferenceAmiVersion.AL2_NEURON_2,
    });
    expect(variants(stack)[0].InferenceAmiVersion).toBe('al2-ami-sagemaker-inference-neuron-2');
  });

  test('InferenceAmiVersion.of takes a newer version of the known shape and returns constants for known names', () => {
    expect(InferenceAmiVersion.of('al2023-ami-sagemaker-inference-gpu-5').version).toBe('al2023-ami-sagemaker-inference-gpu-5');
    expect(InferenceAmiVersion.of('al2-ami-sagemaker-inference-gpu-2')).toBe(InferenceAmiVersion.AL2_GPU_2);
  });

  test('fails for an InferenceAmiVersion.of name of another shape, listing the known versions', () => {
    expect(() => InferenceAmiVersion.of('ubuntu-22')).toThrow(
      /InferenceAmiVersion.of: version 'ubuntu-22' is not allowed; use one of al2023-ami-sagemaker-inference-gpu-4-1, .*al2-ami-sagemaker-inference-neuron-2/);
  });

  test('fails for a GPU AMI on a CPU instance and a Neuron AMI on a GPU instance, naming both', () => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new Endpoint(stack, 'Cpu', {
      image: anyImage(), instanceType: InstanceType.ML_M5_LARGE, inferenceAmiVersion: InferenceAmiVersion.AL2_GPU_2,
    })).toThrow(/inferenceAmiVersion al2-ami-sagemaker-inference-gpu-2 is not allowed with instanceType ml.m5.large \(a CPU instance type, which takes no inference AMI version\); gpu AMI versions need an NVIDIA GPU instance type/);
    expect(() => new Endpoint(stack, 'Gpu', {
      image: gpuImage(), instanceType: InstanceType.ML_G5_XLARGE, inferenceAmiVersion: InferenceAmiVersion.AL2_NEURON_2,
    })).toThrow(/inferenceAmiVersion al2-ami-sagemaker-inference-neuron-2 is not allowed with instanceType ml.g5.xlarge \(an instance type with NVIDIA_GPU accelerators\); neuron AMI versions need an Inferentia or Trainium instance type/);
  });

  test('fails for a routing strategy that is not a member (a string from another language)', () => {
    const stack = newStack();
    expect(() => new Endpoint(stack, 'Endpoint', {
      image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, routingStrategy: 'ROUND_ROBIN' as any,
    })).toThrow(/routingStrategy "ROUND_ROBIN" is not allowed; use one of LEAST_OUTSTANDING_REQUESTS, RANDOM/);
  });
});
