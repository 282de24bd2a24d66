// The AWS Deep Learning Container catalog: which repository and tag the SageMaker Python SDK's
// `image_uris.retrieve` composes for a framework, version, use and instance, from the generated catalog. Shared by
// `BaseImage.fromDeepLearningContainer` (an image to build FROM) and `SageMakerImage.fromDeepLearningContainer`
// (an image run as it is); this module imports neither of them.
import { Token } from 'aws-cdk-lib';
import {
  DLC_CATALOG, DLC_CATALOG_SDK_VERSION, DLC_DEPRECATED_FAMILIES, DLC_GRAVITON_FAMILIES, DLC_GRAVITON_FRAMEWORKS,
  DLC_P4D_CONTAINER_VERSIONS, DLC_REGISTRIES, DlcImageFamily, DlcImageVersion,
} from './dlc-catalog.generated';
import { EntryPoint } from './entry-point';
import { AcceleratorKind, CpuArchitecture, ImageAccelerator, Workload } from '../compute/accelerator';
import { InstanceType } from '../compute/instance-type';
import { partitionOf, urlSuffixOf } from '../private/image-uri';
import { Problems, checkMember } from '../private/validation';

/**
 * A framework of the AWS Deep Learning Containers (and the SageMaker framework containers of scikit-learn and
 * XGBoost), as the SageMaker Python SDK names its image configs.
 */
export enum DeepLearningFramework {
  /**
   * PyTorch (`pytorch-training`, `pytorch-inference`; `pytorch-inference-graviton` on Graviton;
   * `pytorch-training-neuron` on Trainium).
   */
  PYTORCH = 'PYTORCH',
  /** TensorFlow (`tensorflow-training`, `tensorflow-inference`; `tensorflow-inference-graviton` on Graviton). */
  TENSORFLOW = 'TENSORFLOW',
  /** Apache MXNet (`mxnet-training`, `mxnet-inference`; the oldest versions `sagemaker-mxnet`). */
  MXNET = 'MXNET',
  /** scikit-learn (`sagemaker-scikit-learn`), CPU only; versions as `1.2-1`. */
  SKLEARN = 'SKLEARN',
  /** XGBoost (`sagemaker-xgboost`); versions as `1.7-1`. */
  XGBOOST = 'XGBOOST',
  /**
   * Hugging Face Transformers on PyTorch (`huggingface-pytorch-training`, `huggingface-pytorch-inference`, their
   * `-neuronx` variants for Inferentia2 / Trainium and `-neuron` for Inferentia 1). The version is the Transformers
   * version; the image is the one built on the newest PyTorch release listed for it.
   */
  HUGGINGFACE = 'HUGGINGFACE',
  /**
   * Hugging Face Text Generation Inference (`huggingface-pytorch-tgi-inference`), for hosting only. The version is
   * the TGI version (NVIDIA GPU) or the Optimum Neuron TGI version (Inferentia2).
   */
  HUGGINGFACE_TGI = 'HUGGINGFACE_TGI',
  /**
   * Hugging Face Text Embeddings Inference (`tei` on NVIDIA GPUs, `tei-cpu` on CPU), for hosting embedding models.
   */
  HUGGINGFACE_TEI = 'HUGGINGFACE_TEI',
  /** DJL Large Model Inference (`djl-inference:<v>-lmi...`): vLLM and LMI-Dist on NVIDIA GPUs, for hosting. */
  DJL_LMI = 'DJL_LMI',
  /** DJL Large Model Inference with TensorRT-LLM (`djl-inference:<v>-tensorrtllm...`), NVIDIA GPUs, for hosting. */
  DJL_TENSORRTLLM = 'DJL_TENSORRTLLM',
  /** DJL Large Model Inference on AWS Neuron (`djl-inference:<v>-neuronx...`), Inferentia2 / Trainium, for hosting. */
  DJL_NEURONX = 'DJL_NEURONX',
}

/**
 * Properties of `BaseImage.fromDeepLearningContainer`.
 */
