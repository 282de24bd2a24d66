import * as fs from 'fs';
import * as path from 'path';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecr_assets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Annotations, Aws, IgnoreMode, Stack, Token } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { BaseImage } from './base-image';
import {
  ChosenDeepLearningContainer, DeepLearningContainerImageProps, baseModuleEnvironment, chooseDeepLearningContainer,
  deepLearningContainerRepositoryArn, deepLearningContainerUri,
} from './deep-learning-container';
import { EntryPoint, EntryPointKind, ProgramRunner } from './entry-point';
import { SageMakerImageBindOptions, SageMakerImageConfig } from './image-config';
import { imageOptionProblems } from './private/members';
import { missingServingStack, requirementNames } from './private/serving-stack';
import { CpuArchitecture, ImageAccelerator, Workload } from '../compute/accelerator';
import { finalBaseImage, renderDockerfile } from '../private/dockerfile';
import { CODE_DIRECTORY, ENTRY_POINT_VARIABLES, SAGEMAKER_PROGRAM } from '../private/entry-point-env';
import {
  DEFAULT_EXCLUDES, dockerIgnore, formatBytes, isExcluded, measureContext, readDockerignore, stageBuildContext,
} from '../private/fs';
import { inferAccelerator, isImageReference, parseEcrUri, partitionOf, urlSuffixOf } from '../private/image-uri';
import { throwProblems, warningId } from '../private/validation';

/** A build context larger than this gets a warning. */
const LARGE_CONTEXT_BYTES = 100 * 1024 * 1024;
/** How many of the largest paths the warning names. */
const LARGEST_PATHS = 5;

/**
 * Options every `SageMakerImage` accepts.
 */
export interface SageMakerImageCommonOptions {
  /**
   * What the container runs. Its variables are set in the job's or model's environment (a training job's
   * [`Environment`](https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-Environment), a model's container definition), and baked in
   * as `ENV` when the library renders the Dockerfile.
   *
   * @default - none: the image's own `ENTRYPOINT` / `ENV` decide what runs
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-Environment
   */
  readonly entryPoint?: EntryPoint;

  /**
   * The accelerators the image runs on; jobs and endpoints refuse an instance type that does not match.
   *
   * @default - inferred from the image name and tag (for a directory: the base image, or the last
   * `FROM` of its Dockerfile): `gpu`, `cuda`, `cu121` ... NVIDIA GPU; `neuron`, `neuronx`, `inf2`, `trn1` ...
   * Neuron; `cpu` CPU only; anything else ANY
   */
  readonly accelerator?: ImageAccelerator;

  /**
   * Extra environment variables the job or model sets. The entry-point variables
   * (`SAGEMAKER_PROGRAM`, `SAGEMAKER_TRAINING_MODULE`, `SAGEMAKER_SERVING_MODULE`) belong to `entryPoint`
   * and are refused here.
   *
   * Set in a training job's [`Environment`](https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-Environment) and in a model's container definition.
   *
   * @default - only the entry-point variables
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-Environment
   */
  readonly environment?: { [key: string]: string };
}

/**
 * Options for a prebuilt image (`fromEcrRepository`, `fromDockerImageAsset`, `fromImageUri`).
 */
export interface SageMakerImageOptions extends SageMakerImageCommonOptions {
  /**
   * The CPU architecture the image is built for.
   *
   * @default CpuArchitecture.X86_64
   */
  readonly architecture?: CpuArchitecture;
}

/**
 * Properties of an image built from a local directory: what the container runs, the base image to render a
 * Dockerfile from, and every option of an aws-ecr-assets `DockerImageAsset` (build arguments, secrets, SSH,
 * cache, outputs, asset and display names, invalidation, ...), passed through to the asset.
 *
 * Where they differ from a plain `DockerImageAsset`:
 * - `platform` defaults to `Platform.LINUX_AMD64` (an image built on an ARM laptop otherwise fails on SageMaker with
 *   "exec format error"); SageMaker runs `linux/amd64` on x86 instances and `linux/arm64` on Graviton instances, and
 *   the image's architecture follows it.
 * - `exclude` holds Docker ignore patterns, relative to the directory, applied after `.dockerignore` and the
 *   defaults (`.git`, `cdk.out`, `node_modules`, `__pycache__`, `.venv`); a `!pattern` re-includes a default.
 *   `ignoreMode` is always `IgnoreMode.DOCKER`.
 * - `file`, `buildArgs`, `target` and `buildContexts` apply to the directory's own Dockerfile (`file` defaults to
 *   `Dockerfile`; `buildArgs` also resolve `FROM ${ARG}` when inferring the accelerator); the Dockerfile rendered
 *   from `baseImage` has none of them, so they are refused there.
 */
