import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Stack, Token } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import {
  ChosenDeepLearningContainer, DeepLearningContainerProps, chooseDeepLearningContainer, deepLearningContainerUri,
} from './deep-learning-container';
import { imageOptionProblems } from './private/members';
import { CpuArchitecture, ImageAccelerator } from '../compute/accelerator';
import { inferAccelerator, isImageReference } from '../private/image-uri';
import { throwProblems } from '../private/validation';

/**
 * Options for the `BaseImage` factories.
 */
export interface BaseImageOptions {
  /**
   * The accelerators the base image runs on.
   *
   * @default - inferred from the image name and tag: `gpu`, `cuda`, `cu121` ... mean NVIDIA GPU;
   * `neuron`, `neuronx`, `inf2`, `trn1` ... mean Neuron; `cpu` means CPU only; anything else ANY
   */
  readonly accelerator?: ImageAccelerator;
}

/**
 * What a bound base image resolves to.
 */
export interface BaseImageConfig {
  /**
   * The image reference for the rendered Dockerfile's `FROM` line.
   */
  readonly imageUri: string;

  /**
   * The accelerators the base image runs on.
   *
   * @default ImageAccelerator.ANY
   */
  readonly accelerator?: ImageAccelerator;
}

/**
 * The image a rendered Dockerfile starts `FROM`, for a code directory without its own Dockerfile.
 *
 * The reference must be known at synth time (the Dockerfile is written then): a literal URI, or an
 * ECR repository in a stack with an explicit account and region.
 */
export abstract class BaseImage {
  /**
   * An image from any registry the build machine can pull from, for example
   * `123456789012.dkr.ecr.us-east-1.amazonaws.com/base:1` or `python:3.11-slim`.
   *
   * @param imageUri `[registry/]name[:tag][@sha256:digest]`
   */
  public static fromRegistry(imageUri: string, options: BaseImageOptions = {}): BaseImage {
    if (!Token.isUnresolved(imageUri) && !isImageReference(imageUri)) {
      throw new Error(`baseImage '${imageUri}' is not an image reference; use [registry/]name[:tag][@sha256:digest], `
        + 'e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/base:1');
    }
    throwProblems('BaseImage.fromRegistry', imageOptionProblems(options));
    return new UriBaseImage(imageUri, options.accelerator);
  }

  /**
   * An image in an Amazon ECR repository.
   *
   * @param repository the repository
   * @param tag the tag (or `sha256:` digest) to build from
   */
  public static fromEcrRepository(repository: ecr.IRepository, tag: string = 'latest', options: BaseImageOptions = {}): BaseImage {
    if (!Token.isUnresolved(tag) && tag.length === 0) {
      throw new Error('baseImage tag \'\' is empty; use a tag such as \'latest\' or a digest \'sha256:...\'');
    }
    throwProblems('BaseImage.fromEcrRepository', imageOptionProblems(options));
    return new EcrBaseImage(repository, tag, options.accelerator);
  }

  /**
   * An AWS Deep Learning Container (PyTorch, TensorFlow, MXNet, scikit-learn, XGBoost, Hugging Face, TGI, TEI, DJL
   * LMI) for the stack's region: the registry account per region (commercial, China, GovCloud, isolated) and the
   * tag (`<version>-<cpu|gpu>-<py>...`, the Graviton, Inferentia and Trainium variants) as the SageMaker Python SDK
   * composes them, from the catalog generated out of its `image_uri_config` data. The stack needs a concrete
   * region. The image carries its accelerator (CPU, NVIDIA_GPU or NEURON), its CPU architecture and the framework's
   * training or serving module, which an image built on it bakes in.
   *
   * Building FROM these images needs a login to their registry when `cdk deploy` builds the image (see README).
   * To run the container as it is, without a build, use `SageMakerImage.fromDeepLearningContainer`.
   *
   * @param props framework, version, workload, and accelerator or instance type
   */
  public static fromDeepLearningContainer(props: DeepLearningContainerProps): BaseImage {
    return new DeepLearningContainerBaseImage(chooseDeepLearningContainer(props, 'BaseImage.fromDeepLearningContainer'));
  }

