import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr_assets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { codeDirectory, removeCodeDirectories } from './fixtures';
import { CpuArchitecture, ImageAccelerator, InstanceType, Workload } from '../../src/compute';
import { checkInstanceType } from '../../src/compute/compatibility';
import { Model } from '../../src/hosting';
import {
  BaseImage, DeepLearningContainerImageProps, DeepLearningContainerProps, DeepLearningFramework, EntryPoint, SageMakerImage,
} from '../../src/image';
import {
  chooseDeepLearningContainer, deepLearningContainerRepositoryArn, deepLearningContainerUri,
} from '../../src/image/deep-learning-container';
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
    ['PyTorch inference on Graviton (the arm64 image, -sagemaker suffix)',
      { framework: DeepLearningFramework.PYTORCH, version: '2.0.1', workload: Workload.HOSTING, instanceType: InstanceType.ML_C7G_XLARGE },
      'pytorch-inference-graviton:2.0.1-cpu-py310-ubuntu20.04-sagemaker', ImageAccelerator.CPU],
    ['Hugging Face inference on Inferentia 1 (the -neuron image, not -neuronx)',
      { framework: DeepLearningFramework.HUGGINGFACE, version: '4.12.3', workload: Workload.HOSTING, instanceType: InstanceType.ML_INF1_XLARGE },
      'huggingface-pytorch-inference-neuron:1.9.1-transformers4.12.3-neuron-py37-sdk1.17.1-ubuntu18.04', ImageAccelerator.NEURON],
    ['PyTorch 1.6 training on a P4d (the CUDA 11 suffix)',
      { framework: DeepLearningFramework.PYTORCH, version: '1.6.0', workload: Workload.TRAINING, instanceType: InstanceType.ML_P4D_24XLARGE, pythonVersion: 'py3' },
      'pytorch-training:1.6.0-gpu-py3-cu110-ubuntu18.04', ImageAccelerator.NVIDIA_GPU],
    ['MXNet inference on a GPU type',
      { framework: DeepLearningFramework.MXNET, version: '1.9.0', workload: Workload.INFERENCE, instanceType: InstanceType.ML_G4DN_XLARGE },
      'mxnet-inference:1.9.0-gpu-py38', ImageAccelerator.NVIDIA_GPU],
    ['scikit-learn training',
      { framework: DeepLearningFramework.SKLEARN, version: '1.2-1', workload: Workload.TRAINING, instanceType: InstanceType.ML_M5_XLARGE },
      'sagemaker-scikit-learn:1.2-1-cpu-py3', ImageAccelerator.CPU],
    ['XGBoost inference (one image for CPU and GPU)',
      { framework: DeepLearningFramework.XGBOOST, version: '1.7-1', workload: Workload.INFERENCE, instanceType: InstanceType.ML_G5_XLARGE },
      'sagemaker-xgboost:1.7-1', ImageAccelerator.ANY],
    ['XGBoost inference on Graviton (the SDK\'s arm64 tag)',
      { framework: DeepLearningFramework.XGBOOST, version: '1.5-1', workload: Workload.INFERENCE, instanceType: InstanceType.ML_M6G_XLARGE },
      'sagemaker-xgboost:1.5-1-arm64', ImageAccelerator.ANY],
    ['TEI on a GPU',
      { framework: DeepLearningFramework.HUGGINGFACE_TEI, version: '1.8.2', workload: Workload.INFERENCE, instanceType: InstanceType.ML_G5_XLARGE },
      'tei:2.0.1-tei1.8.2-gpu-py310-cu122-ubuntu22.04', ImageAccelerator.NVIDIA_GPU],
    ['TEI on CPU',
      { framework: DeepLearningFramework.HUGGINGFACE_TEI, version: '1.8.2', workload: Workload.INFERENCE, instanceType: InstanceType.ML_C5_2XLARGE },
      'tei-cpu:2.0.1-tei1.8.2-cpu-py310-ubuntu22.04', ImageAccelerator.CPU],
    ['DJL LMI (vLLM) on a GPU',
      { framework: DeepLearningFramework.DJL_LMI, version: '0.33.0', workload: Workload.INFERENCE, instanceType: InstanceType.ML_G6E_XLARGE },
      'djl-inference:0.33.0-lmi15.0.0-cu128', ImageAccelerator.NVIDIA_GPU],
    ['DJL TensorRT-LLM on a GPU',
      { framework: DeepLearningFramework.DJL_TENSORRTLLM, version: '0.33.0', workload: Workload.INFERENCE, instanceType: InstanceType.ML_P4D_24XLARGE },
      'djl-inference:0.33.0-tensorrtllm0.21.0-cu128', ImageAccelerator.NVIDIA_GPU],
    ['DJL on Neuron',
      { framework: DeepLearningFramework.DJL_NEURONX, version: '0.29.0', workload: Workload.INFERENCE, instanceType: InstanceType.ML_INF2_XLARGE },
      'djl-inference:0.29.0-neuronx-sdk2.19.1', ImageAccelerator.NEURON],
  ])('composes the tag for %s', (_, props, repositoryAndTag, accelerator) => {
    // WHEN
    const image = BaseImage.fromDeepLearningContainer(props);
    // THEN
    expect(image.accelerator).toBe(accelerator);
    const config = image.bind(new Stack(new App(), 'Stack', { env: { region: 'us-west-2' } }));
    // (each repository has its own registry account per region; the SDK oracle test checks them all)
    expect(config.imageUri).toMatch(/^\d{12}\.dkr\.ecr\.us-west-2\.amazonaws\.com\//);
    expect(config.imageUri.replace(/^[^/]+\//, '')).toBe(repositoryAndTag);
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
      .toThrow(/version 9.9 is not a published PYTORCH training image for CPU or GPU instances; use one of 0.4.0, .*, 2.8.0 \(or a short form: .*2.8\)/);
  });

  test('fails on a framework without images for the accelerator', () => {
    expect(() => BaseImage.fromDeepLearningContainer({
      framework: DeepLearningFramework.TENSORFLOW, version: '2.19.0', workload: Workload.HOSTING, instanceType: InstanceType.ML_INF2_XLARGE,
    })).toThrow(/framework TENSORFLOW has no inference image for instanceType ml.inf2.xlarge \(AWS Neuron \(Inferentia2 \/ Trainium\)\); it has training on CPU or GPU, inference on CPU or GPU, inference on Graviton \(arm64\)/);
  });

  test('fails on TGI for training', () => {
    expect(() => BaseImage.fromDeepLearningContainer({
      framework: DeepLearningFramework.HUGGINGFACE_TGI, version: '3.3.6', workload: Workload.TRAINING, accelerator: ImageAccelerator.NVIDIA_GPU,
    })).toThrow(/HUGGINGFACE_TGI has no training image/);
  });

  test('fails on a processor the family is not published for, with every problem at once', () => {
    expect(() => BaseImage.fromDeepLearningContainer({
      framework: DeepLearningFramework.HUGGINGFACE, version: '4.56.2', workload: Workload.TRAINING, instanceType: InstanceType.ML_M5_XLARGE, pythonVersion: '3.9',
    })).toThrow(/2 problems:\n- instanceType ml.m5.xlarge needs a 'cpu' image, but HUGGINGFACE 4.56.2 training images are published for gpu only\n- pythonVersion 3.9 is not published for HUGGINGFACE 4.56.2; use one of py312/);
  });

  test('fails on Hugging Face inference on Trainium, as the SDK does', () => {
    expect(() => BaseImage.fromDeepLearningContainer({
      framework: DeepLearningFramework.HUGGINGFACE, version: '4.55.4', workload: Workload.HOSTING, instanceType: InstanceType.ML_TRN1_2XLARGE,
    })).toThrow(/instanceType ml.trn1.2xlarge needs a 'trn' image, but HUGGINGFACE 4.55.4 inference images are published for inf only/);
  });

  test.each<[string, Partial<DeepLearningContainerProps>, RegExp]>([
    ['neither accelerator nor instance type', {}, /give accelerator \(CPU, NVIDIA_GPU or NEURON\) or instanceType/],
    ['both accelerator and instance type', { accelerator: ImageAccelerator.CPU, instanceType: InstanceType.ML_M5_LARGE }, /give accelerator or instanceType, not both/],
    ['accelerator ANY', { accelerator: ImageAccelerator.ANY }, /accelerator ANY does not choose an image/],
    ['an instance type token', { instanceType: InstanceType.of(Token.asString({ Ref: 'T' })) }, /is a token, so the image cannot be chosen from it; give accelerator instead/],
  ])('fails on %s', (_, choice, message) => {
    expect(() => BaseImage.fromDeepLearningContainer({ framework: DeepLearningFramework.PYTORCH, version: '2.8.0', workload: Workload.TRAINING, ...choice }))
      .toThrow(message);
  });
});

describe('the generated DLC catalog', () => {
  test('comes from the pinned SageMaker Python SDK', () => {
    expect(DLC_CATALOG_SDK_VERSION).toMatch(/^2\.\d+\.\d+$/);
  });

  test('covers the framework containers and the LLM servers, training and inference, CPU, Graviton, GPU and Neuron', () => {
    expect(Object.keys(DLC_CATALOG).sort()).toEqual([
      'djl-lmi/inference', 'djl-neuronx/inference', 'djl-tensorrtllm/inference',
      'huggingface-tei/inference', 'huggingface-tei/inference/cpu',
      'huggingface-tgi/inference', 'huggingface-tgi/inference/neuron',
      'huggingface/inference', 'huggingface/inference/inf1', 'huggingface/inference/neuron', 'huggingface/training', 'huggingface/training/neuron',
      'mxnet/inference', 'mxnet/training',
      'pytorch/inference', 'pytorch/inference/graviton', 'pytorch/training', 'pytorch/training/neuron',
      'sklearn/inference', 'sklearn/inference/graviton', 'sklearn/training',
      'tensorflow/inference', 'tensorflow/inference/graviton', 'tensorflow/training',
      'xgboost/inference', 'xgboost/inference/graviton', 'xgboost/training',
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

  test('holds commercial, China, GovCloud and isolated registries', () => {
    const regions = new Set(Object.values(DLC_REGISTRIES).flatMap((r) => Object.keys(r)));
    for (const region of ['us-east-1', 'eu-west-1', 'ap-northeast-1', 'cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-gov-east-1',
      'us-iso-east-1', 'us-isob-east-1', 'us-isof-south-1']) {
      expect(regions).toContain(region);
    }
  });
});

describe('Deep Learning Container choices the SDK makes (issue 14)', () => {
  const inUsEast1 = (props: DeepLearningContainerProps) => uriIn('us-east-1', props);

  test('picks the Graviton image on every Graviton family, and refuses where none exists', () => {
    for (const instanceType of [InstanceType.ML_C7G_XLARGE, InstanceType.ML_M6G_XLARGE, InstanceType.ML_R6G_XLARGE]) {
      // WHEN PyTorch 2.4.0 is hosted on Graviton
      const image = BaseImage.fromDeepLearningContainer({ framework: DeepLearningFramework.PYTORCH, version: '2.4.0', workload: Workload.HOSTING, instanceType });
      // THEN the image is the arm64 one, and says so
      expect(image.architecture).toBe(CpuArchitecture.ARM64);
      expect(image.bind(new Stack(new App(), 'S', { env: { region: 'us-east-1' } })).imageUri)
        .toMatch(/\/pytorch-inference-graviton:2.4.0-cpu-py311-ubuntu22.04-sagemaker$/);
    }
    // versions after the last Graviton image, and training, are refused rather than handed an x86 image
    expect(() => inUsEast1({ framework: DeepLearningFramework.PYTORCH, version: '2.6.0', workload: Workload.HOSTING, instanceType: InstanceType.ML_C7G_XLARGE }))
      .toThrow(/version 2.6.0 is not a published PYTORCH inference image for Graviton \(arm64\) instances; use one of 1.12.1, .*2.4.0/);
    expect(() => inUsEast1({ framework: DeepLearningFramework.TENSORFLOW, version: '2.19.0', workload: Workload.HOSTING, instanceType: InstanceType.ML_C7G_XLARGE }))
      .toThrow(/version 2.19.0 is not a published TENSORFLOW inference image for Graviton/);
    expect(() => inUsEast1({ framework: DeepLearningFramework.PYTORCH, version: '2.4.0', workload: Workload.TRAINING, instanceType: InstanceType.ML_C7G_XLARGE }))
      .toThrow(/no Graviton \(arm64\) training image/);
    expect(() => inUsEast1({ framework: DeepLearningFramework.HUGGINGFACE, version: '4.51.3', workload: Workload.HOSTING, instanceType: InstanceType.ML_C7G_XLARGE }))
      .toThrow(/framework HUGGINGFACE has no Graviton \(arm64\) image .*Graviton images are published for PYTORCH, TENSORFLOW, SKLEARN, XGBOOST/);
  });

  test('tells Inferentia 1 from Inferentia 2', () => {
    const hf = { framework: DeepLearningFramework.HUGGINGFACE, workload: Workload.HOSTING };
    expect(inUsEast1({ ...hf, version: '4.12.3', instanceType: InstanceType.ML_INF1_XLARGE })).toMatch(/huggingface-pytorch-inference-neuron:/);
    expect(inUsEast1({ ...hf, version: '4.55.4', instanceType: InstanceType.ML_INF2_XLARGE })).toMatch(/huggingface-pytorch-inference-neuronx:/);
    expect(() => inUsEast1({ ...hf, version: '4.55.4', instanceType: InstanceType.ML_INF1_XLARGE }))
      .toThrow(/version 4.55.4 is not a published HUGGINGFACE inference image for Inferentia 1 instances; use one of 4.12.3/);
  });

  test('fails on p2 for PyTorch 1.13 and TensorFlow 2.12 and later, as deprecated', () => {
    expect(() => inUsEast1({ framework: DeepLearningFramework.PYTORCH, version: '2.0', workload: Workload.TRAINING, instanceType: InstanceType.ML_P2_XLARGE }))
      .toThrow(/instanceType ml.p2.xlarge is deprecated for PYTORCH 1.13 and later \(got 2.0\)/);
    expect(() => inUsEast1({ framework: DeepLearningFramework.TENSORFLOW, version: '2.12.0', workload: Workload.TRAINING, instanceType: InstanceType.ML_P2_XLARGE }))
      .toThrow(/deprecated for TENSORFLOW 2.12 and later/);
    expect(inUsEast1({ framework: DeepLearningFramework.PYTORCH, version: '1.12.1', workload: Workload.TRAINING, instanceType: InstanceType.ML_P2_XLARGE }))
      .toMatch(/pytorch-training:1.12.1-gpu-py38$/);
  });

  test('publishes in the isolated partitions with their registry domains', () => {
    const xgboost = { framework: DeepLearningFramework.XGBOOST, version: '1.7-1', workload: Workload.TRAINING, instanceType: InstanceType.ML_M5_XLARGE };
    expect(uriIn('us-iso-east-1', xgboost)).toBe('833128469047.dkr.ecr.us-iso-east-1.c2s.ic.gov/sagemaker-xgboost:1.7-1');
    expect(uriIn('us-isob-east-1', xgboost)).toBe('281123927165.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/sagemaker-xgboost:1.7-1');
    expect(uriIn('us-isof-south-1', xgboost)).toBe('124985052026.dkr.ecr.us-isof-south-1.csp.hci.ic.gov/sagemaker-xgboost:1.7-1');
  });

  test.each([
    ['us-east-1', 'aws', '683313688378.dkr.ecr.us-east-1.amazonaws.com'],
    ['cn-north-1', 'aws-cn', '450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn'],
    ['us-gov-west-1', 'aws-us-gov', '414596584902.dkr.ecr.us-gov-west-1.amazonaws.com'],
    ['us-iso-east-1', 'aws-iso', '833128469047.dkr.ecr.us-iso-east-1.c2s.ic.gov'],
    ['us-isob-east-1', 'aws-iso-b', '281123927165.dkr.ecr.us-isob-east-1.sc2s.sgov.gov'],
    ['us-isof-south-1', 'aws-iso-f', '124985052026.dkr.ecr.us-isof-south-1.csp.hci.ic.gov'],
  ])('runs from the registry of %s and grants pull on an ARN of partition %s', (region, partition, registry) => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env: { region } });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const image = SageMakerImage.fromDeepLearningContainer({
      framework: DeepLearningFramework.XGBOOST, version: '1.7-1', workload: Workload.TRAINING, instanceType: InstanceType.ML_M5_XLARGE,
    });

    // WHEN
    const config = image.bind(stack, { workload: Workload.TRAINING, grantee: role });

    // THEN
    expect(config.imageUri).toBe(`${registry}/sagemaker-xgboost:1.7-1`);
    const account = registry.split('.')[0];
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
          Resource: `arn:${partition}:ecr:${region}:${account}:repository/sagemaker-xgboost`,
        })]),
      },
    });
  });

  test('knows the partition and DNS suffix of every region the catalog publishes in, from the oldest supported aws-cdk-lib', () => {
    // The devDependency is the peer dependency's minimum, and RegionInfo only learns regions: a region a later
    // catalog adds that this aws-cdk-lib does not know fails here, not at a user's synth.
    const regions = [...new Set(Object.values(DLC_REGISTRIES).flatMap((r) => Object.keys(r)))];
    expect(regions.filter((region) => RegionInfo.get(region).domainSuffix === undefined || RegionInfo.get(region).partition === undefined))
      .toEqual([]);
  });

  test('fails on a region aws-cdk-lib does not know, instead of guessing its registry domain', () => {
    // GIVEN a container published (as a later SDK might say) in a region the installed aws-cdk-lib does not know
    const chosen = chooseDeepLearningContainer({
      framework: DeepLearningFramework.XGBOOST, version: '1.7-1', workload: Workload.TRAINING, accelerator: ImageAccelerator.CPU,
    }, 'here');
    const later = { ...chosen, registries: { ...chosen.registries, 'xx-new-1': '123456789012' } };

    // THEN the URI and the ARN are refused, naming the region and the way out
    expect(() => deepLearningContainerUri(later, 'xx-new-1', 'here'))
      .toThrow(/^here: region xx-new-1 is not known to the installed aws-cdk-lib, .*; use a newer aws-cdk-lib, or SageMakerImage.fromImageUri/);
    expect(() => deepLearningContainerRepositoryArn(later, 'xx-new-1', 'here')).toThrow(/region xx-new-1 is not known/);
    // and a known region is unaffected
    expect(deepLearningContainerRepositoryArn(later, 'us-east-1', 'here')).toBe('arn:aws:ecr:us-east-1:683313688378:repository/sagemaker-xgboost');
  });

  test('knows the framework modules an image built on it runs', () => {
    const mxnet = (workload: Workload, version = '1.9.0') => BaseImage.fromDeepLearningContainer({
      framework: DeepLearningFramework.MXNET, version, workload, accelerator: ImageAccelerator.CPU,
    });
    expect(mxnet(Workload.TRAINING).trainingModule).toBe('sagemaker_mxnet_container.training:main');
    expect(mxnet(Workload.TRAINING).servingModule).toBeUndefined();
    expect(mxnet(Workload.HOSTING).servingModule).toBe('sagemaker_mxnet_serving_container.serving:main');
    expect(mxnet(Workload.HOSTING, '1.3.0').servingModule).toBe('sagemaker_mxnet_container.serving:main');
    const sklearn = BaseImage.fromDeepLearningContainer({ framework: DeepLearningFramework.SKLEARN, version: '1.2-1', workload: Workload.INFERENCE, accelerator: ImageAccelerator.CPU });
    expect(sklearn.servingModule).toBe('sagemaker_sklearn_container.serving:main');
    const tgi = BaseImage.fromDeepLearningContainer({ framework: DeepLearningFramework.HUGGINGFACE_TGI, version: '3.3.6', workload: Workload.INFERENCE, accelerator: ImageAccelerator.NVIDIA_GPU });
    expect(tgi.servingModule).toBeUndefined();
  });

  test('fails on a DJL server on an instance without its accelerator', () => {
    expect(() => inUsEast1({ framework: DeepLearningFramework.DJL_LMI, version: '0.33.0', workload: Workload.INFERENCE, instanceType: InstanceType.ML_M5_XLARGE }))
      .toThrow(/instanceType ml.m5.xlarge has no NVIDIA GPU, but DJL_LMI images need one/);
    expect(() => inUsEast1({ framework: DeepLearningFramework.DJL_NEURONX, version: '0.29.0', workload: Workload.INFERENCE, instanceType: InstanceType.ML_G5_XLARGE }))
      .toThrow(/framework DJL_NEURONX needs AWS Neuron devices/);
  });
});