export interface DeepLearningContainerProps {
  /**
   * The framework.
   */
  readonly framework: DeepLearningFramework;

  /**
   * The framework version, as the SageMaker Python SDK names it: full (`2.8.0`) or short (`2.8`). For Hugging Face
   * the Transformers version (`4.56.2`), for TGI / TEI the server version (`3.3.6`), for DJL the DJL version
   * (`0.33.0`), for scikit-learn and XGBoost the container version (`1.2-1`).
   */
  readonly version: string;

  /**
   * What the image runs: `TRAINING` and `PROCESSING` use the training images; `INFERENCE`, `HOSTING` and
   * `TRANSFORM` the inference images.
   */
  readonly workload: Workload;

  /**
   * The accelerator to pick the image for: `CPU`, `NVIDIA_GPU` or `NEURON` (x86 images; Graviton images are
   * picked from `instanceType`). Give this or `instanceType`.
   *
   * @default - chosen from `instanceType`
   */
  readonly accelerator?: ImageAccelerator;

  /**
   * The instance type the image will run on; the image is chosen from its family the way the SageMaker Python SDK
   * does (`g*` / `p*` GPU; `inf1` Inferentia 1; `inf2` / `trn*` Neuron; Graviton families the arm64 images; the
   * rest CPU). Give this or `accelerator`.
   *
   * @default - chosen from `accelerator`
   */
  readonly instanceType?: InstanceType;

  /**
   * The Python version of the image, `py312` or `3.12`.
   *
   * @default - the newest one published for the version
   */
  readonly pythonVersion?: string;
}

/**
 * Properties of `SageMakerImage.fromDeepLearningContainer`: the container, and what it runs.
 */
export interface DeepLearningContainerImageProps extends DeepLearningContainerProps {
  /**
   * What the container runs: for a framework container, the user script (`EntryPoint.program('train.py')`) that
   * the framework's own module runs; set in the job's or model's environment (a training job's
   * [`Environment`](https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-Environment), a model's container definition).
   *
   * @default - none: the container's own `ENTRYPOINT` / `ENV` decide (a model server such as TGI reads its
   * environment, a framework container its defaults)
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-Environment
   */
  readonly entryPoint?: EntryPoint;

  /**
   * Extra environment variables the job or model sets (for a model server: `HF_MODEL_ID`, `SM_NUM_GPUS`, ...).
   * The entry-point variables belong to `entryPoint` and are refused here.
   *
   * Set in a training job's [`Environment`](https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-Environment) and in a model's container definition.
   *
   * @default - only the entry-point variables
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-Environment
   */
  readonly environment?: { [key: string]: string };
}

/** What the library knows of a framework beyond the SDK data. */
interface FrameworkFacts {
  /** Catalog key prefix (the SDK config name of its CPU/GPU images). */
  readonly key: string;
  /** The module the framework's training image runs (its `SAGEMAKER_TRAINING_MODULE`). */
  readonly trainingModule?: string;
  /** The module the framework's inference image serves with (its `SAGEMAKER_SERVING_MODULE`). */
  readonly servingModule?: (repository: string) => string | undefined;
  /** The accelerator of images whose tag names no processor (DJL). */
  readonly accelerator?: ImageAccelerator;
}