export interface SageMakerImageFromDirectoryProps extends SageMakerImageCommonOptions, ecr_assets.DockerImageAssetOptions {
  /**
   * The image to render a Dockerfile from, when the directory has no Dockerfile of its own.
   * The rendered Dockerfile copies the code to `/opt/ml/code`, installs `requirements.txt` when present
   * and sets the entry-point variables as `ENV`.
   *
   * @default - none: the directory must hold a Dockerfile
   */
  readonly baseImage?: BaseImage;
}

/**
 * A container image for SageMaker training jobs and models, that knows its entry point, the
 * accelerators it runs on and its CPU architecture.
 *
 * Bind it to a workload and a grantee to get the image URI and the environment to set; the grantee is
 * granted ECR pull.
 */
export abstract class SageMakerImage {
  /**
   * An image built from a local directory of code.
   *
   * With a Dockerfile in the directory the image is built from it, untouched. Without one, `baseImage`
   * is required and the library renders the Dockerfile. The image asset is created when the image is
   * first bound, in the binding construct's stack; `cdk synth` stages the build context and never runs Docker.
   *
   * @param directory absolute path of the directory
   */
  public static fromDirectory(directory: string, props: SageMakerImageFromDirectoryProps = {}): SageMakerImage {
    return new DirectoryImage(directory, props);
  }

  /**
   * An image in an Amazon ECR repository.
   *
   * @param repository the repository
   * @param tag the tag, or a digest `sha256:...`
   */
  public static fromEcrRepository(repository: ecr.IRepository, tag: string = 'latest', options: SageMakerImageOptions = {}): SageMakerImage {
    if (!Token.isUnresolved(tag) && tag.length === 0) {
      throw new Error('SageMakerImage.fromEcrRepository: tag \'\' is empty; use a tag such as \'latest\' or a digest \'sha256:...\'');
    }
    const imageUri = tag.startsWith('sha256:') ? repository.repositoryUriForDigest(tag) : repository.repositoryUriForTag(tag);
    const name = Token.isUnresolved(repository.repositoryName) ? 'image' : repository.repositoryName;
    const accelerator = options.accelerator ?? inferAccelerator(`${name}:${Token.isUnresolved(tag) ? 'latest' : tag}`);
    return new PrebuiltImage('SageMakerImage.fromEcrRepository', imageUri, accelerator, options, grantee => repository.grantPull(grantee));
  }

  /**
   * An image built from a `DockerImageAsset` the caller made.
   *
   * @param asset the asset
   */
  public static fromDockerImageAsset(asset: ecr_assets.DockerImageAsset, options: SageMakerImageOptions = {}): SageMakerImage {
    return new PrebuiltImage('SageMakerImage.fromDockerImageAsset', asset.imageUri, options.accelerator ?? ImageAccelerator.ANY,
      options, grantee => asset.repository.grantPull(grantee), asset.assetHash);
  }

