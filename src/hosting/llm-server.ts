import { Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AcceleratorKind, Workload } from '../compute/accelerator';
import { InstanceType } from '../compute/instance-type';
import { DeepLearningFramework } from '../image/deep-learning-container';
import { SageMakerImage } from '../image/sagemaker-image';
import { checkInteger, checkMember, checkString, Problems } from '../private/validation';

/**
 * How a large-model server quantizes the weights it loads. Each server accepts only some of these.
 */
export enum LlmQuantization {
  /** AWQ 4-bit weights (TGI `awq`, LMI `awq`). */
  AWQ = 'AWQ',
  /** GPTQ weights (TGI `gptq`). */
  GPTQ = 'GPTQ',
  /** bitsandbytes 8-bit, loaded on the fly (TGI `bitsandbytes`). */
  BITSANDBYTES = 'BITSANDBYTES',
  /** bitsandbytes 4-bit NF4 (TGI `bitsandbytes-nf4`). */
  BITSANDBYTES_NF4 = 'BITSANDBYTES_NF4',
  /** EETQ 8-bit (TGI `eetq`). */
  EETQ = 'EETQ',
  /** FP8 (TGI `fp8`, LMI `fp8`); needs GPUs with FP8 support (L4, L40S, H100 ...). */
  FP8 = 'FP8',
}

/**
 * Options every LLM server preset takes.
 */
export interface LlmServerOptions {
  /**
   * The server version, as the SageMaker Python SDK names it (TGI `3.0`, `3.3.6`; TEI `1.8`; DJL LMI `0.33.0`).
   */
  readonly version: string;

  /**
   * The instance type the server runs on: it chooses the image (GPU or Neuron) and the parallelism.
   */
  readonly instanceType: InstanceType;

  /**
   * The Hugging Face Hub model the server downloads at start (`HF_MODEL_ID`, e.g.
   * `meta-llama/Meta-Llama-3-8B-Instruct`).
   *
   * @default - the model data SageMaker puts in `/opt/ml/model` (`ModelData.fromS3Prefix` for uncompressed weights)
   */
  readonly modelId?: string;

  /**
   * Accelerators the server shards the model over (`SM_NUM_GPUS`, `OPTION_TENSOR_PARALLEL_DEGREE`). For an
   * inference component, its `acceleratorCount`.
   *
   * @default - every accelerator of the instance type, from the instance catalog
   */
  readonly acceleratorCount?: number;

  /**
   * The size of the weights as the server loads them (after quantization). When given, synth checks that they fit
   * the accelerator memory the server uses (`acceleratorCount` × the memory of one accelerator), leaving the rest
   * for the KV cache.
   *
   * @default - not checked
   */
  readonly modelSize?: Size;

  /**
   * A Secrets Manager secret whose value is a Hugging Face token (`HF_TOKEN`), for gated or private Hub models.
   *
   * Trade-off: SageMaker models have no secret injection, so CloudFormation resolves the secret at deploy time
   * (a dynamic reference: the token is not in the template) and writes its value into the model's environment,
   * where anyone allowed `sagemaker:DescribeModel` can read it, and a rotated token reaches the model only on
   * the next deployment that replaces it. To avoid both, copy the weights to S3 once and serve them with
   * `ModelData.fromS3Prefix` instead.
   *
   * @default - no token: public models only
   */
  readonly huggingFaceToken?: secretsmanager.ISecret;

  /**
   * Further environment variables the server reads.
   *
   * @default - none
   */
  readonly environment?: { [key: string]: string };
}

/**
 * Options of a text-generation server (TGI, LMI).
 */
export interface TextGenerationServerOptions extends LlmServerOptions {
  /**
   * Longest prompt, in tokens (TGI `MAX_INPUT_TOKENS`).
   *
   * @default - the server's default
   */
  readonly maxInputTokens?: number;

  /**
   * Longest prompt plus generated text, in tokens (TGI `MAX_TOTAL_TOKENS`, LMI `OPTION_MAX_MODEL_LEN`).
   *
   * @default - the server's default
   */
  readonly maxTotalTokens?: number;

  /**
   * How the server quantizes the weights (TGI `HF_MODEL_QUANTIZE`, LMI `OPTION_QUANTIZE`).
   *
   * @default - no quantization
   */
  readonly quantization?: LlmQuantization;
}

/**
 * Options of `LlmServer.largeModelInference`.
 */