// Modules from the frameworks' own toolkits (sagemaker-pytorch-training-toolkit, sagemaker-tensorflow-training-toolkit,
// sagemaker-mxnet-training-toolkit / -inference-toolkit, sagemaker-scikit-learn-container, sagemaker-xgboost-container,
// sagemaker-huggingface-inference-toolkit). TensorFlow serves with TensorFlow Serving, and TGI, TEI and DJL with their
// own servers: no Python serving module.
const FRAMEWORKS: { [f: string]: FrameworkFacts } = {
  [DeepLearningFramework.PYTORCH]: {
    key: 'pytorch',
    trainingModule: 'sagemaker_pytorch_container.training:main',
    servingModule: () => 'sagemaker_pytorch_serving_container.serving:main',
  },
  [DeepLearningFramework.TENSORFLOW]: { key: 'tensorflow', trainingModule: 'sagemaker_tensorflow_container.training:main' },
  [DeepLearningFramework.MXNET]: {
    key: 'mxnet',
    trainingModule: 'sagemaker_mxnet_container.training:main',
    // The legacy sagemaker-mxnet(-serving) images serve through sagemaker-containers' gunicorn app; the Deep
    // Learning Containers (mxnet-inference) through the MXNet inference toolkit.
    servingModule: (repository) => repository === 'mxnet-inference'
      ? 'sagemaker_mxnet_serving_container.serving:main' : 'sagemaker_mxnet_container.serving:main',
  },
  [DeepLearningFramework.SKLEARN]: {
    key: 'sklearn',
    trainingModule: 'sagemaker_sklearn_container.training:main',
    servingModule: () => 'sagemaker_sklearn_container.serving:main',
  },
  [DeepLearningFramework.XGBOOST]: {
    key: 'xgboost',
    trainingModule: 'sagemaker_xgboost_container.training:main',
    servingModule: (repository) => repository === 'sagemaker-xgboost' ? 'sagemaker_xgboost_container.serving:main' : undefined,
  },
  [DeepLearningFramework.HUGGINGFACE]: {
    key: 'huggingface',
    trainingModule: 'sagemaker_pytorch_container.training:main',
    servingModule: () => 'sagemaker_huggingface_inference_toolkit.serving:main',
  },
  [DeepLearningFramework.HUGGINGFACE_TGI]: { key: 'huggingface-tgi' },
  [DeepLearningFramework.HUGGINGFACE_TEI]: { key: 'huggingface-tei' },
  [DeepLearningFramework.DJL_LMI]: { key: 'djl-lmi', accelerator: ImageAccelerator.NVIDIA_GPU },
  [DeepLearningFramework.DJL_TENSORRTLLM]: { key: 'djl-tensorrtllm', accelerator: ImageAccelerator.NVIDIA_GPU },
  [DeepLearningFramework.DJL_NEURONX]: { key: 'djl-neuronx', accelerator: ImageAccelerator.NEURON },
};

/** The values `workload` takes, in messages. */
const WORKLOADS = Object.values(Workload);
const TRAINING_WORKLOADS: string[] = [Workload.TRAINING, Workload.PROCESSING];

const PROCESSOR_ACCELERATORS: { [p: string]: ImageAccelerator } = {
  cpu: ImageAccelerator.CPU,
  gpu: ImageAccelerator.NVIDIA_GPU,
};

/** An image chosen from the catalog: everything but the registry host, which needs the stack's region. */
export interface ChosenDeepLearningContainer {
  /** Training or inference image. */
  readonly scope: 'training' | 'inference';
  /** ECR repository name. */
  readonly repository: string;
  /** Image tag. */
  readonly tag: string;
  /** Region -> registry account. */
  readonly registries: { [region: string]: string };
  /** The accelerators the image runs on. */
  readonly accelerator: ImageAccelerator;
  /** The image's CPU architecture. */
  readonly architecture: CpuArchitecture;
  /** The framework's training module, when the image is a training image of a framework toolkit. */
  readonly trainingModule?: string;
  /** The framework's serving module, when the image is an inference image served by a Python toolkit. */
  readonly servingModule?: string;
  /** The CUDA version the tag names (`12.9` for `cu129`). */
  readonly cudaVersion?: string;
  /** `<repository>:<tag>`, for messages. */
  readonly name: string;
}

function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The processor for an instance type, as the SageMaker Python SDK's `image_uris._processor` picks it. */
function processorFor(family: string, processors: string[]): string {
  if (processors.includes(family)) return family;
  if (family.startsWith('inf')) return 'inf';
  if (family.startsWith('trn')) return 'trn';
  if (family[0] === 'g' || family[0] === 'p') return 'gpu';
  return 'cpu';
}

