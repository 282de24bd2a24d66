import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BaseImage, BaseImageConfig } from './base-image';
import { DLC_CATALOG, DLC_CATALOG_SDK_VERSION, DLC_REGISTRIES, DlcImageFamily, DlcImageVersion } from './dlc-catalog.generated';
import { ImageAccelerator, Workload } from '../compute/accelerator';
import { InstanceType } from '../compute/instance-type';

/**
 * A framework of the AWS Deep Learning Containers.
 */
export enum DeepLearningFramework {
  /** PyTorch (`pytorch-training`, `pytorch-inference`; `pytorch-training-neuron` on Trainium). */
  PYTORCH = 'PYTORCH',
  /** TensorFlow (`tensorflow-training`, `tensorflow-inference`). */
  TENSORFLOW = 'TENSORFLOW',
  /**
   * Hugging Face Transformers on PyTorch (`huggingface-pytorch-training`, `huggingface-pytorch-inference`, and
   * their `-neuronx` variants). The version is the Transformers version; the image is the one built on the newest
   * PyTorch release listed for it.
   */
  HUGGINGFACE = 'HUGGINGFACE',
  /**
   * Hugging Face Text Generation Inference (`huggingface-pytorch-tgi-inference`), for hosting only. The version is
   * the TGI version (GPU) or the Optimum Neuron TGI version (Inferentia2).
   */
  HUGGINGFACE_TGI = 'HUGGINGFACE_TGI',
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
   * the Transformers version (`4.56.2`), for TGI the TGI version (`3.3.6`).
   */
  readonly version: string;

  /**
   * What the image runs: training and processing use the training images, hosting and batch transform the
   * inference images.
   */
  readonly workload: Workload;

  /**
   * The accelerator to pick the image for: `CPU`, `NVIDIA_GPU` or `NEURON`. Give this or `instanceType`.
   *
   * @default - chosen from `instanceType`
   */
  readonly accelerator?: ImageAccelerator;

