import * as iam from 'aws-cdk-lib/aws-iam';
import { CpuArchitecture, ImageAccelerator, Workload } from '../compute/accelerator';

/**
 * Options for binding a `SageMakerImage` to the job or model that runs it.
 */
export interface SageMakerImageBindOptions {
  /**
   * What the container is started for. Decides which entry-point variables are set,
   * and refuses an entry point that does not belong to the workload.
   */
  readonly workload: Workload;

  /**
   * The principal that pulls the image (the job's or model's execution role); it is granted ECR pull.
   */
  readonly grantee: iam.IGrantable;

  /**
   * Absolute paths to leave out of the image's build context, for example data
   * directories that a training job declares as input channels.
   *
   * @default - nothing beyond the image's own exclusions
   */
  readonly excludePaths?: string[];
}

/**
 * What a bound `SageMakerImage` hands to the job or model.
 */
export interface SageMakerImageConfig {
  /**
   * The image URI to run (`account.dkr.ecr.region.amazonaws.com/repo:tag` or `@sha256:` digest).
   *
   * Set as a training job's [`AlgorithmSpecification.TrainingImage`](https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AlgorithmSpecification.html#sagemaker-Type-AlgorithmSpecification-TrainingImage) and as a model's container
   * `Image`.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-Image
   */
  readonly imageUri: string;

  /**
   * Environment the job or model must set: the entry-point variables for the workload.
   *
   * Set in a training job's [`Environment`](https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-Environment) and in a model's container definition.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-Environment
   */
  readonly environment: { [key: string]: string };

  /**
   * The accelerators the image can run on.
   */
  readonly accelerator: ImageAccelerator;

  /**
   * The CPU architecture the image is built for.
   */
  readonly architecture: CpuArchitecture;

  /**
   * The CUDA version the image is built for (`12.4`), when known: a Deep Learning Container names it in its tag
   * (`cu124`), and an image rendered FROM one inherits it. Jobs and endpoints refuse an NVIDIA GPU the CUDA
   * release does not support (too old for CUDA 12 or 13, or too new for the image's CUDA).
   *
   * @default - unknown: no CUDA-generation check
   */
  readonly cudaVersion?: string;

  /**
   * Where the image holds the user code, when the library knows it: `/opt/ml/code` for a directory image whose
   * Dockerfile the library renders (it copies the code there and sets `SAGEMAKER_SUBMIT_DIRECTORY` to it). A
   * model points the serving toolkit there instead of the model archive's `code/` folder.
   *
   * @default - unknown: the image's own Dockerfile, or the prebuilt image, decides where its code is
   */
  readonly codeDirectory?: string;

  /**
   * A value that changes whenever the image's content or identity changes (the asset hash
   * for a directory image, the URI otherwise). Training jobs hash it into their name.
   */
  readonly fingerprint: string;
}