/** The accelerator kind an instance family implies, for types that are not catalogued too. */
function isNeuronFamily(family: string): boolean {
  return family.startsWith('inf') || family.startsWith('trn');
}

/**
 * Picks the catalog family: `<framework>/<scope>[/<variant>]`. Undefined with a problem added when none fits.
 */
function familyKeyFor(framework: DeepLearningFramework, scope: 'training' | 'inference', facts: FrameworkFacts,
  instanceFamily: string | undefined, accelerator: ImageAccelerator | undefined, graviton: boolean, gpu: boolean,
  problems: Problems): string | undefined {
  const fw = facts.key;
  const neuron = accelerator === ImageAccelerator.NEURON || (instanceFamily !== undefined && isNeuronFamily(instanceFamily));
  const on = instanceFamily !== undefined ? `instanceType ml.${instanceFamily}.*` : `accelerator ${accelerator}`;
  if (graviton) {
    if (gpu) {
      problems.add(`framework ${framework} has no arm64 GPU image for ${on} (an arm64 host with NVIDIA GPUs); the Deep Learning `
        + 'Containers for NVIDIA GPUs are x86 images: use an x86 GPU instance type (ml.p6-b200.*, ml.p5.*, ml.g6e.*, ...)');
      return undefined;
    }
    if (!DLC_GRAVITON_FRAMEWORKS.includes(fw)) {
      problems.add(`framework ${framework} has no Graviton (arm64) image for ${on}; Graviton images are published for `
        + `${frameworksWith((k) => k.endsWith('/graviton'))} (inference only); use an x86 instance type`);
      return undefined;
    }
    if (scope === 'training') {
      problems.add(`framework ${framework} has no Graviton (arm64) training image for ${on}; Graviton images are for `
        + 'inference only; use an x86 instance type for training and processing');
      return undefined;
    }
    return `${fw}/inference/graviton`;
  }
  if (neuron) {
    if (facts.accelerator === ImageAccelerator.NVIDIA_GPU) {
      problems.add(`framework ${framework} needs NVIDIA GPUs, but ${on} has AWS Neuron devices; use a GPU instance type `
        + '(ml.g5.*, ml.g6e.*, ml.p4d.*, ...), or DJL_NEURONX for Inferentia2 / Trainium');
      return undefined;
    }
    if (framework === DeepLearningFramework.HUGGINGFACE && instanceFamily === 'inf1') return `${fw}/${scope}/inf1`;
    if (framework === DeepLearningFramework.DJL_NEURONX) return `${fw}/${scope}`;
    return `${fw}/${scope}/neuron`;
  }
  if (framework === DeepLearningFramework.DJL_NEURONX) {
    problems.add(`framework ${framework} needs AWS Neuron devices, but ${on} has none; use an Inferentia2 or Trainium `
      + 'instance type (ml.inf2.*, ml.trn1.*), or DJL_LMI for NVIDIA GPUs');
    return undefined;
  }
  if (framework === DeepLearningFramework.HUGGINGFACE_TEI) {
    const cpu = instanceFamily !== undefined ? processorFor(instanceFamily, []) === 'cpu' : accelerator === ImageAccelerator.CPU;
    return cpu ? `${fw}/${scope}/cpu` : `${fw}/${scope}`;
  }
  return `${fw}/${scope}`;
}

/** The frameworks with a catalog family that passes `test`, in words. */
function frameworksWith(test: (key: string) => boolean): string {
  const keys = new Set(Object.keys(DLC_CATALOG).filter(test).map((k) => k.split('/')[0]));
  return Object.entries(FRAMEWORKS).filter(([, f]) => keys.has(f.key)).map(([name]) => name).join(', ');
}

function variantWords(key: string): string {
  const variant = key.split('/')[2];
  switch (variant) {
    case 'graviton': return 'Graviton (arm64)';
    case 'neuron': return 'AWS Neuron (Inferentia2 / Trainium)';
    case 'inf1': return 'Inferentia 1';
    case 'cpu': return 'CPU';
    default: return key.startsWith('djl-neuronx/') ? 'AWS Neuron' : 'CPU or GPU';
  }
}