describe('Deep Learning Container inputs from other languages', () => {
  const valid = { framework: DeepLearningFramework.PYTORCH, version: '2.8.0', workload: Workload.TRAINING, accelerator: ImageAccelerator.NVIDIA_GPU };
  const fromJs = (props: object) => () => BaseImage.fromDeepLearningContainer(props as DeepLearningContainerProps);

  test.each<[string, object, RegExp]>([
    ['a framework that is not a member', { framework: 'pytorch' },
      /framework "pytorch" is not allowed; use one of PYTORCH, TENSORFLOW, MXNET, SKLEARN, XGBOOST, HUGGINGFACE, HUGGINGFACE_TGI, HUGGINGFACE_TEI, DJL_LMI, DJL_TENSORRTLLM, DJL_NEURONX/],
    ['a workload that is not a member', { workload: 'training' }, /workload "training" is not allowed; use one of TRAINING, HOSTING, PROCESSING, TRANSFORM, INFERENCE/],
    ['a missing workload', { workload: undefined }, /workload is required; use one of TRAINING, HOSTING/],
    ['an accelerator that is not a member', { accelerator: 'gpu' }, /accelerator "gpu" is not allowed; use one of ANY, CPU, NVIDIA_GPU, NEURON/],
    ['an instance type given as a string', { accelerator: undefined, instanceType: 'ml.g5.xlarge' },
      /instanceType 'ml.g5.xlarge' is a string; use InstanceType.of\('ml.g5.xlarge'\)/],
    ['a version that is not a string', { version: 2.8 }, /version 2.8 is not allowed; use the framework version as a string/],
  ])('fails on %s, naming the value and what is allowed', (_, change, message) => {
    expect(fromJs({ ...valid, ...change })).toThrow(message);
  });

  test('fails on every wrong input at once', () => {
    expect(fromJs({ ...valid, framework: 'pytorch', workload: 'training', accelerator: 'gpu' }))
      .toThrow(/BaseImage.fromDeepLearningContainer: 3 problems:\n- framework "pytorch" .*\n- workload "training" .*\n- accelerator "gpu"/);
  });
});