export interface LargeModelInferenceOptions extends TextGenerationServerOptions {
  /**
   * The DJL LMI container: `DJL_LMI` (vLLM / LMI-Dist), `DJL_TENSORRTLLM` or `DJL_NEURONX` (Inferentia2, Trainium).
   *
   * @default - DeepLearningFramework.DJL_NEURONX on Neuron instances, else DeepLearningFramework.DJL_LMI
   */
  readonly backend?: DeepLearningFramework;

  /**
   * Most requests batched together (`OPTION_MAX_ROLLING_BATCH_SIZE`).
   *
   * @default - the server's default
   */
  readonly maxBatchSize?: number;
}

/**
 * Options of `LlmServer.textEmbeddingsInference`.
 */
export interface TextEmbeddingsInferenceOptions extends LlmServerOptions {
  /**
   * Most tokens in one batch (`MAX_BATCH_TOKENS`).
   *
   * @default - the server's default
   */
  readonly maxBatchTokens?: number;
}

/** Quantization names per server. */
const TGI_QUANTIZE: { [q: string]: string } = {
  [LlmQuantization.AWQ]: 'awq',
  [LlmQuantization.GPTQ]: 'gptq',
  [LlmQuantization.BITSANDBYTES]: 'bitsandbytes',
  [LlmQuantization.BITSANDBYTES_NF4]: 'bitsandbytes-nf4',
  [LlmQuantization.EETQ]: 'eetq',
  [LlmQuantization.FP8]: 'fp8',
};
const LMI_QUANTIZE: { [q: string]: string } = {
  [LlmQuantization.AWQ]: 'awq',
  [LlmQuantization.FP8]: 'fp8',
};
const LMI_BACKENDS = [DeepLearningFramework.DJL_LMI, DeepLearningFramework.DJL_TENSORRTLLM, DeepLearningFramework.DJL_NEURONX];
/** `org/name` or `name` on the Hugging Face Hub. */
const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;
/** Where SageMaker puts the model data. */
const MODEL_DIR = '/opt/ml/model';

/**
 * A large-model server (Hugging Face TGI, DJL LMI, Hugging Face TEI) preset for an instance type: the Deep Learning
 * Container to serve as it is, with the environment the server reads (model, parallelism from the instance
 * catalog, token limits, quantization, Hub token). Pass `image` to an endpoint or inference component; the
 * environment travels with it.
 */
export abstract class LlmServer {
  /**
   * Hugging Face Text Generation Inference (`huggingface-pytorch-tgi-inference`; Optimum Neuron on Inferentia2):
   * `HF_MODEL_ID`, `SM_NUM_GPUS` (NVIDIA) or `HF_NUM_CORES` (Neuron, two cores per device), `MAX_INPUT_TOKENS`,
   * `MAX_TOTAL_TOKENS`, `HF_MODEL_QUANTIZE`.
   *
   * @param options the version, instance type, model and limits
   */
  public static textGenerationInference(options: TextGenerationServerOptions): LlmServer {
    const where = 'LlmServer.textGenerationInference';
    const problems = new Problems();
    const devices = checkTextGeneration(problems, options, TGI_QUANTIZE, 'TGI');
    checkInteger(problems, 'maxInputTokens', options.maxInputTokens, 1);
    const known = (n?: number) => n !== undefined && !Token.isUnresolved(n);
    if (known(options.maxInputTokens) && known(options.maxTotalTokens) && options.maxInputTokens! >= options.maxTotalTokens!) {
      problems.add(`maxInputTokens ${options.maxInputTokens} must be less than maxTotalTokens ${options.maxTotalTokens}, which counts the prompt `
        + 'and the generated tokens; raise maxTotalTokens or lower maxInputTokens');
    }
    problems.throwIfAny(where);

    const neuron = isNeuron(options.instanceType);
    const environment: { [key: string]: string } = {
      HF_MODEL_ID: options.modelId ?? MODEL_DIR,
      ...(neuron ? { HF_NUM_CORES: String(devices * 2) } : { SM_NUM_GPUS: String(devices) }),
      ...optional('MAX_INPUT_TOKENS', options.maxInputTokens),
      ...optional('MAX_TOTAL_TOKENS', options.maxTotalTokens),
      ...(options.quantization ? { HF_MODEL_QUANTIZE: TGI_QUANTIZE[options.quantization] } : {}),
      ...tokenVariable(options.huggingFaceToken),
      ...options.environment,
    };
    return new PresetServer(where, DeepLearningFramework.HUGGINGFACE_TGI, options, environment);
  }