/** Checks the props' types and members (inputs from JavaScript, Python, Java, .NET and Go reach here unchecked). */
function checkProps(props: DeepLearningContainerProps, problems: Problems): void {
  if (props === undefined || props === null || typeof props !== 'object') {
    problems.add(`props ${JSON.stringify(props)} is not allowed; give { framework, version, workload, instanceType or accelerator }`);
    return;
  }
  if (props.framework === undefined) {
    problems.add(`framework is required; use one of ${Object.values(DeepLearningFramework).join(', ')}`);
  }
  checkMember(problems, 'framework', props.framework, Object.values(DeepLearningFramework));
  if (props.workload === undefined) {
    problems.add(`workload is required; use one of ${WORKLOADS.join(', ')}`);
  }
  checkMember(problems, 'workload', props.workload, WORKLOADS);
  checkMember(problems, 'accelerator', props.accelerator, Object.values(ImageAccelerator));
  if (typeof props.version !== 'string' || (!Token.isUnresolved(props.version) && props.version.trim() === '')) {
    problems.add(`version ${JSON.stringify(props.version)} is not allowed; use the framework version as a string, e.g. '2.8.0'`);
  }
  if (props.pythonVersion !== undefined && typeof props.pythonVersion !== 'string') {
    problems.add(`pythonVersion ${JSON.stringify(props.pythonVersion)} is not allowed; use a string such as 'py312' or '3.12'`);
  }
  const it: unknown = props.instanceType;
  if (it !== undefined && !(it instanceof InstanceType)) {
    problems.add(typeof it === 'string'
      ? `instanceType '${it}' is a string; use InstanceType.of('${it}') (or a constant such as InstanceType.ML_G5_XLARGE)`
      : `instanceType ${JSON.stringify(it)} is not an InstanceType; use InstanceType.of('ml.g5.xlarge') or a constant such as InstanceType.ML_G5_XLARGE`);
  }
}

/**
 * Picks repository, tag and accelerator from the generated catalog, following the SageMaker Python SDK's
 * `image_uris.retrieve`; where the library departs from the SDK, test/image/dlc-oracle-exceptions.ts says why.
 * Every problem found is reported together, prefixed by `where`.
 *
 * @internal
 */