  /**
   * An image by URI, for example a Deep Learning Container
   * (`763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker`).
   * An Amazon ECR URI's repository is granted pull; other registries need a private-registry setup.
   *
   * @param imageUri `registry/name[:tag][@sha256:digest]`
   */
  public static fromImageUri(imageUri: string, options: SageMakerImageOptions = {}): SageMakerImage {
    if (!Token.isUnresolved(imageUri) && !isImageReference(imageUri)) {
      throw new Error(`SageMakerImage.fromImageUri: imageUri '${imageUri}' is not an image reference; use `
        + 'registry/name[:tag][@sha256:digest], e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/my-image:1');
    }
    const accelerator = options.accelerator ?? inferAccelerator(imageUri);
    return new PrebuiltImage('SageMakerImage.fromImageUri', imageUri, accelerator, options, (grantee, scope) => {
      const ref = parseEcrUri(imageUri);
      if (!ref) {
        if (!Token.isUnresolved(imageUri)) {
          Annotations.of(scope).addWarningV2(warningId('image', 'imageNotInEcr'),
            `imageUri '${imageUri}' is not an Amazon ECR image; SageMaker pulls only from ECR unless the job or model `
            + 'is configured for a private Docker registry in a VPC. No pull permission was granted.');
        }
        return;
      }
      // the registry's partition from the region facts; a region this aws-cdk-lib does not know is in the stack's
      const partition = partitionOf(ref.region) ?? Aws.PARTITION;
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        resourceArns: [`arn:${partition}:ecr:${ref.region}:${ref.account}:repository/${ref.repositoryName}`],
      });
      iam.Grant.addToPrincipal({ grantee, actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'] });
    });
  }

  /**
   * An AWS Deep Learning Container run as it is, without a build: a model server (Hugging Face TGI / TEI, DJL LMI)
   * or a framework container (PyTorch, TensorFlow, MXNet, scikit-learn, XGBoost, Hugging Face) whose own module
   * runs the entry point. The URI is the one the SageMaker Python SDK composes for the stack's region (which must be
   * concrete); the accelerator and CPU architecture are recorded from the instance type (or `accelerator`), so jobs
   * and endpoints check theirs against it. The execution role is granted pull on the one repository.
   *
   * @param props framework, version, workload, instance type (or accelerator), and what the container runs
   */
  public static fromDeepLearningContainer(props: DeepLearningContainerImageProps): SageMakerImage {
    return new DeepLearningContainerImage(props);
  }

  /**
   * The accelerators the image runs on.
   */
  public abstract readonly accelerator: ImageAccelerator;

  /**
   * The CPU architecture the image is built for.
   */
  public abstract readonly architecture: CpuArchitecture;

  /**
   * The CUDA version the image is built for (`12.4`), when known: a Deep Learning Container names it in its tag
   * (`cu124`), and an image rendered FROM one (`baseImage: BaseImage.fromDeepLearningContainer(...)`) inherits it.
   * Jobs and endpoints check their NVIDIA GPU against it.
   *
   * @default - unknown: no CUDA-generation check
   */
  public readonly cudaVersion?: string;

  /**
   * What the container runs.
   *
   * @default - none: the image's own `ENTRYPOINT` / `ENV` decide
   */
  public abstract readonly entryPoint?: EntryPoint;

  /**
   * Binds the image to the job or model that runs it: checks the entry point against the workload, grants
   * the grantee ECR pull, and returns the image URI and the environment to set.
   *
   * @param scope the job or model construct
   */
  public abstract bind(scope: Construct, options: SageMakerImageBindOptions): SageMakerImageConfig;
}

/**
 * Checks the user's environment: no entry-point variable may be set there.
 */
function checkEnvironment(environment: { [key: string]: string } | undefined): string[] {
  const errors: string[] = [];
  for (const [key, value] of Object.entries(environment ?? {})) {
    if (ENTRY_POINT_VARIABLES.includes(key)) {
      const factory = key === SAGEMAKER_PROGRAM ? 'EntryPoint.program(...)'
        : key === 'SAGEMAKER_TRAINING_MODULE' ? 'EntryPoint.trainingModule(...)' : 'EntryPoint.servingModule(...)';
      errors.push(`environment sets ${key} to '${value}', an entry-point variable; set it with entryPoint: ${factory} `
        + `(the environment may not set ${ENTRY_POINT_VARIABLES.join(', ')})`);
    }
  }
  return errors;
}

function environmentFor(entryPoint: EntryPoint | undefined, extra: { [key: string]: string } | undefined,
  options: SageMakerImageBindOptions): { [key: string]: string } {
  const entryEnv = entryPoint?.bind({ workload: options.workload }).environment ?? {};
  return { ...(extra ?? {}), ...entryEnv };
}

