import { Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { newStack, only } from './fixtures';
import { InstanceType } from '../../src/compute/instance-type';
import { Endpoint, InferenceComponentEndpoint, LlmQuantization, LlmServer } from '../../src/hosting';
import { DeepLearningFramework } from '../../src/image/deep-learning-container';

describe('LlmServer.textGenerationInference', () => {
  test('serves a Hub model on ml.g5.12xlarge with SM_NUM_GPUS from the catalog, token limits and quantization', () => {
    // GIVEN
    const stack = newStack();
    const tgi = LlmServer.textGenerationInference({
      version: '3.0',
      instanceType: InstanceType.ML_G5_12XLARGE,
      modelId: 'meta-llama/Meta-Llama-3-8B-Instruct',
      maxInputTokens: 4096,
      maxTotalTokens: 8192,
      quantization: LlmQuantization.AWQ,
      modelSize: Size.gibibytes(16),
    });
    // WHEN
    new Endpoint(stack, 'Endpoint', { image: tgi.image, instanceType: tgi.instanceType });
    // THEN
    expect(tgi.environment).toEqual({
      HF_MODEL_ID: 'meta-llama/Meta-Llama-3-8B-Instruct',
      SM_NUM_GPUS: '4',
      MAX_INPUT_TOKENS: '4096',
      MAX_TOTAL_TOKENS: '8192',
      HF_MODEL_QUANTIZE: 'awq',
    });
    const container = only(Template.fromStack(stack), 'AWS::SageMaker::Model').Properties.PrimaryContainer;
    expect(container.Image).toMatch(/^763104351884\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/huggingface-pytorch-tgi-inference:2\.4\.0-tgi3\.0\.1-gpu-py311-cu124-ubuntu22\.04/);
    expect(container.Environment).toMatchObject({ HF_MODEL_ID: 'meta-llama/Meta-Llama-3-8B-Instruct', SM_NUM_GPUS: '4' });
  });

  test('reads weights from /opt/ml/model without a modelId, and shards over an inference component\'s accelerators', () => {
    const tgi = LlmServer.textGenerationInference({ version: '3.0', instanceType: InstanceType.ML_G5_12XLARGE, acceleratorCount: 2 });
    expect(tgi.environment).toEqual({ HF_MODEL_ID: '/opt/ml/model', SM_NUM_GPUS: '2' });
  });

  test('takes the Hugging Face token from Secrets Manager as a dynamic reference, not in the template', () => {
    const stack = newStack();
    const token = secretsmanager.Secret.fromSecretNameV2(stack, 'Token', 'hf-token');
    const tgi = LlmServer.textGenerationInference({
      version: '3.0', instanceType: InstanceType.ML_G5_2XLARGE, modelId: 'meta-llama/Meta-Llama-3-8B-Instruct', huggingFaceToken: token,
    });
    new Endpoint(stack, 'Endpoint', { image: tgi.image, instanceType: tgi.instanceType });
    const env = only(Template.fromStack(stack), 'AWS::SageMaker::Model').Properties.PrimaryContainer.Environment;
    expect(JSON.stringify(env.HF_TOKEN)).toMatch(/\{\{resolve:secretsmanager:.*hf-token.*:SecretString:::\}\}/);
  });

  test('fails when the declared weights exceed the accelerator memory, naming both figures', () => {
    expect(() => LlmServer.textGenerationInference({
      version: '3.0', instanceType: InstanceType.ML_G5_12XLARGE, modelId: 'meta-llama/Meta-Llama-3-70B-Instruct', modelSize: Size.gibibytes(140),
    })).toThrow(/^LlmServer.textGenerationInference: modelSize 140 GiB does not fit the accelerator memory of ml.g5.12xlarge: 4 x 24 GiB = 96 GiB; /);
  });

  test('fails for token limits, accelerator counts, Hub ids and quantization it cannot take, all at once', () => {
    expect(() => LlmServer.textGenerationInference({
      version: '3.0',
      instanceType: InstanceType.ML_G5_12XLARGE,
      modelId: 'not a hub id',
      acceleratorCount: 8,
      maxInputTokens: 8192,
      maxTotalTokens: 4096,
      quantization: 'int3' as any,
    })).toThrow(/4 problems:\n- modelId 'not a hub id' is not allowed; use a Hugging Face Hub id.*\n- acceleratorCount 8 is not allowed; use a whole number from 1 to 4\n- quantization "int3" is not allowed; use one of AWQ, GPTQ.*\n- maxInputTokens 8192 must be less than maxTotalTokens 4096/);
  });
});

describe('LlmServer.largeModelInference', () => {
  test('derives OPTION_TENSOR_PARALLEL_DEGREE from the instance catalog and reads S3 weights from /opt/ml/model', () => {
    // GIVEN / WHEN
    const lmi = LlmServer.largeModelInference({
      version: '0.33.0', instanceType: InstanceType.ML_G5_48XLARGE, maxTotalTokens: 8192, maxBatchSize: 32, quantization: LlmQuantization.FP8,
    });
    // THEN
    expect(lmi.environment).toEqual({
      OPTION_TENSOR_PARALLEL_DEGREE: '8', OPTION_MAX_MODEL_LEN: '8192', OPTION_MAX_ROLLING_BATCH_SIZE: '32', OPTION_QUANTIZE: 'fp8',
    });
    const stack = newStack();
    new Endpoint(stack, 'E', { image: lmi.image, instanceType: lmi.instanceType });
    expect(only(Template.fromStack(stack), 'AWS::SageMaker::Model').Properties.PrimaryContainer.Image).toMatch(/djl-inference:0\.33\.0-lmi/);
  });

  test('fails for a quantization LMI does not offer and a backend that is not an LMI container', () => {
    expect(() => LlmServer.largeModelInference({
      version: '0.33.0', instanceType: InstanceType.ML_G5_12XLARGE, quantization: LlmQuantization.GPTQ, backend: DeepLearningFramework.PYTORCH,
    })).toThrow(/quantization GPTQ is not allowed with LMI; use one of AWQ, FP8\n- backend "PYTORCH" is not allowed; use one of DJL_LMI, DJL_TENSORRTLLM, DJL_NEURONX/);
  });
});

describe('LlmServer.textEmbeddingsInference', () => {
  test('serves an embedding model on one GPU, or on CPU', () => {
    const gpu = LlmServer.textEmbeddingsInference({ version: '1.8', instanceType: InstanceType.ML_G5_XLARGE, modelId: 'BAAI/bge-large-en-v1.5', maxBatchTokens: 16384 });
    expect(gpu.environment).toEqual({ HF_MODEL_ID: 'BAAI/bge-large-en-v1.5', MAX_BATCH_TOKENS: '16384' });
    const stack = newStack();
    new Endpoint(stack, 'E', { image: gpu.image, instanceType: gpu.instanceType });
    expect(only(Template.fromStack(stack), 'AWS::SageMaker::Model').Properties.PrimaryContainer.Image).toMatch(/\/tei:/);
    const cpu = LlmServer.textEmbeddingsInference({ version: '1.8', instanceType: InstanceType.ML_C5_2XLARGE, modelId: 'BAAI/bge-small-en-v1.5' });
    expect(cpu.environment).toEqual({ HF_MODEL_ID: 'BAAI/bge-small-en-v1.5' });
    const cpuStack = newStack();
    new Endpoint(cpuStack, 'E', { image: cpu.image, instanceType: cpu.instanceType });
    expect(only(Template.fromStack(cpuStack), 'AWS::SageMaker::Model').Properties.PrimaryContainer.Image).toMatch(/\/tei-cpu:/);
  });

  test('fails for more than one accelerator, naming what TEI takes', () => {
    expect(() => LlmServer.textEmbeddingsInference({ version: '1.8', instanceType: InstanceType.ML_G5_12XLARGE, acceleratorCount: 2 }))
      .toThrow(/acceleratorCount 2 is not allowed: TEI serves a model on one GPU; use 1/);
  });
});

describe('presets on inference components', () => {
  test('a TGI preset sharded over a component\'s accelerators', () => {
    const stack = newStack();
    const endpoint = new InferenceComponentEndpoint(stack, 'Llms', { instanceType: InstanceType.ML_G5_12XLARGE, maxInstanceCount: 2 });
    const tgi = LlmServer.textGenerationInference({
      version: '3.0', instanceType: endpoint.instanceType, modelId: 'mistralai/Mistral-7B-Instruct-v0.3', acceleratorCount: 2,
    });
    endpoint.addInferenceComponent('Mistral', { image: tgi.image, acceleratorCount: 2, minMemory: Size.gibibytes(32) });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({ Environment: Match.objectLike({ SM_NUM_GPUS: '2' }) }),
    });
  });
});