export function chooseDeepLearningContainer(props: DeepLearningContainerProps, where: string): ChosenDeepLearningContainer {
  const problems = new Problems();
  checkProps(props, problems);
  problems.throwIfAny(where);

  const framework = props.framework;
  const facts = FRAMEWORKS[framework];
  const scope = TRAINING_WORKLOADS.includes(props.workload) ? 'training' : 'inference';
  const instanceType = props.instanceType;
  const instanceFamily = instanceType && !Token.isUnresolved(instanceType.name) ? instanceType.family : undefined;

  if (props.accelerator !== undefined && instanceType !== undefined) {
    problems.add(`give accelerator or instanceType, not both (got accelerator ${props.accelerator} and instanceType ${instanceType.name})`);
  } else if (props.accelerator === undefined && instanceType === undefined) {
    problems.add('give accelerator (CPU, NVIDIA_GPU or NEURON) or instanceType to choose the image');
  } else if (props.accelerator === ImageAccelerator.ANY) {
    problems.add('accelerator ANY does not choose an image; use CPU, NVIDIA_GPU or NEURON');
  } else if (instanceType !== undefined && instanceFamily === undefined) {
    problems.add(`instanceType ${instanceType.name} is a token, so the image cannot be chosen from it; give accelerator instead`);
  }
  problems.throwIfAny(where);

  // Graviton: the families the SDK lists, and any other arm64 instance (the SDK would hand those an x86 image).
  const graviton = instanceFamily !== undefined
    && (DLC_GRAVITON_FAMILIES.includes(instanceFamily) || instanceType!.architecture === CpuArchitecture.ARM64);
  const gpu = instanceType !== undefined && instanceType.acceleratorKind === AcceleratorKind.NVIDIA_GPU;
  const key = familyKeyFor(framework, scope, facts, instanceFamily, props.accelerator, graviton, gpu, problems);
  problems.throwIfAny(where);
  const family: DlcImageFamily | undefined = DLC_CATALOG[key!];
  if (!family) {
    const offered = Object.keys(DLC_CATALOG).filter((k) => k.startsWith(`${facts.key}/`))
      .map((k) => `${k.split('/')[1]} on ${variantWords(k)}`);
    const on = instanceFamily !== undefined ? `instanceType ${instanceType!.name}` : `accelerator ${props.accelerator}`;
    problems.add(`framework ${framework} has no ${scope} image for ${on} (${variantWords(key!)}); it has ${offered.join(', ')}`);
    problems.throwIfAny(where);
  }

  const version = props.version;
  let fullVersion = version;
  let entry: DlcImageVersion | undefined;
  if (!Token.isUnresolved(version)) {
    fullVersion = family.versionAliases[version] ?? version;
    entry = family.versions[fullVersion];
  }
  if (!entry) {
    const available = Object.keys(family.versions);
    const aliases = Object.keys(family.versionAliases).sort(compareVersions);
    problems.add(`version ${version} is not a published ${framework} ${scope} image for ${variantWords(key!)} instances; `
      + `use one of ${available.join(', ')}${aliases.length > 0 ? ` (or a short form: ${aliases.join(', ')})` : ''}`);
    problems.throwIfAny(where);
  }
  const image = entry!;

  // The processor the tag names: the family's processors, or the version's (scikit-learn, XGBoost); none for DJL
  // and the newest XGBoost images, whose one image runs on CPU and GPU.
  const processors = family.processors.length > 0 ? family.processors : image.processors ?? [];
  let processor: string | undefined;
  if (processors.length > 0) {
    if (instanceFamily !== undefined) {
      processor = processorFor(instanceFamily, processors);
    } else if (props.accelerator === ImageAccelerator.NEURON) {
      processor = processors[0];
    } else {
      processor = props.accelerator === ImageAccelerator.NVIDIA_GPU ? 'gpu' : 'cpu';
    }
    if (!processors.includes(processor)) {
      const given = instanceType ? `instanceType ${instanceType.name}` : `accelerator ${props.accelerator}`;
      problems.add(`${given} needs a '${processor}' image, but ${framework} ${fullVersion} ${scope} images are published for `
        + `${processors.join(', ')} only`);
    }
  }
  const accelerator = processor === undefined ? facts.accelerator ?? ImageAccelerator.ANY
    : PROCESSOR_ACCELERATORS[processor] ?? (/^(inf|trn)/.test(processor) ? ImageAccelerator.NEURON : ImageAccelerator.NVIDIA_GPU);
  if (processor === undefined && facts.accelerator !== undefined && instanceType !== undefined) {
    const kind = instanceType.acceleratorKind;
    const fits = facts.accelerator === ImageAccelerator.NVIDIA_GPU ? kind === AcceleratorKind.NVIDIA_GPU
      : kind === AcceleratorKind.AWS_INFERENTIA || kind === AcceleratorKind.AWS_TRAINIUM;
    if (!fits) {
      problems.add(`instanceType ${instanceType.name} has no ${facts.accelerator === ImageAccelerator.NVIDIA_GPU ? 'NVIDIA GPU' : 'AWS Neuron device'}, `
        + `but ${framework} images need one; use ${facts.accelerator === ImageAccelerator.NVIDIA_GPU ? 'a GPU type (ml.g5.*, ml.g6e.*, ml.p4d.*, ...)' : 'an Inferentia2 or Trainium type (ml.inf2.*, ml.trn1.*)'}`);
    }
  } else if (processor === undefined && facts.accelerator !== undefined && props.accelerator !== undefined
    && props.accelerator !== facts.accelerator) {
    problems.add(`accelerator ${props.accelerator} is not allowed for ${framework}, whose images need ${facts.accelerator}`);
  }

  // Deprecated GPU generations (the SDK's _validate_instance_deprecation).
  const deprecatedFrom = instanceFamily !== undefined ? DLC_DEPRECATED_FAMILIES[instanceFamily]?.[family.framework] : undefined;
  if (deprecatedFrom !== undefined && compareVersions(fullVersion, deprecatedFrom) >= 0) {
    problems.add(`instanceType ${instanceType!.name} is deprecated for ${framework} ${deprecatedFrom} and later (got ${version}); `
      + 'use a newer GPU generation such as ml.g5.xlarge or ml.p3.2xlarge');
  }

  let py: string | undefined;
  if (image.pyVersions.length > 0) {
    const available = [...image.pyVersions].sort(compareVersions);
    if (props.pythonVersion === undefined) {
      py = available[available.length - 1];
    } else {
      const wanted = /^\d+\.\d+$/.test(props.pythonVersion) ? `py${props.pythonVersion.replace('.', '')}` : props.pythonVersion;
      if (available.includes(wanted)) {
        py = wanted;
      } else {
        problems.add(`pythonVersion ${props.pythonVersion} is not published for ${framework} ${fullVersion}; use one of ${available.join(', ')}`);
      }
    }
  }
  problems.throwIfAny(where);

  const repository = (py !== undefined ? image.byPython?.[py]?.repository : undefined) ?? image.repository;
  const registries = DLC_REGISTRIES[(py !== undefined ? image.byPython?.[py]?.registries : undefined) ?? image.registries];
  const tag = image.tag ?? composeTag(family, image, { processor, py, version, fullVersion, key: key!, instanceFamily });
  const cuda = /(?:^|-)cu(\d+)(\d)(?:-|$)/.exec(tag);
  const inference = scope === 'inference';
  return {
    scope,
    repository,
    tag,
    registries,
    accelerator,
    architecture: graviton ? CpuArchitecture.ARM64 : CpuArchitecture.X86_64,
    trainingModule: inference ? undefined : facts.trainingModule,
    servingModule: inference ? facts.servingModule?.(repository) : undefined,
    cudaVersion: cuda ? `${cuda[1]}.${cuda[2]}` : undefined,
    name: `${repository}:${tag}`,
  };
}

