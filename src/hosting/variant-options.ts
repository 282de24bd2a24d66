import { Token } from 'aws-cdk-lib';
/** `al2-ami-sagemaker-inference-gpu-3-1`: the shape of SageMaker's inference AMI versions; group 1 is the driver. */
const AMI_PATTERN = /^al2(?:023)?-ami-sagemaker-inference-(gpu|neuron)-\d+(?:-\d+)?$/;
const AMI_BY_NAME: { [name: string]: InferenceAmiVersion } = {};
const KNOWN_AMIS = [
  'al2023-ami-sagemaker-inference-gpu-4-1',
  'al2-ami-sagemaker-inference-gpu-2',
  'al2-ami-sagemaker-inference-gpu-2-1',
  'al2-ami-sagemaker-inference-gpu-3-1',
  'al2-ami-sagemaker-inference-neuron-2',
];

/**
 * How an endpoint spreads requests over the instances of a variant (`RoutingConfig.RoutingStrategy`).
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantRoutingConfig.html#sagemaker-Type-ProductionVariantRoutingConfig-RoutingStrategy
 */
export enum RoutingStrategy {
  /** To the instances with the most capacity to answer (fewest requests in flight): suits long, uneven requests such as LLM generation. */
  LEAST_OUTSTANDING_REQUESTS = 'LEAST_OUTSTANDING_REQUESTS',
  /** To a randomly chosen instance, SageMaker's default. */
  RANDOM = 'RANDOM',
}

/**
 * The machine image (drivers, CUDA or Neuron runtime) of an endpoint's accelerated instances
 * (`ProductionVariant.InferenceAmiVersion`). GPU images run on NVIDIA instances only, Neuron images on Inferentia
 * and Trainium only; CPU instances take none.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-InferenceAmiVersion
 */
export class InferenceAmiVersion {
  /** Amazon Linux 2023, NVIDIA driver 570, CUDA 12.8 (GPU instances). */
  public static readonly AL2023_GPU_4_1 = new InferenceAmiVersion('al2023-ami-sagemaker-inference-gpu-4-1');
  /** Amazon Linux 2, NVIDIA driver 535, CUDA 12.2 (GPU instances). */
  public static readonly AL2_GPU_2 = new InferenceAmiVersion('al2-ami-sagemaker-inference-gpu-2');
  /** Amazon Linux 2, NVIDIA driver 535, CUDA 12.2, with container toolkit updates (GPU instances). */
  public static readonly AL2_GPU_2_1 = new InferenceAmiVersion('al2-ami-sagemaker-inference-gpu-2-1');
  /** Amazon Linux 2, NVIDIA driver 550, CUDA 12.4 (GPU instances). */
  public static readonly AL2_GPU_3_1 = new InferenceAmiVersion('al2-ami-sagemaker-inference-gpu-3-1');
  /** Amazon Linux 2, Neuron driver 2 (Inferentia and Trainium instances). */
  public static readonly AL2_NEURON_2 = new InferenceAmiVersion('al2-ami-sagemaker-inference-neuron-2');

  /**
   * A version by name, for versions newer than this library. The name must have the shape SageMaker's versions
   * have: `al2-ami-sagemaker-inference-gpu-<n>[-<m>]`, `al2023-ami-...-gpu-...` or `...-neuron-...`.
   *
   * @param version the InferenceAmiVersion value
   */
  public static of(version: string): InferenceAmiVersion {
    if (!Token.isUnresolved(version) && !AMI_PATTERN.test(version)) {
      throw new Error(`InferenceAmiVersion.of: version '${version}' is not allowed; use one of ${KNOWN_AMIS.join(', ')}, `
        + 'or a newer name of the shape al2[023]-ami-sagemaker-inference-(gpu|neuron)-<n>[-<m>]');
    }
    return KNOWN_AMIS.includes(version) ? AMI_BY_NAME[version] : new InferenceAmiVersion(version);
  }

  /** The value SageMaker reads. */
  public readonly version: string;

  private constructor(version: string) {
    this.version = version;
    if (!Token.isUnresolved(version)) {
      AMI_BY_NAME[version] = AMI_BY_NAME[version] ?? this;
    }
  }

  /** The accelerator the image's drivers are for: `gpu` (NVIDIA) or `neuron`; undefined for a token. */
  public get driver(): string | undefined {
    return Token.isUnresolved(this.version) ? undefined : AMI_PATTERN.exec(this.version)?.[1];
  }

  /** The value SageMaker reads. */
  public toString(): string {
    return this.version;
  }
}
