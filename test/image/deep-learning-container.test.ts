import { App, Stack, Token } from 'aws-cdk-lib';
import { ImageAccelerator, InstanceType, Workload } from '../../src/compute';
import { BaseImage, DeepLearningContainerProps, DeepLearningFramework } from '../../src/image';
import { DLC_CATALOG, DLC_CATALOG_SDK_VERSION, DLC_REGISTRIES } from '../../src/image/dlc-catalog.generated';

function uriIn(region: string, props: DeepLearningContainerProps): string {
  const stack = new Stack(new App(), 'Stack', { env: { region } });
  return BaseImage.fromDeepLearningContainer(props).bind(stack).imageUri;
}

const PYTORCH_GPU_TRAINING: DeepLearningContainerProps = {
  framework: DeepLearningFramework.PYTORCH, version: '2.8.0', workload: Workload.TRAINING, instanceType: InstanceType.ML_G5_2XLARGE,
};

describe('BaseImage.fromDeepLearningContainer', () => {
  test.each([
    ['us-east-1', '763104351884.dkr.ecr.us-east-1.amazonaws.com'],
    ['eu-west-1', '763104351884.dkr.ecr.eu-west-1.amazonaws.com'],
    ['cn-north-1', '727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn'],
    ['us-gov-west-1', '442386744353.dkr.ecr.us-gov-west-1.amazonaws.com'],
    ['af-south-1', '626614931356.dkr.ecr.af-south-1.amazonaws.com'],
  ])('picks the registry of %s', (region, registry) => {
    expect(uriIn(region, PYTORCH_GPU_TRAINING)).toBe(`${registry}/pytorch-training:2.8.0-gpu-py312`);
  });

  test.each<[string, DeepLearningContainerProps, string, ImageAccelerator]>([
    ['PyTorch training on a GPU type', PYTORCH_GPU_TRAINING, 'pytorch-training:2.8.0-gpu-py312', ImageAccelerator.NVIDIA_GPU],
    ['PyTorch inference on a CPU type, by its short version',
      { framework: DeepLearningFramework.PYTORCH, version: '2.6', workload: Workload.HOSTING, instanceType: InstanceType.ML_M5_XLARGE },
      'pytorch-inference:2.6-cpu-py312', ImageAccelerator.CPU],
    ['PyTorch processing on the training image, by accelerator',
      { framework: DeepLearningFramework.PYTORCH, version: '2.3.0', workload: Workload.PROCESSING, accelerator: ImageAccelerator.CPU },
      'pytorch-training:2.3.0-cpu-py311', ImageAccelerator.CPU],
    ['PyTorch training on Trainium',
      { framework: DeepLearningFramework.PYTORCH, version: '1.11.0', workload: Workload.TRAINING, instanceType: InstanceType.ML_TRN1_32XLARGE },
      'pytorch-training-neuron:1.11.0-neuron-py38-sdk2.4.0-ubuntu20.04', ImageAccelerator.NEURON],
    ['TensorFlow inference (no Python in the tag) for batch transform on a P3',
      { framework: DeepLearningFramework.TENSORFLOW, version: '2.19.0', workload: Workload.TRANSFORM, instanceType: InstanceType.ML_P3_2XLARGE },
      'tensorflow-inference:2.19.0-gpu', ImageAccelerator.NVIDIA_GPU],
    ['TensorFlow training on a CPU type',
      { framework: DeepLearningFramework.TENSORFLOW, version: '2.19.0', workload: Workload.TRAINING, instanceType: InstanceType.ML_C5_XLARGE },
      'tensorflow-training:2.19.0-cpu-py312', ImageAccelerator.CPU],
    ['Hugging Face training on a P4d',
      { framework: DeepLearningFramework.HUGGINGFACE, version: '4.56.2', workload: Workload.TRAINING, instanceType: InstanceType.ML_P4D_24XLARGE },
      'huggingface-pytorch-training:2.8.0-transformers4.56.2-gpu-py312-cu129-ubuntu22.04', ImageAccelerator.NVIDIA_GPU],
    ['Hugging Face inference on CPU',
      { framework: DeepLearningFramework.HUGGINGFACE, version: '4.51.3', workload: Workload.HOSTING, accelerator: ImageAccelerator.CPU },
      'huggingface-pytorch-inference:2.6.0-transformers4.51.3-cpu-py312-ubuntu22.04', ImageAccelerator.CPU],
    ['Hugging Face inference on Inferentia2, by its short version',
      { framework: DeepLearningFramework.HUGGINGFACE, version: '4.55', workload: Workload.HOSTING, instanceType: InstanceType.ML_INF2_XLARGE },
      'huggingface-pytorch-inference-neuronx:2.7.1-transformers4.55.4-neuronx-py310-sdk2.26.0-ubuntu22.04', ImageAccelerator.NEURON],
    ['Hugging Face training on Trainium',
      { framework: DeepLearningFramework.HUGGINGFACE, version: '4.55.4', workload: Workload.TRAINING, accelerator: ImageAccelerator.NEURON },
      'huggingface-pytorch-training-neuronx:2.7.0-transformers4.55.4-neuronx-py310-sdk2.26.0-ubuntu22.04', ImageAccelerator.NEURON],
    ['TGI on an L40S',
      { framework: DeepLearningFramework.HUGGINGFACE_TGI, version: '3.3.6', workload: Workload.HOSTING, instanceType: InstanceType.ML_G6E_XLARGE },
      'huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04', ImageAccelerator.NVIDIA_GPU],
    ['TGI on Inferentia2',
      { framework: DeepLearningFramework.HUGGINGFACE_TGI, version: '0.3.0', workload: Workload.HOSTING, instanceType: InstanceType.ML_INF2_24XLARGE },
      'huggingface-pytorch-tgi-inference:2.7.0-optimum3.3.6-neuronx-py310-ubuntu22.04', ImageAccelerator.NEURON],
  ])('composes the tag for %s', (_, props, repositoryAndTag, accelerator) => {
    // WHEN
    const image = BaseImage.fromDeepLearningContainer(props);
    // THEN
    expect(image.accelerator).toBe(accelerator);
    const config = image.bind(new Stack(new App(), 'Stack', { env: { region: 'us-west-2' } }));
    expect(config.imageUri).toBe(`763104351884.dkr.ecr.us-west-2.amazonaws.com/${repositoryAndTag}`);
    expect(config.accelerator).toBe(accelerator);
  });

  test('picks an older Python version when asked, in either spelling', () => {
    const props = { framework: DeepLearningFramework.PYTORCH, version: '1.8.1', workload: Workload.TRAINING, accelerator: ImageAccelerator.NVIDIA_GPU };
    expect(uriIn('us-east-1', { ...props, pythonVersion: '3.6' })).toMatch(/pytorch-training:1.8.1-gpu-py36$/);
    expect(uriIn('us-east-1', { ...props, pythonVersion: 'py3' })).toMatch(/pytorch-training:1.8.1-gpu-py3$/);
    expect(uriIn('us-east-1', props)).toMatch(/pytorch-training:1.8.1-gpu-py36$/);
  });

  test('fails in a stack without a concrete region', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const image = BaseImage.fromDeepLearningContainer(PYTORCH_GPU_TRAINING);
    expect(() => image.bind(stack)).toThrow(/stack Agnostic has no concrete region; give the stack one \(env: \{ region/);
  });

  test('fails in a region the image is not published in, listing those it is', () => {
    expect(() => uriIn('cn-north-1', { framework: DeepLearningFramework.PYTORCH, version: '1.11.0', workload: Workload.TRAINING, accelerator: ImageAccelerator.NEURON }))
      .toThrow(/pytorch-training-neuron:1.11.0-neuron-py38-sdk2.4.0-ubuntu20.04 is not published in region cn-north-1 .*it is in .*us-east-1/);
  });

  test('fails on an unknown version, listing the published ones', () => {
    expect(() => BaseImage.fromDeepLearningContainer({ ...PYTORCH_GPU_TRAINING, version: '9.9' }))
      .toThrow(/version 9.9 is not a published PYTORCH training image; use one of 0.4.0, .*, 2.8.0 \(or a short form: .*2.8\)/);
  });

  test('fails on a framework without images for the accelerator', () => {
    expect(() => BaseImage.fromDeepLearningContainer({
      framework: DeepLearningFramework.TENSORFLOW, version: '2.19.0', workload: Workload.HOSTING, instanceType: InstanceType.ML_INF2_XLARGE,
    })).toThrow(/framework TENSORFLOW has no inference image for AWS Neuron \(Inferentia\/Trainium\) instances; it has training on CPU\/GPU, inference on CPU\/GPU/);
  });

  test('fails on TGI for training', () => {
    expect(() => BaseImage.fromDeepLearningContainer({
      framework: DeepLearningFramework.HUGGINGFACE_TGI, version: '3.3.6', workload: Workload.TRAINING, accelerator: ImageAccelerator.NVIDIA_GPU,
    })).toThrow(/HUGGINGFACE_TGI has no training image/);
  });

  test('fails on a processor the family is not published for, with every problem at once', () => {
    expect(() => BaseImage.fromDeepLearningContainer({
      framework: DeepLearningFramework.HUGGINGFACE, version: '4.56.2', workload: Workload.TRAINING, instanceType: InstanceType.ML_M5_XLARGE, pythonVersion: '3.9',
    })).toThrow(/instanceType ml.m5.xlarge needs a 'cpu' image, but HUGGINGFACE training images are published for gpu only\npythonVersion 3.9 is not published for HUGGINGFACE 4.56.2; use one of py312/);
  });

  test('fails on Hugging Face inference on Trainium, as the SDK does', () => {
    expect(() => BaseImage.fromDeepLearningContainer({
      framework: DeepLearningFramework.HUGGINGFACE, version: '4.55.4', workload: Workload.HOSTING, instanceType: InstanceType.ML_TRN1_2XLARGE,
    })).toThrow(/instanceType ml.trn1.2xlarge needs a 'trn' image, but HUGGINGFACE inference images are published for inf only/);
  });

  test.each<[string, Partial<DeepLearningContainerProps>, RegExp]>([
    ['neither accelerator nor instance type', {}, /give accelerator \(CPU, NVIDIA_GPU or NEURON\) or instanceType/],
    ['both accelerator and instance type', { accelerator: ImageAccelerator.CPU, instanceType: InstanceType.ML_M5_LARGE }, /give accelerator or instanceType, not both/],
    ['accelerator ANY', { accelerator: ImageAccelerator.ANY }, /accelerator ANY does not choose an image/],
    ['an instance type token', { instanceType: InstanceType.of(Token.asString({ Ref: 'T' })) }, /is a token, so the image's processor cannot be chosen from it/],
  ])('fails on %s', (_, choice, message) => {
    expect(() => BaseImage.fromDeepLearningContainer({ framework: DeepLearningFramework.PYTORCH, version: '2.8.0', workload: Workload.TRAINING, ...choice }))
      .toThrow(message);
  });
});

describe('the generated DLC catalog', () => {
  test('comes from the pinned SageMaker Python SDK', () => {
    expect(DLC_CATALOG_SDK_VERSION).toMatch(/^2\.\d+\.\d+$/);
  });

  test('covers PyTorch, TensorFlow, Hugging Face and TGI, training and inference', () => {
    expect(Object.keys(DLC_CATALOG).sort()).toEqual([
      'huggingface-tgi/inference', 'huggingface-tgi/inference/neuron',
      'huggingface/inference', 'huggingface/inference/neuron', 'huggingface/training', 'huggingface/training/neuron',
      'pytorch/inference', 'pytorch/training', 'pytorch/training/neuron',
      'tensorflow/inference', 'tensorflow/training',
    ]);
    for (const family of Object.values(DLC_CATALOG)) {
      expect(Object.keys(family.versions).length).toBeGreaterThan(0);
      for (const alias of Object.values(family.versionAliases)) {
        expect(Object.keys(family.versions)).toContain(alias);
      }
      for (const version of Object.values(family.versions)) {
        expect(DLC_REGISTRIES[version.registries]).toBeDefined();
      }
    }
  });

  test('holds commercial, China and GovCloud registries, and no isolated regions', () => {
    const regions = new Set(Object.values(DLC_REGISTRIES).flatMap((r) => Object.keys(r)));
    for (const region of ['us-east-1', 'eu-west-1', 'ap-northeast-1', 'cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-gov-east-1']) {
      expect(regions).toContain(region);
    }
    expect([...regions].filter((r) => r.startsWith('us-iso'))).toEqual([]);
  });
});