/** The tag as the SageMaker Python SDK composes it (`image_uris.retrieve`, `_get_image_tag`, `_format_tag`). */
function composeTag(family: DlcImageFamily, image: DlcImageVersion, o: {
  processor?: string; py?: string; version: string; fullVersion: string; key: string; instanceFamily?: string;
}): string {
  // <prefix>-<processor or tool>[-<py>][-<sdk>-<container version>]
  let containerVersion = o.processor !== undefined ? image.containerVersion?.[o.processor] : undefined;
  if (containerVersion === undefined && image.containerVersion && Object.keys(image.containerVersion).length === 1) {
    // The Neuron training configs key their one container version by `inf` while their processor is `trn`
    // (the SDK itself fails there); the published tags carry it.
    containerVersion = Object.values(image.containerVersion)[0];
  }
  if (image.sdkVersion) {
    containerVersion = [image.sdkVersion, containerVersion].filter((x) => x).join('-');
  }
  if (containerVersion === undefined && image.frameworkVersion !== undefined && o.processor === 'gpu' && o.key === 'huggingface/training') {
    // The Hugging Face estimator (image_uris.get_training_image_uri) names the CUDA 11 base of the GPU training images
    // whose config carries no container version.
    containerVersion = 'cu110-ubuntu18.04';
  }
  if (image.tagSuffix) {
    containerVersion = `${containerVersion}-${image.tagSuffix}`;
  }
  let prefix: string;
  if (image.frameworkVersion !== undefined) {
    // Hugging Face: <pytorch>-transformers<version>; the Neuron inference images name the full version.
    const neuronInference = o.key.endsWith('inference/neuron') || o.key.endsWith('inference/inf1');
    prefix = `${image.frameworkVersion}-transformers${neuronInference ? o.fullVersion : o.version}`;
  } else {
    prefix = image.tagPrefix ?? o.version;
  }
  let tag = [prefix, family.tool ?? o.processor, o.py, containerVersion].filter((x) => x).join('-');
  if (o.instanceFamily === 'p4d') {
    // The CUDA 11 images the SDK picks on ml.p4d (A100) for a few old versions.
    const suffix = DLC_P4D_CONTAINER_VERSIONS[`${family.framework}-${tag}`];
    if (suffix) tag = `${tag}-${suffix}`;
  }
  return tag;
}