describe('SageMakerImage.fromDeepLearningContainer', () => {
  const tgiProps: DeepLearningContainerImageProps = {
    framework: DeepLearningFramework.HUGGINGFACE_TGI, version: '3.0', workload: Workload.INFERENCE, instanceType: InstanceType.ML_G5_12XLARGE,
  };

  test('serves a container as it is: the URI for the stack\'s region, the accelerator from the instance type, pull on the one repository', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env: { region: 'eu-west-1' } });
    const tgi = SageMakerImage.fromDeepLearningContainer({ ...tgiProps, environment: { HF_MODEL_ID: 'meta-llama/Llama-3.1-8B' } });

    // WHEN
    new Model(stack, 'Model', { image: tgi });

    // THEN
    expect(tgi.accelerator).toBe(ImageAccelerator.NVIDIA_GPU);
    expect(tgi.architecture).toBe(CpuArchitecture.X86_64);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: {
        Image: '763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi3.0.1-gpu-py311-cu124-ubuntu22.04-v2.1',
        Environment: Match.objectLike({ HF_MODEL_ID: 'meta-llama/Llama-3.1-8B' }),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
          Resource: 'arn:aws:ecr:eu-west-1:763104351884:repository/huggingface-pytorch-tgi-inference',
        })]),
      },
    });
    // no image is built
    expect(Object.keys(template.findResources('AWS::ECR::Repository'))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('cdk-hnb659fds-container-assets');
  });

  test('runs a framework container with the user\'s entry point', () => {
    const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1' } });
    const image = SageMakerImage.fromDeepLearningContainer({
      framework: DeepLearningFramework.PYTORCH,
      version: '2.8.0',
      workload: Workload.TRAINING,
      instanceType: InstanceType.ML_G5_2XLARGE,
      entryPoint: EntryPoint.program('train.py'),
    });
    const config = image.bind(stack, { workload: Workload.TRAINING, grantee: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }) });
    expect(config.imageUri).toBe('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.8.0-gpu-py312');
    expect(config.environment).toEqual(expect.objectContaining({ SAGEMAKER_PROGRAM: 'train.py' }));
  });

  test('fails when an inference image is bound to a training job', () => {
    const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1' } });
    const image = SageMakerImage.fromDeepLearningContainer(tgiProps);
    const grantee = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    expect(() => image.bind(stack, { workload: Workload.TRAINING, grantee }))
      .toThrow(/huggingface-pytorch-tgi-inference:.* is a inference image \(workload INFERENCE\) but is bound to TRAINING; choose it with workload TRAINING/);
  });

  test('fails on an entry-point variable in the environment, and on a stack without a region', () => {
    expect(() => SageMakerImage.fromDeepLearningContainer({ ...tgiProps, environment: { SAGEMAKER_PROGRAM: 'x.py' } }))
      .toThrow(/SageMakerImage.fromDeepLearningContainer: environment sets SAGEMAKER_PROGRAM/);
    const image = SageMakerImage.fromDeepLearningContainer(tgiProps);
    const stack = new Stack(new App(), 'Agnostic');
    const grantee = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    expect(() => image.bind(stack, { workload: Workload.HOSTING, grantee })).toThrow(/stack Agnostic has no concrete region/);
  });

  test('fails on wrong inputs with the factory\'s name', () => {
    expect(() => SageMakerImage.fromDeepLearningContainer({ ...tgiProps, framework: 'tgi' as DeepLearningFramework }))
      .toThrow(/SageMakerImage.fromDeepLearningContainer: framework "tgi" is not allowed; use one of PYTORCH/);
  });
});

