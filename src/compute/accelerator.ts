/**
 * The kind of accelerator an instance type carries.
 */
export enum AcceleratorKind {
  /** No accelerator: CPU only. */
  NONE = 'NONE',
  /** NVIDIA GPUs (T4, A10G, L4, L40S, V100, A100, H100, H200, B200 ...). */
  NVIDIA_GPU = 'NVIDIA_GPU',
  /** AWS Inferentia (inf1, inf2): Neuron SDK. */
  AWS_INFERENTIA = 'AWS_INFERENTIA',
  /** AWS Trainium (trn1, trn2): Neuron SDK. */
  AWS_TRAINIUM = 'AWS_TRAINIUM',
  /** Habana Gaudi (dl1): SynapseAI, neither CUDA nor Neuron. */
  HABANA_GAUDI = 'HABANA_GAUDI',
}

/**
 * CPU architecture of an instance type or a container image.
 */
export enum CpuArchitecture {
  /** Intel or AMD 64-bit (`linux/amd64`). */
  X86_64 = 'x86_64',
  /** AWS Graviton (`linux/arm64`). */
  ARM64 = 'arm64',
}

/**
 * The accelerators a container image can run on.
 */
export enum ImageAccelerator {
  /** The image runs on any instance (a CPU image that tolerates accelerators, or a multi-target image). */
  ANY = 'ANY',
  /** CPU only: runs on accelerated instances too, but leaves the accelerator idle. */
  CPU = 'CPU',
  /** Needs NVIDIA GPUs (CUDA). */
  NVIDIA_GPU = 'NVIDIA_GPU',
  /** Needs AWS Neuron devices (Inferentia or Trainium). */
  NEURON = 'NEURON',
}

/**
 * What SageMaker runs a container for. An instance type is valid for some of these.
 */
export enum Workload {
  /** Training jobs (`CreateTrainingJob`). */
  TRAINING = 'TRAINING',
  /** Real-time and asynchronous endpoints (production variants). */
  HOSTING = 'HOSTING',
  /** Processing jobs. */
  PROCESSING = 'PROCESSING',
  /** Batch transform jobs. */
  TRANSFORM = 'TRANSFORM',
  /**
   * Inference of either kind (hosting or batch transform), for choosing the inference image of a Deep Learning
   * Container (`SageMakerImage.fromDeepLearningContainer`). Endpoints bind images for HOSTING and batch transform
   * for TRANSFORM; an instance type lists its validity per use (`supportsHosting`, `supportsTransform`).
   */
  INFERENCE = 'INFERENCE',
}