  /**
   * DJL Large Model Inference (`djl-inference`: vLLM / LMI-Dist, TensorRT-LLM or Neuron): `HF_MODEL_ID`,
   * `OPTION_TENSOR_PARALLEL_DEGREE`, `OPTION_MAX_MODEL_LEN`, `OPTION_MAX_ROLLING_BATCH_SIZE`, `OPTION_QUANTIZE`.
   *
   * @param options the version, instance type, model, backend and limits
   */
  public static largeModelInference(options: LargeModelInferenceOptions): LlmServer {
    const where = 'LlmServer.largeModelInference';
    const problems = new Problems();
    const devices = checkTextGeneration(problems, options, LMI_QUANTIZE, 'LMI');
    if (options.maxInputTokens !== undefined) {
      problems.add(`maxInputTokens ${options.maxInputTokens} is not allowed: LMI has no separate prompt limit; use maxTotalTokens (OPTION_MAX_MODEL_LEN)`);
    }
    checkInteger(problems, 'maxBatchSize', options.maxBatchSize, 1);
    checkMember(problems, 'backend', options.backend, LMI_BACKENDS);
    const backend = options.backend ?? (isNeuron(options.instanceType) ? DeepLearningFramework.DJL_NEURONX : DeepLearningFramework.DJL_LMI);
    problems.throwIfAny(where);

    const environment: { [key: string]: string } = {
      ...(options.modelId ? { HF_MODEL_ID: options.modelId } : {}),
      OPTION_TENSOR_PARALLEL_DEGREE: String(devices),
      ...optional('OPTION_MAX_MODEL_LEN', options.maxTotalTokens),
      ...optional('OPTION_MAX_ROLLING_BATCH_SIZE', options.maxBatchSize),
      ...(options.quantization ? { OPTION_QUANTIZE: LMI_QUANTIZE[options.quantization] } : {}),
      ...tokenVariable(options.huggingFaceToken),
      ...options.environment,
    };
    return new PresetServer(where, backend, options, environment);
  }

  /**
   * Hugging Face Text Embeddings Inference (`tei` on NVIDIA GPUs, `tei-cpu` on CPU), for embedding models:
   * `HF_MODEL_ID`, `MAX_BATCH_TOKENS`. TEI runs a model on one GPU.
   *
   * @param options the version, instance type, model and batch limit
   */
  public static textEmbeddingsInference(options: TextEmbeddingsInferenceOptions): LlmServer {
    const where = 'LlmServer.textEmbeddingsInference';
    const problems = new Problems();
    checkCommon(problems, { ...options, acceleratorCount: options.acceleratorCount ?? (isGpu(options.instanceType) ? 1 : undefined) });
    if (options.acceleratorCount !== undefined && options.acceleratorCount !== 1) {
      problems.add(`acceleratorCount ${options.acceleratorCount} is not allowed: TEI serves a model on one GPU; use 1, or more copies for more throughput`);
    }
    if (isNeuron(options.instanceType)) {
      problems.add(`instanceType ${options.instanceType.name} is not allowed: TEI images exist for NVIDIA GPUs and CPUs only; use e.g. ml.g5.xlarge or ml.c6i.2xlarge`);
    }
    checkInteger(problems, 'maxBatchTokens', options.maxBatchTokens, 1);
    problems.throwIfAny(where);

    const environment: { [key: string]: string } = {
      HF_MODEL_ID: options.modelId ?? MODEL_DIR,
      ...optional('MAX_BATCH_TOKENS', options.maxBatchTokens),
      ...tokenVariable(options.huggingFaceToken),
      ...options.environment,
    };
    return new PresetServer(where, DeepLearningFramework.HUGGINGFACE_TEI, options, environment);
  }

  /** The serving image, which carries `environment`. */
  public abstract readonly image: SageMakerImage;

  /** The environment the server reads, as the image sets it. */
  public abstract readonly environment: { [key: string]: string };

  /** The instance type the preset was made for. */
  public abstract readonly instanceType: InstanceType;
}

class PresetServer extends LlmServer {
  public readonly image: SageMakerImage;
  public readonly environment: { [key: string]: string };
  public readonly instanceType: InstanceType;