describe('an image built FROM a Deep Learning Container', () => {
  afterAll(removeCodeDirectories);

  /** Synthesizes the image in a stack of the region and returns the rendered Dockerfile. */
  function renderedDockerfile(image: SageMakerImage, workload: Workload): string {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { region: 'us-east-1' } });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    image.bind(stack, { workload, grantee: role });
    const assembly = app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'S.assets.json'), 'utf8'));
    const [source] = Object.values(manifest.dockerImages).map((d: any) => d.source.directory);
    return fs.readFileSync(path.join(assembly.directory, source as string, 'Dockerfile'), 'utf8');
  }

  test('says which framework module runs: the training module beside the program, the serving module of an inference base', () => {
    // GIVEN an MXNet training image and a scikit-learn inference image, each with a program
    const training = SageMakerImage.fromDirectory(codeDirectory({ 'train.py': 'print(1)\n' }), {
      baseImage: BaseImage.fromDeepLearningContainer({ framework: DeepLearningFramework.MXNET, version: '1.9.0', workload: Workload.TRAINING, accelerator: ImageAccelerator.CPU }),
      entryPoint: EntryPoint.program('train.py'),
    });
    const serving = SageMakerImage.fromDirectory(codeDirectory({ 'inference.py': 'def model_fn(d): pass\n' }), {
      baseImage: BaseImage.fromDeepLearningContainer({ framework: DeepLearningFramework.MXNET, version: '1.9.0', workload: Workload.INFERENCE, accelerator: ImageAccelerator.CPU }),
      entryPoint: EntryPoint.program('inference.py'),
    });

    // THEN the rendered Dockerfiles name the module next to the program
    const trainingDockerfile = renderedDockerfile(training, Workload.TRAINING);
    expect(trainingDockerfile).toMatch(/^FROM 763104351884\.dkr\.ecr\.us-east-1\.amazonaws\.com\/mxnet-training:1\.9\.0-cpu-py38$/m);
    expect(trainingDockerfile).toContain('ENV SAGEMAKER_TRAINING_MODULE="sagemaker_mxnet_container.training:main"');
    expect(trainingDockerfile).toContain('ENV SAGEMAKER_PROGRAM="train.py"');
    const servingDockerfile = renderedDockerfile(serving, Workload.HOSTING);
    expect(servingDockerfile).toContain('ENV SAGEMAKER_SERVING_MODULE="sagemaker_mxnet_serving_container.serving:main"');
  });

  test('keeps the entry point\'s own training module', () => {
    const image = SageMakerImage.fromDirectory(codeDirectory({ 'train.py': 'print(1)\n' }), {
      baseImage: BaseImage.fromDeepLearningContainer({ framework: DeepLearningFramework.PYTORCH, version: '2.8.0', workload: Workload.TRAINING, accelerator: ImageAccelerator.CPU }),
      entryPoint: EntryPoint.program('train.py', { trainingModule: 'my_pkg.launch:main' }),
    });
    const dockerfile = renderedDockerfile(image, Workload.TRAINING);
    expect(dockerfile).toContain('ENV SAGEMAKER_TRAINING_MODULE="my_pkg.launch:main"');
    expect(dockerfile).not.toContain('sagemaker_pytorch_container');
  });

  test('fails on a Graviton base built for x86', () => {
    // GIVEN the arm64 PyTorch inference image as the base, and the default platform (linux/amd64)
    const baseImage = BaseImage.fromDeepLearningContainer({ framework: DeepLearningFramework.PYTORCH, version: '2.4.0', workload: Workload.HOSTING, instanceType: InstanceType.ML_C7G_XLARGE });
    // THEN the build is refused before it fails
    expect(() => SageMakerImage.fromDirectory(codeDirectory({ 'inference.py': 'def model_fn(d): pass\n' }), { baseImage, entryPoint: EntryPoint.program('inference.py') }))
      .toThrow(/baseImage is built for arm64 but platform is 'linux\/amd64'; set platform Platform.LINUX_ARM64/);
    expect(() => SageMakerImage.fromDirectory(codeDirectory({ 'inference.py': 'def model_fn(d): pass\n' }), {
      baseImage, entryPoint: EntryPoint.program('inference.py'), platform: ecr_assets.Platform.LINUX_ARM64,
    })).not.toThrow();
  });
});