class PrebuiltImage extends SageMakerImage {
  public readonly architecture: CpuArchitecture;
  public readonly entryPoint?: EntryPoint;

  constructor(
    where: string,
    private readonly imageUri: string,
    public readonly accelerator: ImageAccelerator,
    private readonly options: SageMakerImageOptions,
    private readonly grant: (grantee: iam.IGrantable, scope: Construct) => void,
    private readonly fingerprint?: string,
  ) {
    super();
    throwProblems(where, [...checkEnvironment(options.environment), ...imageOptionProblems(options)]);
    this.architecture = options.architecture ?? CpuArchitecture.X86_64;
    this.entryPoint = options.entryPoint;
  }

  public bind(scope: Construct, options: SageMakerImageBindOptions): SageMakerImageConfig {
    const environment = environmentFor(this.entryPoint, this.options.environment, options);
    this.grant(options.grantee, scope);
    return {
      imageUri: this.imageUri,
      environment,
      accelerator: this.accelerator,
      architecture: this.architecture,
      fingerprint: this.fingerprint ?? stableString(scope, this.imageUri),
    };
  }
}

/** A Deep Learning Container used as it is: chosen at creation, its registry (the stack's region) at bind. */
class DeepLearningContainerImage extends SageMakerImage {
  public readonly accelerator: ImageAccelerator;
  public readonly architecture: CpuArchitecture;
  public readonly cudaVersion?: string;
  public readonly entryPoint?: EntryPoint;
  private readonly chosen: ChosenDeepLearningContainer;

  constructor(private readonly props: DeepLearningContainerImageProps) {
    super();
    const where = 'SageMakerImage.fromDeepLearningContainer';
    this.chosen = chooseDeepLearningContainer(props, where);
    throwProblems(where, checkEnvironment(props.environment));
    this.accelerator = this.chosen.accelerator;
    this.architecture = this.chosen.architecture;
    this.cudaVersion = this.chosen.cudaVersion;
    this.entryPoint = props.entryPoint;
  }