  /**
   * The instance type the image will run on; the processor in the tag is chosen from its family the way the
   * SageMaker Python SDK does (`g*` / `p*` GPU, `inf*` / `trn*` Neuron, the rest CPU). Give this or `accelerator`.
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

const FRAMEWORK_KEYS: { [f: string]: string } = {
  [DeepLearningFramework.PYTORCH]: 'pytorch',
  [DeepLearningFramework.TENSORFLOW]: 'tensorflow',
  [DeepLearningFramework.HUGGINGFACE]: 'huggingface',
  [DeepLearningFramework.HUGGINGFACE_TGI]: 'huggingface-tgi',
};

const PROCESSOR_ACCELERATORS: { [p: string]: ImageAccelerator } = {
  cpu: ImageAccelerator.CPU,
  gpu: ImageAccelerator.NVIDIA_GPU,
};

/** An image chosen from the catalog: everything but the registry, which needs the stack's region. */
interface ChosenImage {
  readonly repository: string;
  readonly tag: string;
  readonly registries: { [region: string]: string };
  readonly accelerator: ImageAccelerator;
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

/**
 * Picks repository and tag from the generated catalog. Every problem found is reported together.
 */
function choose(props: DeepLearningContainerProps): ChosenImage {
  const problems: string[] = [];
  const fw = FRAMEWORK_KEYS[props.framework];
  const scope = props.workload === Workload.TRAINING || props.workload === Workload.PROCESSING ? 'training' : 'inference';
  const instanceType = props.instanceType;
  const instanceFamily = instanceType && !Token.isUnresolved(instanceType.name) ? instanceType.family : undefined;

  if (props.accelerator !== undefined && instanceType !== undefined) {
    problems.push(`give accelerator or instanceType, not both (got accelerator ${props.accelerator} and instanceType ${instanceType.name})`);
  } else if (props.accelerator === undefined && instanceType === undefined) {
    problems.push('give accelerator (CPU, NVIDIA_GPU or NEURON) or instanceType to choose the image\'s processor');
  } else if (props.accelerator === ImageAccelerator.ANY) {
    problems.push('accelerator ANY does not choose an image; use CPU, NVIDIA_GPU or NEURON');
  } else if (instanceType !== undefined && instanceFamily === undefined) {
    problems.push(`instanceType ${instanceType.name} is a token, so the image's processor cannot be chosen from it; give accelerator instead`);
  }
  if (problems.length > 0) {
    throw new Error(`BaseImage.fromDeepLearningContainer: ${problems.join('; ')}`);
  }

  const neuron = props.accelerator === ImageAccelerator.NEURON
    || (instanceFamily !== undefined && (instanceFamily.startsWith('inf') || instanceFamily.startsWith('trn')));
  const key = `${fw}/${scope}${neuron ? '/neuron' : ''}`;
  const family: DlcImageFamily | undefined = DLC_CATALOG[key];
  if (!family) {
    const offered = Object.keys(DLC_CATALOG).filter((k) => k.startsWith(`${fw}/`))
      .map((k) => `${k.includes('/training') ? 'training' : 'inference'} on ${k.endsWith('/neuron') ? 'Neuron' : 'CPU/GPU'}`);
    throw new Error(`BaseImage.fromDeepLearningContainer: framework ${props.framework} has no ${scope} image for `
      + `${neuron ? 'AWS Neuron (Inferentia/Trainium)' : 'CPU or GPU'} instances; it has ${offered.join(', ')}`);
  }

  const version = props.version;
  let fullVersion = version;
  let entry: DlcImageVersion | undefined;
  if (!Token.isUnresolved(version)) {
    fullVersion = family.versionAliases[version] ?? version;
    entry = family.versions[fullVersion];
  }
  if (!entry) {
    const available = Object.keys(family.versions).sort(compareVersions);
    problems.push(`version ${version} is not a published ${props.framework} ${scope} image${neuron ? ' for Neuron' : ''}; `
      + `use one of ${available.join(', ')} (or a short form: ${Object.keys(family.versionAliases).sort(compareVersions).join(', ')})`);
  }

  let processor: string;
  if (instanceFamily !== undefined) {
    processor = processorFor(instanceFamily, family.processors);
  } else if (props.accelerator === ImageAccelerator.NEURON) {
    processor = family.processors[0];
  } else {
    processor = props.accelerator === ImageAccelerator.NVIDIA_GPU ? 'gpu' : 'cpu';
  }
  if (!family.processors.includes(processor)) {
    const given = instanceType ? `instanceType ${instanceType.name}` : `accelerator ${props.accelerator}`;
    problems.push(`${given} needs a '${processor}' image, but ${props.framework} ${scope} images are published for `
      + `${family.processors.join(', ')} only`);
  }

  let py: string | undefined;
  if (entry && entry.pyVersions.length > 0) {
    const available = [...entry.pyVersions].sort(compareVersions);
    if (props.pythonVersion === undefined) {
      py = available[available.length - 1];
    } else {
      const wanted = /^\d+\.\d+$/.test(props.pythonVersion) ? `py${props.pythonVersion.replace('.', '')}` : props.pythonVersion;
      if (available.includes(wanted)) {
        py = wanted;
      } else {
        problems.push(`pythonVersion ${props.pythonVersion} is not published for ${props.framework} ${fullVersion}; use one of ${available.join(', ')}`);
      }
    }
  }

  if (problems.length > 0 || !entry) {
    throw new Error(`BaseImage.fromDeepLearningContainer: ${problems.join('\n')}`);
  }

  // Tag as the SageMaker Python SDK composes it (image_uris.retrieve / _format_tag):
  // <prefix>-<processor or tool>[-<py>][-<sdk>-<container version>].
  let containerVersion = entry.containerVersion?.[processor];
  if (containerVersion === undefined && entry.containerVersion && Object.keys(entry.containerVersion).length === 1) {
    // The Neuron training configs key their one container version by `inf` while their processor is `trn`
    // (the SDK itself fails there); the published tags carry it.
    containerVersion = Object.values(entry.containerVersion)[0];
  }
  if (entry.sdkVersion) {
    containerVersion = [entry.sdkVersion, containerVersion].filter((x) => x).join('-');
  }
  let prefix: string;
  if (entry.frameworkVersion !== undefined) {
    // Hugging Face: <pytorch>-transformers<version>; the Neuron inference images name the full version.
    const transformers = neuron && scope === 'inference' ? fullVersion : version;
    prefix = `${entry.frameworkVersion}-transformers${transformers}`;
  } else {
    prefix = entry.tagPrefix ?? version;
  }
  const tag = [prefix, family.tool ?? processor, py, containerVersion].filter((x) => x).join('-');
  return {
    repository: entry.repository,
    tag,
    registries: DLC_REGISTRIES[entry.registries],
    accelerator: PROCESSOR_ACCELERATORS[processor] ?? ImageAccelerator.NEURON,
  };
}

/**
 * The registry host for a region: `<account>.dkr.ecr.<region>.amazonaws.com`, `.amazonaws.com.cn` in China.
 */
function registryHost(account: string, region: string): string {
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${account}.dkr.ecr.${region}.${domain}`;
}

/**
 * Creates the base image behind `BaseImage.fromDeepLearningContainer`. The repository, tag and accelerator are
 * chosen (and checked) here; the registry when the image is bound, from the stack's region.
 * Internal: defined lazily because base-image.ts imports this module.
 */
export function deepLearningContainerBaseImage(props: DeepLearningContainerProps): BaseImage {
  const chosen = choose(props);

  class DeepLearningContainerBaseImage extends BaseImage {
    public readonly accelerator = chosen.accelerator;

    public bind(scope: Construct): BaseImageConfig {
      const stack = Stack.of(scope);
      const region = stack.region;
      if (Token.isUnresolved(region)) {
        throw new Error('BaseImage.fromDeepLearningContainer: the Deep Learning Container registry depends on the region, '
          + `and stack ${stack.stackName} has no concrete region; give the stack one (env: { region: 'us-east-1' })`);
      }
      const account = chosen.registries[region];
      if (!account) {
        throw new Error(`BaseImage.fromDeepLearningContainer: ${chosen.repository}:${chosen.tag} is not published in region `
          + `${region} (SageMaker Python SDK ${DLC_CATALOG_SDK_VERSION}); it is in ${Object.keys(chosen.registries).sort().join(', ')}`);
      }
      return { imageUri: `${registryHost(account, region)}/${chosen.repository}:${chosen.tag}`, accelerator: this.accelerator };
    }
  }

  return new DeepLearningContainerBaseImage();
}