describe('the CUDA version a Deep Learning Container needs', () => {
  const role = (stack: Stack) => new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const tgi: DeepLearningContainerImageProps = {
    framework: DeepLearningFramework.HUGGINGFACE_TGI, version: '3.0', workload: Workload.INFERENCE, instanceType: InstanceType.ML_G5_12XLARGE,
  };

  test('is exposed by SageMakerImage.fromDeepLearningContainer, on the image and in its bind config', () => {
    // GIVEN the TGI image, tagged ...-cu124-...
    const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1' } });
    const image = SageMakerImage.fromDeepLearningContainer(tgi);

    // WHEN
    const config = image.bind(stack, { workload: Workload.HOSTING, grantee: role(stack) });

    // THEN
    expect(config.imageUri).toMatch(/-cu124-/);
    expect(image.cudaVersion).toBe('12.4');
    expect(config.cudaVersion).toBe('12.4');
  });

  test('is unknown where the tag names none, and for images the library did not choose', () => {
    const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1' } });
    const pytorch = SageMakerImage.fromDeepLearningContainer({ ...PYTORCH_GPU_TRAINING });
    expect(pytorch.bind(stack, { workload: Workload.TRAINING, grantee: role(stack) }).imageUri).toMatch(/pytorch-training:2.8.0-gpu-py312$/);
    expect(pytorch.cudaVersion).toBeUndefined();
    expect(SageMakerImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1-cu124').cudaVersion).toBeUndefined();
  });

  test('is carried by BaseImage.fromDeepLearningContainer into an image rendered FROM it', () => {
    // GIVEN a Hugging Face training base tagged ...-cu129-...
    const base = BaseImage.fromDeepLearningContainer({
      framework: DeepLearningFramework.HUGGINGFACE, version: '4.56.2', workload: Workload.TRAINING, instanceType: InstanceType.ML_P4D_24XLARGE,
    });
    const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1' } });

    // WHEN an image is rendered from it, and another from a base of unknown CUDA
    const image = SageMakerImage.fromDirectory(codeDirectory({ 'train.py': 'x' }), { baseImage: base, entryPoint: EntryPoint.program('train.py') });
    const plain = SageMakerImage.fromDirectory(codeDirectory({ 'train.py': 'x' }), {
      baseImage: BaseImage.fromRegistry('python:3.11'), entryPoint: EntryPoint.program('train.py'),
    });

    // THEN
    expect(base.cudaVersion).toBe('12.9');
    expect(image.cudaVersion).toBe('12.9');
    expect(image.bind(stack, { workload: Workload.TRAINING, grantee: role(stack) }).cudaVersion).toBe('12.9');
    expect(plain.cudaVersion).toBeUndefined();
  });

  test('fails the instance check on a GPU generation its CUDA does not support', () => {
    // GIVEN a CUDA 13 server image (DJL LMI 0.36.0, ...-cu130); CUDA 13 builds nothing older than compute capability 7.5
    const lmi = SageMakerImage.fromDeepLearningContainer({
      framework: DeepLearningFramework.DJL_LMI, version: '0.36.0', workload: Workload.INFERENCE, accelerator: ImageAccelerator.NVIDIA_GPU,
    });
    expect(lmi.cudaVersion).toBe('13.0');
    const check = (instanceType: InstanceType) => () => checkInstanceType(new Stack(), {
      instanceType,
      workload: Workload.HOSTING,
      imageAccelerator: lmi.accelerator,
      imageArchitecture: lmi.architecture,
      imageCudaVersion: lmi.cudaVersion,
    });

    // THEN a V100 (7.0) is refused, naming the CUDA version, and an A10G is accepted
    expect(check(InstanceType.ML_P3_2XLARGE)).toThrow(/instanceType ml.p3.2xlarge cannot run the image: CUDA 13.0 no longer supports the V100/);
    expect(check(InstanceType.ML_G5_2XLARGE)).not.toThrow();
  });
});

describe('Deep Learning Container fixes the SDK oracle found', () => {
  test('names the CUDA 11 base of the old Hugging Face GPU training images, as the estimator does', () => {
    expect(uriIn('us-east-1', { framework: DeepLearningFramework.HUGGINGFACE, version: '4.4.2', workload: Workload.TRAINING, instanceType: InstanceType.ML_G5_XLARGE }))
      .toBe('763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04');
  });

  test('fails on an arm64 GPU host instead of handing it a CPU Graviton image', () => {
    expect(() => uriIn('us-east-1', { framework: DeepLearningFramework.PYTORCH, version: '2.4.0', workload: Workload.INFERENCE, instanceType: InstanceType.of('ml.p6e-gb200.36xlarge') }))
      .toThrow(/has no arm64 GPU image for instanceType ml.p6e-gb200.\*/);
  });

  test('fails on LMI on Neuron, pointing to DJL_NEURONX', () => {
    expect(() => uriIn('us-east-1', { framework: DeepLearningFramework.DJL_LMI, version: '0.33.0', workload: Workload.INFERENCE, instanceType: InstanceType.ML_INF2_XLARGE }))
      .toThrow(/framework DJL_LMI needs NVIDIA GPUs, .* or DJL_NEURONX for Inferentia2 \/ Trainium/);
  });
});

describe('image options from other languages', () => {
  afterAll(removeCodeDirectories);
  const uri = '123456789012.dkr.ecr.us-east-1.amazonaws.com/base:1';

  test.each<[string, () => unknown, RegExp]>([
    ['BaseImage.fromRegistry, accelerator', () => BaseImage.fromRegistry(uri, { accelerator: 'gpu' as ImageAccelerator }),
      /BaseImage.fromRegistry: accelerator "gpu" is not allowed; use one of ANY, CPU, NVIDIA_GPU, NEURON/],
    ['SageMakerImage.fromImageUri, accelerator and architecture',
      () => SageMakerImage.fromImageUri(uri, { accelerator: 'GPU' as ImageAccelerator, architecture: 'arm' as CpuArchitecture }),
      /SageMakerImage.fromImageUri: 2 problems:\n- accelerator "GPU" is not allowed; use one of ANY, CPU, NVIDIA_GPU, NEURON\n- architecture "arm" is not allowed; use one of x86_64, arm64/],
    ['SageMakerImage.fromDirectory, accelerator',
      () => SageMakerImage.fromDirectory(codeDirectory({ 'train.py': 'print(1)\n' }), {
        baseImage: BaseImage.fromRegistry(uri), entryPoint: EntryPoint.program('train.py'), accelerator: 'neuron' as ImageAccelerator,
      }),
      /accelerator "neuron" is not allowed; use one of ANY, CPU, NVIDIA_GPU, NEURON/],
  ])('%s: fails on a value that is not a member', (_, make, message) => {
    expect(make).toThrow(message);
  });
});