  public bind(scope: Construct, options: SageMakerImageBindOptions): SageMakerImageConfig {
    const where = `${scope.node.path}: SageMakerImage.fromDeepLearningContainer`;
    const stack = Stack.of(scope);
    if (Token.isUnresolved(stack.region)) {
      throw new Error(`${where}: the Deep Learning Container registry depends on the region, and stack ${stack.stackName} `
        + 'has no concrete region; give the stack one (env: { region: \'us-east-1\' })');
    }
    const training = options.workload === Workload.TRAINING || options.workload === Workload.PROCESSING;
    if ((this.chosen.scope === 'training') !== training) {
      throw new Error(`${where}: ${this.chosen.name} is a ${this.chosen.scope} image (workload ${this.props.workload}) but `
        + `is bound to ${options.workload}; choose it with workload ${training ? Workload.TRAINING : Workload.INFERENCE}`);
    }
    const imageUri = deepLearningContainerUri(this.chosen, stack.region, where);
    iam.Grant.addToPrincipal({
      grantee: options.grantee,
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      resourceArns: [deepLearningContainerRepositoryArn(this.chosen, stack.region, where)],
    });
    iam.Grant.addToPrincipal({ grantee: options.grantee, actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'] });
    return {
      imageUri,
      environment: environmentFor(this.entryPoint, this.props.environment, options),
      accelerator: this.accelerator,
      architecture: this.architecture,
      cudaVersion: this.cudaVersion,
      fingerprint: imageUri,
    };
  }
}

/** A token as the stable JSON of what it resolves to; a literal as itself. */
function stableString(scope: Construct, value: string): string {
  return Token.isUnresolved(value) ? JSON.stringify(Stack.of(scope).resolve(value)) : value;
}

interface Warning {
  readonly id: string;
  readonly message: string;
}

class DirectoryImage extends SageMakerImage {
  public readonly accelerator: ImageAccelerator;
  public readonly architecture: CpuArchitecture;
  public readonly cudaVersion?: string;
  public readonly entryPoint?: EntryPoint;

  private readonly directory: string;
  private readonly platform: ecr_assets.Platform;
  private readonly dockerfile?: string;
  private readonly warnings: Warning[] = [];
  /** One asset per stack and set of extra exclusions. */
  private readonly assets = new Map<Stack, Map<string, ecr_assets.DockerImageAsset>>();
  private readonly warned = new Map<Construct, Set<string>>();

  constructor(directory: string, private readonly props: SageMakerImageFromDirectoryProps) {
    super();
    const where = 'SageMakerImage.fromDirectory';
    this.entryPoint = props.entryPoint;
    this.platform = props.platform ?? ecr_assets.Platform.LINUX_AMD64;
    this.directory = path.resolve(directory);

    const errors: string[] = [];
    if (Token.isUnresolved(directory)) {
      throw new Error(`${where}: directory '${directory}' is a token; use the literal path of a local directory`);
    }
    if (!fs.existsSync(this.directory)) {
      throw new Error(`${where}: directory '${this.directory}' does not exist; use the path of a local directory holding the code`);
    }
    if (!fs.statSync(this.directory).isDirectory()) {
      throw new Error(`${where}: directory '${this.directory}' is a file; use the path of a local directory holding the code`);
    }

    const architecture = architectureOf(this.platform);
    if (!architecture) {
      errors.push(`platform '${this.platform.platform}' cannot run on SageMaker; use Platform.LINUX_AMD64 (x86 instances) `
        + 'or Platform.LINUX_ARM64 (Graviton instances)');
    }
    this.architecture = architecture ?? CpuArchitecture.X86_64;
    if (props.baseImage?.architecture !== undefined && architecture !== undefined && props.baseImage.architecture !== architecture) {
      errors.push(`baseImage is built for ${props.baseImage.architecture} but platform is '${this.platform.platform}'; set platform `
        + `Platform.${props.baseImage.architecture === CpuArchitecture.ARM64 ? 'LINUX_ARM64' : 'LINUX_AMD64'} (the build otherwise fails, or the image stops with "exec format error")`);
    }

    // the Dockerfile: the user's own, or one the library renders from the base image
    const file = props.file ?? 'Dockerfile';
    if (props.file !== undefined && (path.isAbsolute(props.file) || path.normalize(props.file).startsWith('..'))) {
      errors.push(`file '${props.file}' is not inside directory '${this.directory}'; name a Dockerfile relative to the directory`);
    } else if (fs.existsSync(path.join(this.directory, file)) && fs.statSync(path.join(this.directory, file)).isFile()) {
      this.dockerfile = file;
      if (props.baseImage) {
        errors.push(`baseImage is set, but directory '${this.directory}' has its own ${file}, which is used untouched; `
          + `remove baseImage, or remove ${file} to have the Dockerfile rendered from baseImage`);
      }
    } else if (props.file !== undefined) {
      errors.push(`file '${props.file}' does not exist in directory '${this.directory}'; name an existing Dockerfile, `
        + 'or leave file unset and set baseImage to have one rendered');
    } else if (!props.baseImage) {
      errors.push(`directory '${this.directory}' has no Dockerfile and no baseImage is set; add a Dockerfile to the `
        + 'directory, or set baseImage (e.g. BaseImage.fromRegistry(...)) to have the library render one');
    } else {
      if (props.buildArgs && Object.keys(props.buildArgs).length > 0) {
        errors.push(`buildArgs ${JSON.stringify(props.buildArgs)} apply to a Dockerfile in the directory; the Dockerfile rendered `
          + 'from baseImage declares no ARG. Remove buildArgs, or add your own Dockerfile');
      }
      if (props.target !== undefined) {
        errors.push(`target '${props.target}' applies to a multi-stage Dockerfile in the directory; the Dockerfile rendered `
          + 'from baseImage has one stage. Remove target, or add your own Dockerfile');
      }
      if (props.buildContexts && Object.keys(props.buildContexts).length > 0) {
        errors.push(`buildContexts ${JSON.stringify(Object.keys(props.buildContexts))} apply to a Dockerfile in the directory; `
          + 'the Dockerfile rendered from baseImage names no other context. Remove buildContexts, or add your own Dockerfile');
      }
    }

    if (props.ignoreMode !== undefined && props.ignoreMode !== IgnoreMode.DOCKER) {
      errors.push(`ignoreMode '${props.ignoreMode}' is not allowed; exclude and .dockerignore are Docker patterns, so the `
        + 'image always uses IgnoreMode.DOCKER (leave ignoreMode unset)');
    }
    errors.push(...checkEnvironment(props.environment), ...imageOptionProblems(props));

    // the entry point against the directory and what the build context keeps
    if (this.entryPoint) {
      const inspection = this.entryPoint.inspect(this.directory);
      errors.push(...inspection.errors);
      for (const message of inspection.warnings) {
        const id = inspection.runner === ProgramRunner.PYTHON_PACKAGE ? 'programRunsAsPackage' : 'programRunsAsShellScript';
        this.warnings.push({ id: warningId('image', id), message });
      }
      const program = this.entryPoint.programPath;
      if (inspection.errors.length === 0 && program !== undefined && !Token.isUnresolved(program)
        && isExcluded(this.ignore([]), this.directory, program)) {
        errors.push(`program '${program}' is left out of the build context by .dockerignore, the default exclusions `
          + `(${DEFAULT_EXCLUDES.join(', ')}) or exclude ${JSON.stringify(props.exclude ?? [])}; re-include it with a '!${program}' pattern in exclude`);
      }
    } else if (!this.dockerfile && props.baseImage) {
      this.warnings.push({
        id: warningId('image', 'noEntryPoint'),
        message: `image from directory '${this.directory}' renders its Dockerfile but has no entryPoint; the code is copied `
          + 'to /opt/ml/code but only the base image\'s own ENTRYPOINT decides what runs. Set entryPoint (e.g. EntryPoint.program(\'train.py\'))',
      });
    }

    throwProblems(where, errors);

    this.accelerator = props.accelerator ?? this.inferAccelerator();
    // a rendered Dockerfile runs the base image's CUDA; a user Dockerfile (which may install its own) is not read for it
    this.cudaVersion = this.dockerfile ? undefined : props.baseImage?.cudaVersion;
  }

  public bind(scope: Construct, options: SageMakerImageBindOptions): SageMakerImageConfig {
    const environment = environmentFor(this.entryPoint, this.props.environment, options);
    const asset = this.assetFor(scope, options.excludePaths ?? []);
    asset.repository.grantPull(options.grantee);
    for (const warning of this.warnings) {
      this.warnOnce(scope, warning);
    }
    if (options.workload === Workload.HOSTING || options.workload === Workload.TRANSFORM) {
      this.warnIfNothingServes(scope);
    }
    return {
      imageUri: asset.imageUri,
      environment,
      accelerator: this.accelerator,
      architecture: this.architecture,
      cudaVersion: this.cudaVersion,
      // only a Dockerfile the library renders is known to copy the code there; a user Dockerfile decides itself
      codeDirectory: this.dockerfile ? undefined : CODE_DIRECTORY,
      fingerprint: asset.assetHash,
    };
  }

  private inferAccelerator(): ImageAccelerator {
    if (this.dockerfile) {
      const text = fs.readFileSync(path.join(this.directory, this.dockerfile), 'utf8');
      const from = finalBaseImage(text, this.props.buildArgs ?? {}, this.props.target);
      return from ? inferAccelerator(from) : ImageAccelerator.ANY;
    }
    return this.props.baseImage!.accelerator;
  }

  /** Docker ignore patterns after `.dockerignore`: the defaults, `exclude`, then the bind's paths. */
  private patterns(extra: string[]): string[] {
    return [...DEFAULT_EXCLUDES, ...(this.props.exclude ?? []), ...extra];
  }

  private ignore(extra: string[]) {
    return dockerIgnore(this.directory, this.patterns(extra));
  }

  /** The bind's absolute exclude paths as patterns relative to the directory; paths outside it are not in the context. */
  private relativeExcludes(excludePaths: string[]): string[] {
    const errors: string[] = [];
    const relative = new Set<string>();
    for (const excluded of excludePaths) {
      if (Token.isUnresolved(excluded)) continue;
      const rel = path.relative(realPath(this.directory), realPath(path.resolve(excluded)));
      if (rel === '') {
        errors.push(`excludePaths '${excluded}' is the image directory itself; the image needs its code`);
      } else if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
        relative.add('/' + rel.split(path.sep).join('/').replace(/[*?[\]\\]/g, c => '\\' + c));
      }
    }
    const program = this.entryPoint?.programPath;
    if (program !== undefined && !Token.isUnresolved(program) && relative.size > 0
      && isExcluded(dockerIgnore(this.directory, [...relative]), this.directory, program)) {
      errors.push(`excludePaths ${JSON.stringify(excludePaths)} leave out the entry point program '${program}'; `
        + 'keep data directories apart from the code');
    }
    throwProblems('SageMakerImage.bind', errors);
    return [...relative].sort();
  }

  private assetFor(scope: Construct, excludePaths: string[]): ecr_assets.DockerImageAsset {
    const extra = this.relativeExcludes(excludePaths);
    const stack = Stack.of(scope);
    const key = JSON.stringify(extra);
    let perStack = this.assets.get(stack);
    if (!perStack) {
      perStack = new Map();
      this.assets.set(stack, perStack);
    }
    const existing = perStack.get(key);
    if (existing) return existing;

    this.warnIfLarge(scope, extra);
    // every DockerImageAsset option the user gave passes through; the image's own props do not
    const {
      baseImage: _baseImage, entryPoint: _entryPoint, accelerator: _accelerator, environment: _environment,
      exclude: _exclude, file, buildArgs, target, buildContexts, ...assetOptions
    } = this.props;
    const common: ecr_assets.DockerImageAssetOptions = {
      ...assetOptions,
      platform: this.platform,
      ignoreMode: IgnoreMode.DOCKER,
    };
    let asset: ecr_assets.DockerImageAsset;
    if (this.dockerfile) {
      asset = new ecr_assets.DockerImageAsset(scope, freeId(scope, 'ImageAsset'), {
        ...common,
        directory: this.directory,
        file,
        exclude: this.patterns(extra),
        buildArgs,
        target,
        buildContexts,
      });
    } else {
      const exclude = [...readDockerignore(this.directory), ...this.patterns(extra)];
      const ignore = dockerIgnore(this.directory, this.patterns(extra));
      const dockerfile = renderDockerfile({
        baseImageUri: this.literalBaseImage(scope),
        requirements: fs.existsSync(path.join(this.directory, 'requirements.txt'))
          && !isExcluded(ignore, this.directory, 'requirements.txt'),
        environment: bakeable({ ...baseModuleEnvironment(this.props.baseImage, this.entryPoint), ...this.entryPoint?.imageEnvironment }),
      });
      const context = stageBuildContext(this.directory, exclude, {
        'Dockerfile': dockerfile,
        '.dockerignore': 'Dockerfile\n.dockerignore\n',
      });
      asset = new ecr_assets.DockerImageAsset(scope, freeId(scope, 'ImageAsset'), { ...common, directory: context });
    }
    perStack.set(key, asset);
    return asset;
  }

  /** The base image as a literal for `FROM`, resolving the pseudo parameters a stack with an explicit env knows. */
  private literalBaseImage(scope: Construct): string {
    const uri = this.props.baseImage!.bind(scope).imageUri;
    if (!Token.isUnresolved(uri)) return uri;
    const stack = Stack.of(scope);
    const literal = literalOf(stack, stack.resolve(uri));
    if (literal === undefined) {
      throw new Error(`SageMakerImage.fromDirectory: baseImage resolves to ${JSON.stringify(stack.resolve(uri))} in stack `
        + `${stack.stackName}, which is not known at synth time; the rendered Dockerfile needs a literal FROM image. Use `
        + 'BaseImage.fromRegistry with a literal URI, or an imported ECR repository in a stack with an explicit account and region');
    }
    if (!isImageReference(literal)) {
      throw new Error(`SageMakerImage.fromDirectory: baseImage '${literal}' is not an image reference; use [registry/]name[:tag][@sha256:digest]`);
    }
    return literal;
  }

  /** A rendered image on an endpoint: warns when neither the base image nor requirements.txt starts a server. */
  private warnIfNothingServes(scope: Construct): void {
    const entryPoint = this.entryPoint;
    if (this.dockerfile || !entryPoint) return;
    const entry = entryPoint.kind === EntryPointKind.SERVING_MODULE ? entryPoint.module : entryPoint.programPath;
    if (entry === undefined || Token.isUnresolved(entry)) return;
    const message = missingServingStack({
      kind: entryPoint.kind,
      entry,
      baseImageUri: this.literalBaseImage(scope),
      baseImageServes: this.props.baseImage?.servingModule !== undefined,
      // a requirements.txt the build context leaves out is not installed
      requirements: isExcluded(this.ignore([]), this.directory, 'requirements.txt') ? new Set() : requirementNames(this.directory),
    });
    if (message) {
      this.warnOnce(scope, { id: warningId('image', 'nothingServes'), message });
    }
  }

  private warnIfLarge(scope: Construct, extra: string[]): void {
    const size = measureContext(this.directory, this.ignore(extra));
    if (size.bytes <= LARGE_CONTEXT_BYTES) return;
    const largest = size.entries.slice(0, LARGEST_PATHS).map(e => `${e.path} (${formatBytes(e.bytes)})`).join(', ');
    this.warnOnce(scope, {
      id: warningId('image', 'largeBuildContext'),
      message: `the build context of directory '${this.directory}' holds ${formatBytes(size.bytes)} in ${size.files} files after `
        + `exclusions (over ${formatBytes(LARGE_CONTEXT_BYTES)}); every synth copies it and every build uploads it. Largest: `
        + `${largest}. Keep data out with exclude, .dockerignore, or training input channels`,
    });
  }

  private warnOnce(scope: Construct, warning: Warning): void {
    let seen = this.warned.get(scope);
    if (!seen) {
      seen = new Set();
      this.warned.set(scope, seen);
    }
    const key = `${warning.id}\0${warning.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    Annotations.of(scope).addWarningV2(warning.id, warning.message);
  }
}

/** A path with symbolic links resolved, so that two spellings of one directory compare equal. */
function realPath(p: string): string {
  return fs.existsSync(p) ? fs.realpathSync(p) : p;
}

/**
 * The entry-point variables a Dockerfile can hold: a token is only known at deploy time, so it is left to
 * the job's or model's environment, which always carries the entry point.
 */
function bakeable(environment: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.entries(environment).filter(([, value]) => !Token.isUnresolved(value)));
}

function architectureOf(platform: ecr_assets.Platform): CpuArchitecture | undefined {
  if (/^linux\/(amd64|x86_64)$/.test(platform.platform)) return CpuArchitecture.X86_64;
  if (/^linux\/(arm64|aarch64)(\/v8)?$/.test(platform.platform)) return CpuArchitecture.ARM64;
  return undefined;
}

/** The first of `base`, `base2`, `base3` ... not yet taken in the scope. */
function freeId(scope: Construct, base: string): string {
  let id = base;
  for (let n = 2; scope.node.tryFindChild(id); n++) id = `${base}${n}`;
  return id;
}

/**
 * A resolved CloudFormation value as a literal string, knowing the pseudo parameters from a stack with
 * an explicit environment; undefined when it depends on deploy-time values.
 */
function literalOf(stack: Stack, value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const obj = value as { [key: string]: unknown };
  if (Array.isArray(obj['Fn::Join'])) {
    const [separator, parts] = obj['Fn::Join'] as [string, unknown[]];
    const literals = parts.map(p => literalOf(stack, p));
    return literals.some(l => l === undefined) ? undefined : literals.join(separator);
  }
  const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
  switch (obj.Ref) {
    case 'AWS::AccountId': return Token.isUnresolved(stack.account) ? undefined : stack.account;
    case 'AWS::Region': return region;
    case 'AWS::URLSuffix': return region === undefined ? undefined : urlSuffixOf(region);
    case 'AWS::Partition': return region === undefined ? undefined : partitionOf(region);
    default: return undefined;
  }
}