  constructor(where: string, framework: DeepLearningFramework, options: LlmServerOptions, environment: { [key: string]: string }) {
    super();
    this.environment = environment;
    this.instanceType = options.instanceType;
    try {
      this.image = SageMakerImage.fromDeepLearningContainer({
        framework,
        version: options.version,
        workload: Workload.INFERENCE,
        instanceType: options.instanceType,
        environment,
      });
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
  }
}

function isNeuron(type: InstanceType): boolean {
  return type.acceleratorKind === AcceleratorKind.AWS_INFERENTIA || type.acceleratorKind === AcceleratorKind.AWS_TRAINIUM;
}

function isGpu(type: InstanceType): boolean {
  return type.acceleratorKind === AcceleratorKind.NVIDIA_GPU;
}

/**
 * The checks every preset runs; returns the number of accelerators the server uses (0 on CPU): the model id, the
 * accelerator count against the instance's, and the declared weights against the memory they load into.
 */
function checkCommon(problems: Problems, options: LlmServerOptions): number {
  const type = options.instanceType;
  checkString(problems, 'modelId', options.modelId, {
    pattern: HUB_ID, maxLength: 96, allowed: 'a Hugging Face Hub id such as meta-llama/Meta-Llama-3-8B-Instruct (org/name)',
  });
  checkString(problems, 'version', options.version, { minLength: 1, allowed: 'a server version such as 3.0' });
  const accelerated = type.acceleratorKind !== AcceleratorKind.NONE;
  if (options.acceleratorCount !== undefined && !Token.isUnresolved(options.acceleratorCount)) {
    checkInteger(problems, 'acceleratorCount', options.acceleratorCount, 1, type.acceleratorCount);
  } else if (accelerated && type.acceleratorCount === undefined && !Token.isUnresolved(type.name)) {
    problems.add(`acceleratorCount is needed: instanceType ${type.name} is not in the instance catalog, so its accelerator count is unknown`);
  }
  const devices = options.acceleratorCount ?? (accelerated ? type.acceleratorCount ?? 0 : 0);

  const size = options.modelSize;
  if (size !== undefined && !size.isUnresolved()) {
    const weightsMiB = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    if (devices > 0 && type.acceleratorMemory && !Token.isUnresolved(devices)) {
      const eachMiB = type.acceleratorMemory.toMebibytes();
      const totalMiB = eachMiB * devices;
      if (weightsMiB > totalMiB) {
        problems.add(`modelSize ${gib(weightsMiB)} does not fit the accelerator memory of ${type.name}: ${devices} x ${gib(eachMiB)} = ${gib(totalMiB)}; `
          + 'use an instance type with more accelerator memory, more accelerators, or quantized weights');
      }
    } else if (devices === 0 && type.memory) {
      const memMiB = type.memory.toMebibytes();
      if (weightsMiB > memMiB) {
        problems.add(`modelSize ${gib(weightsMiB)} does not fit the ${gib(memMiB)} memory of ${type.name}; use a larger instance type`);
      }
    }
  }
  return devices;
}

/**
 * The checks every text-generation server (TGI, LMI) runs: the common ones, the token limit both read
 * (`maxTotalTokens`) and the quantization against the names the server knows; returns the accelerators it uses.
 */
function checkTextGeneration(problems: Problems, options: TextGenerationServerOptions, names: { [q: string]: string }, server: string): number {
  const devices = checkCommon(problems, options);
  checkInteger(problems, 'maxTotalTokens', options.maxTotalTokens, 1);
  checkQuantization(problems, options.quantization, names, server);
  return devices;
}

function checkQuantization(problems: Problems, value: LlmQuantization | undefined, names: { [q: string]: string }, server: string): void {
  if (value === undefined) return;
  if (!Object.values(LlmQuantization).includes(value)) {
    checkMember(problems, 'quantization', value, Object.values(LlmQuantization));
  } else if (names[value] === undefined) {
    problems.add(`quantization ${value} is not allowed with ${server}; use one of ${Object.keys(names).join(', ')}`);
  }
}

function optional(name: string, value: number | undefined): { [key: string]: string } {
  return value === undefined ? {} : { [name]: Token.isUnresolved(value) ? Token.asString(value) : String(value) };
}

function tokenVariable(secret: secretsmanager.ISecret | undefined): { [key: string]: string } {
  // a dynamic reference: CloudFormation resolves it at deploy time, the template holds only the secret's ARN
  return secret ? { HF_TOKEN: secret.secretValue.unsafeUnwrap() } : {};
}

function gib(mib: number): string {
  return `${Math.round((mib / 1024) * 100) / 100} GiB`;
}