/**
 * The partition and DNS suffix of a region, from aws-cdk-lib's region facts; throws (prefixed by `where`) for a
 * region the installed aws-cdk-lib does not know. A Deep Learning Container's region is always concrete, and its
 * URI is also a Dockerfile `FROM` line, which no deploy-time `AWS::URLSuffix` can fill: a guessed
 * `amazonaws.com` would be wrong in a new partition, so the region is refused rather than guessed.
 */
function regionFacts(region: string, where: string): { partition: string; urlSuffix: string } {
  const partition = partitionOf(region);
  const urlSuffix = urlSuffixOf(region);
  if (partition === undefined || urlSuffix === undefined) {
    throw new Error(`${where}: region ${region} is not known to the installed aws-cdk-lib, so the partition and DNS `
      + 'suffix of its Deep Learning Container registry are unknown; use a newer aws-cdk-lib, or '
      + 'SageMakerImage.fromImageUri with the full image URI');
  }
  return { partition, urlSuffix };
}

/**
 * The image URI of a chosen container in a region; throws (prefixed by `where`) when it is not published there.
 *
 * @internal
 */
export function deepLearningContainerUri(chosen: ChosenDeepLearningContainer, region: string, where: string): string {
  const account = chosen.registries[region];
  if (!account) {
    throw new Error(`${where}: ${chosen.name} is not published in region ${region} (SageMaker Python SDK `
      + `${DLC_CATALOG_SDK_VERSION}); it is in ${Object.keys(chosen.registries).sort().join(', ')}`);
  }
  return `${account}.dkr.ecr.${region}.${regionFacts(region, where).urlSuffix}/${chosen.repository}:${chosen.tag}`;
}

/**
 * The ECR repository ARN of a chosen container in a region (for the pull grant).
 *
 * @internal
 */
export function deepLearningContainerRepositoryArn(chosen: ChosenDeepLearningContainer, region: string, where: string): string {
  const { partition } = regionFacts(region, where);
  return `arn:${partition}:ecr:${region}:${chosen.registries[region]}:repository/${chosen.repository}`;
}

/**
 * The URI the library picks for props in a region, or throws; what the SDK oracle test compares.
 *
 * @internal
 */
export function resolveDeepLearningContainerUri(props: DeepLearningContainerProps, region: string): string {
  const where = 'fromDeepLearningContainer';
  return deepLearningContainerUri(chooseDeepLearningContainer(props, where), region, where);
}

/**
 * The framework modules a Dockerfile rendered FROM a base image bakes in as `ENV`, so that the image says which
 * module runs: the base's training / serving module, unless the entry point names its own module of that kind.
 *
 * @internal
 */
export function baseModuleEnvironment(base: { readonly trainingModule?: string; readonly servingModule?: string } | undefined,
  entryPoint: EntryPoint | undefined): { [key: string]: string } {
  const own = entryPoint?.imageEnvironment ?? {};
  const env: { [key: string]: string } = {};
  if (base?.trainingModule !== undefined && own.SAGEMAKER_TRAINING_MODULE === undefined) {
    env.SAGEMAKER_TRAINING_MODULE = base.trainingModule;
  }
  if (base?.servingModule !== undefined && own.SAGEMAKER_SERVING_MODULE === undefined) {
    env.SAGEMAKER_SERVING_MODULE = base.servingModule;
  }
  return env;
}