  /**
   * The accelerators the base image runs on, known before binding so that an image built on it can
   * say what it runs on.
   */
  public abstract readonly accelerator: ImageAccelerator;

  /**
   * The CPU architecture the base image is built for, when known (a Deep Learning Container); an image built on it
   * must be built for the same platform.
   *
   * @default - unknown: the build platform decides
   */
  public readonly architecture?: CpuArchitecture;

  /**
   * The framework training module the base image runs (`SAGEMAKER_TRAINING_MODULE`), when known (a Deep Learning
   * Container training image, e.g. `sagemaker_pytorch_container.training:main`).
   *
   * @default - unknown
   */
  public readonly trainingModule?: string;

  /**
   * The framework serving module the base image serves with (`SAGEMAKER_SERVING_MODULE`), when known (a Deep
   * Learning Container inference image served by a Python toolkit, e.g. `sagemaker_mxnet_serving_container.serving:main`).
   *
   * @default - unknown
   */
  public readonly servingModule?: string;

  /**
   * The CUDA version the base image is built for (`12.4`), when known (a Deep Learning Container whose tag names
   * it, `cu124`); an image rendered from it runs that CUDA.
   *
   * @default - unknown
   */
  public readonly cudaVersion?: string;

  /**
   * Resolves the base image for the construct that renders a Dockerfile from it.
   *
   * @param scope the construct the image is used in
   */
  public abstract bind(scope: Construct): BaseImageConfig;
}

class UriBaseImage extends BaseImage {
  public readonly accelerator: ImageAccelerator;

  constructor(private readonly imageUri: string, accelerator?: ImageAccelerator) {
    super();
    this.accelerator = accelerator ?? inferAccelerator(imageUri);
  }

  public bind(_scope: Construct): BaseImageConfig {
    return { imageUri: this.imageUri, accelerator: this.accelerator };
  }
}

class EcrBaseImage extends BaseImage {
  public readonly accelerator: ImageAccelerator;

  constructor(private readonly repository: ecr.IRepository, private readonly tag: string, accelerator?: ImageAccelerator) {
    super();
    this.accelerator = accelerator
      ?? inferAccelerator(`${literalOr(repository.repositoryName, 'image')}:${literalOr(tag, 'latest')}`);
  }

  public bind(_scope: Construct): BaseImageConfig {
    const imageUri = this.tag.startsWith('sha256:')
      ? this.repository.repositoryUriForDigest(this.tag)
      : this.repository.repositoryUriForTag(this.tag);
    return { imageUri, accelerator: this.accelerator };
  }
}

/** A token-free stand-in, so that the literal half of a name can still say what the image is. */
function literalOr(value: string, fallback: string): string {
  return Token.isUnresolved(value) ? fallback : value;
}

/** An AWS Deep Learning Container: repository, tag and accelerator chosen at creation, the registry at bind. */
class DeepLearningContainerBaseImage extends BaseImage {
  public readonly accelerator: ImageAccelerator;
  public readonly architecture: CpuArchitecture;
  public readonly trainingModule?: string;
  public readonly servingModule?: string;
  public readonly cudaVersion?: string;

  constructor(private readonly chosen: ChosenDeepLearningContainer) {
    super();
    this.accelerator = chosen.accelerator;
    this.architecture = chosen.architecture;
    this.trainingModule = chosen.trainingModule;
    this.servingModule = chosen.servingModule;
    this.cudaVersion = chosen.cudaVersion;
  }

  public bind(scope: Construct): BaseImageConfig {
    const where = 'BaseImage.fromDeepLearningContainer';
    const stack = Stack.of(scope);
    if (Token.isUnresolved(stack.region)) {
      throw new Error(`${where}: the Deep Learning Container registry depends on the region, and stack ${stack.stackName} `
        + 'has no concrete region; give the stack one (env: { region: \'us-east-1\' })');
    }
    return { imageUri: deepLearningContainerUri(this.chosen, stack.region, where), accelerator: this.accelerator };
  }
}
