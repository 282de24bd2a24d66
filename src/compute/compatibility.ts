// Internal: the checks that training jobs and endpoints run on their instance type. Not re-exported from
// src/compute/index.ts.
import { Annotations, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AcceleratorKind, CpuArchitecture, ImageAccelerator, Workload } from './accelerator';
import { InstanceType } from './instance-type';

/** Options of `checkInstanceType`. */
export interface InstanceCheckOptions {
  /** The instance type to check. */
  readonly instanceType: InstanceType;
  /** What the instance runs. */
  readonly workload: Workload;
  /** The accelerators the image runs on; no accelerator check without it. */
  readonly imageAccelerator?: ImageAccelerator;
  /** The image's CPU architecture; no architecture check without it. */
  readonly imageArchitecture?: CpuArchitecture;
  /** The CUDA version the image is built for (`12.4`); no CUDA-generation check without it. */
  readonly imageCudaVersion?: string;
  /** The prop name used in messages. Default `instanceType`. */
  readonly propName?: string;
}

/** The image facts a check runs against (everything of `InstanceCheckOptions` but the instance type and its use). */
export interface ImageFacts {
  /** The accelerators the image runs on. */
  readonly imageAccelerator?: ImageAccelerator;
  /** The image's CPU architecture. */
  readonly imageArchitecture?: CpuArchitecture;
  /** The CUDA version the image is built for. */
  readonly imageCudaVersion?: string;
}

/**
 * NVIDIA compute capability per GPU model of the catalog, and the first CUDA release whose code runs on it. A CUDA
 * release supports compute capability 3.5 and up before 12.0, 5.0 and up from 12.0, 7.5 and up from 13.0. Code
 * built for X.y runs on X.z for z >= y (NVIDIA's binary compatibility within an architecture), so a GPU needs
 * the first release of its architecture's X.0, not of its own minor: a CUDA 11.0 image (sm_80) runs on an A10G
 * (8.6), as the SageMaker Python SDK's CUDA 11.0 Hugging Face images on ml.g5 do.
 */
const GPU_GENERATIONS: { [model: string]: { readonly sm: number; readonly fromCuda: number } } = {
  'K80': { sm: 3.7, fromCuda: 0 },
  'M60': { sm: 5.2, fromCuda: 0 },
  'V100': { sm: 7.0, fromCuda: 9.0 },
  'T4': { sm: 7.5, fromCuda: 9.0 },
  'T4G': { sm: 7.5, fromCuda: 9.0 },
  'A100': { sm: 8.0, fromCuda: 11.0 },
  'A10G': { sm: 8.6, fromCuda: 11.0 },
  'L4': { sm: 8.9, fromCuda: 11.0 },
  'L40S': { sm: 8.9, fromCuda: 11.0 },
  'H100': { sm: 9.0, fromCuda: 11.8 },
  'H200': { sm: 9.0, fromCuda: 11.8 },
  'B200': { sm: 10.0, fromCuda: 12.8 },
  'GB200': { sm: 10.0, fromCuda: 12.8 },
  'B300': { sm: 10.3, fromCuda: 12.8 },
  'RTX PRO 4500 Blackwell': { sm: 12.0, fromCuda: 12.8 },
  'RTX PRO 6000 Blackwell': { sm: 12.0, fromCuda: 12.8 },
};

/** The oldest compute capability a CUDA release still builds for. */
function minimumSm(cuda: number): number {
  return cuda >= 13 ? 7.5 : cuda >= 12 ? 5.0 : 3.5;
}

/** Why a CUDA image cannot run on the GPU model, or undefined when it can (or either is unknown). */
function cudaMismatch(cudaVersion: string | undefined, model: string | undefined): string | undefined {
  const gpu = model !== undefined ? GPU_GENERATIONS[model] : undefined;
  const cuda = cudaVersion !== undefined ? Number(cudaVersion) : NaN;
  if (!gpu || Number.isNaN(cuda)) return undefined;
  if (gpu.sm < minimumSm(cuda)) return `CUDA ${cudaVersion} no longer supports the ${model} (compute capability ${gpu.sm})`;
  if (cuda < gpu.fromCuda) return `the ${model} (compute capability ${gpu.sm}) needs CUDA ${gpu.fromCuda} or later`;
  return undefined;
}

/** What a suggestion is checked against when the image's CUDA version is unknown: a current one. */
const CURRENT_CUDA = '12.8';

/** Warning ids (for `Annotations.fromStack(...).hasWarning` and for acknowledging). */
export const WARNING_IDS = {
  cpuImageOnAccelerator: '@cdk-sagemaker-containers/compute:cpuImageOnAcceleratedInstance',
  uncatalogued: '@cdk-sagemaker-containers/compute:uncataloguedInstanceType',
};

const WORKLOAD_WORDS: { [w: string]: string } = {
  [Workload.TRAINING]: 'training jobs',
  [Workload.HOSTING]: 'endpoints (hosting)',
  [Workload.PROCESSING]: 'processing jobs',
  [Workload.TRANSFORM]: 'batch transform jobs',
  [Workload.INFERENCE]: 'inference (endpoints or batch transform)',
};

const KIND_WORDS: { [k: string]: string } = {
  [AcceleratorKind.NONE]: 'CPU',
  [AcceleratorKind.NVIDIA_GPU]: 'NVIDIA GPU',
  [AcceleratorKind.AWS_INFERENTIA]: 'AWS Inferentia',
  [AcceleratorKind.AWS_TRAINIUM]: 'AWS Trainium',
  [AcceleratorKind.HABANA_GAUDI]: 'Habana Gaudi',
};

const NEURON_KINDS = [AcceleratorKind.AWS_INFERENTIA, AcceleratorKind.AWS_TRAINIUM];

/** Whether a type is valid for a workload; INFERENCE means hosting or batch transform. */
function supportsUse(t: InstanceType, workload: Workload): boolean {
  return workload === Workload.INFERENCE ? t.supports(Workload.HOSTING) || t.supports(Workload.TRANSFORM) : t.supports(workload);
}

/** How many alternatives an error lists. */
const SUGGESTIONS = 5;

/**
 * Catalogued types valid for the workload that pass `accept`, nearest to `near` first (same family, then
 * closest vCPU count, then name), as a comma-separated list of names.
 */
function suggest(workload: Workload, near: InstanceType, accept: (t: InstanceType) => boolean, image: ImageFacts = {}): string {
  const family = near.family;
  const vcpus = near.vcpus ?? 4;
  const distance = (t: InstanceType) => Math.abs(Math.log2(t.vcpus ?? 1) - Math.log2(vcpus));
  // every suggestion passes every check the construct runs next (use, accelerator, architecture, CUDA generation),
  // and is not burstable (so that autoscaling accepts it too)
  const facts: ImageFacts = { ...image, imageCudaVersion: image.imageCudaVersion ?? CURRENT_CUDA };
  const candidates = InstanceType.catalog()
    .filter((t) => t.name !== near.name && !t.burstable && accept(t) && problemsOf({ ...facts, instanceType: t, workload }).length === 0)
    .sort((a, b) =>
      Number(b.family === family) - Number(a.family === family)
      || distance(a) - distance(b)
      || a.name.localeCompare(b.name, 'en', { numeric: true }));
  return candidates.slice(0, SUGGESTIONS).map((t) => t.name).join(', ');
}

/** A few valid alternatives of the same accelerator kind (or of the same accelerator group, or any). */
function sameKindAlternatives(workload: Workload, instanceType: InstanceType, image: ImageFacts): string {
  const kind = instanceType.acceleratorKind;
  const same = suggest(workload, instanceType, (t) => t.acceleratorKind === kind, image);
  if (same) return `${same} (${KIND_WORDS[kind]})`;
  if (NEURON_KINDS.includes(kind)) {
    const neuron = suggest(workload, instanceType, (t) => NEURON_KINDS.includes(t.acceleratorKind), image);
    if (neuron) return `${neuron} (AWS Neuron)`;
  }
  return suggest(workload, instanceType, () => true, image);
}

/**
 * The errors `checkInstanceType` raises for a catalogued type, without suggestions and warnings: what a suggested
 * type must pass.
 */
function problemsOf(options: InstanceCheckOptions): string[] {
  const { instanceType: t, workload, imageAccelerator, imageArchitecture } = options;
  const problems: string[] = [];
  if (!t.catalogued || !supportsUse(t, workload)) problems.push('use');
  if (imageAccelerator === ImageAccelerator.NVIDIA_GPU && t.acceleratorKind !== AcceleratorKind.NVIDIA_GPU) problems.push('gpu');
  if (imageAccelerator === ImageAccelerator.NEURON && !NEURON_KINDS.includes(t.acceleratorKind)) problems.push('neuron');
  if (imageArchitecture !== undefined && imageArchitecture !== t.architecture) problems.push('architecture');
  if (imageAccelerator === ImageAccelerator.NVIDIA_GPU && t.acceleratorKind === AcceleratorKind.NVIDIA_GPU
    && cudaMismatch(options.imageCudaVersion, t.acceleratorModel) !== undefined) problems.push('cuda');
  return problems;
}

/**
 * Checks that an instance type can run the workload and the image:
 * - not valid for the workload: error listing a few valid types of the same accelerator kind;
 * - an NVIDIA GPU image on an instance without NVIDIA GPUs, a Neuron image on an instance without Inferentia or
 *   Trainium, an image whose CPU architecture differs from the instance's: error;
 * - a CPU-only image on an accelerated instance: warning;
 * - a name not in the catalog: warning, and only the accelerator / architecture checks (on the traits its
 *   family name implies) apply. A token is not checked.
 * All errors found are reported together.
 */
export function checkInstanceType(scope: Construct, options: InstanceCheckOptions): void {
  const { instanceType, workload, imageAccelerator, imageArchitecture } = options;
  const image: ImageFacts = { imageAccelerator, imageArchitecture, imageCudaVersion: options.imageCudaVersion };
  const prop = options.propName ?? 'instanceType';
  if (Token.isUnresolved(instanceType.name)) {
    return;
  }
  const name = instanceType.name;
  const kind = instanceType.acceleratorKind;
  const problems: string[] = [];

  if (!instanceType.catalogued) {
    Annotations.of(scope).addWarningV2(WARNING_IDS.uncatalogued,
      `${prop} ${name} is not in this library's instance catalog (generated from the SageMaker API model); `
      + `it is used as is, without checking that it can run ${WORKLOAD_WORDS[workload]}. `
      + `Its accelerator (${KIND_WORDS[kind]}) and architecture (${instanceType.architecture}) are inferred from the family name.`);
  } else if (!supportsUse(instanceType, workload)) {
    problems.push(`${prop} ${name} cannot run ${WORKLOAD_WORDS[workload]}; use one of ${sameKindAlternatives(workload, instanceType, image)}`);
  }

  if (imageAccelerator === ImageAccelerator.NVIDIA_GPU && kind !== AcceleratorKind.NVIDIA_GPU) {
    problems.push(`${prop} ${name} has no NVIDIA GPU (it is ${KIND_WORDS[kind]}) but the image needs one (accelerator NVIDIA_GPU); `
      + `use a GPU type such as ${suggest(workload, instanceType, (t) => t.acceleratorKind === AcceleratorKind.NVIDIA_GPU, image)}`);
  } else if (imageAccelerator === ImageAccelerator.NEURON && !NEURON_KINDS.includes(kind)) {
    problems.push(`${prop} ${name} has no AWS Neuron device (it is ${KIND_WORDS[kind]}) but the image needs one (accelerator NEURON); `
      + `use an Inferentia or Trainium type such as ${suggest(workload, instanceType, (t) => NEURON_KINDS.includes(t.acceleratorKind), image)}`);
  } else if (imageAccelerator === ImageAccelerator.CPU && kind !== AcceleratorKind.NONE) {
    const devices = instanceType.acceleratorCount !== undefined && instanceType.acceleratorModel !== undefined
      ? `${instanceType.acceleratorCount} x ${instanceType.acceleratorModel} (${KIND_WORDS[kind]})`
      : KIND_WORDS[kind];
    Annotations.of(scope).addWarningV2(WARNING_IDS.cpuImageOnAccelerator,
      `${prop} ${name} carries ${devices} but the image is CPU-only, so the accelerator stays idle; `
      + `use a CPU type such as ${suggest(workload, instanceType, (t) => t.acceleratorKind === AcceleratorKind.NONE, image)}, `
      + 'or an image built for the accelerator');
  }

  if (imageArchitecture !== undefined && imageArchitecture !== instanceType.architecture) {
    problems.push(`${prop} ${name} is ${instanceType.architecture} but the image is built for ${imageArchitecture}; `
      + `use an ${imageArchitecture} type such as ${suggest(workload, instanceType,
        (t) => t.architecture === imageArchitecture && t.acceleratorKind === kind, image) || suggest(workload, instanceType,
        () => true, image)}, or build the image for ${instanceType.architecture}`);
  }

  const cuda = imageAccelerator === ImageAccelerator.NVIDIA_GPU && kind === AcceleratorKind.NVIDIA_GPU
    ? cudaMismatch(options.imageCudaVersion, instanceType.acceleratorModel) : undefined;
  if (cuda !== undefined) {
    problems.push(`${prop} ${name} cannot run the image: ${cuda}; use a GPU type such as `
      + `${suggest(workload, instanceType, (t) => t.acceleratorKind === AcceleratorKind.NVIDIA_GPU, image)}`);
  }

  if (problems.length > 0) {
    throw new Error(problems.join('\n'));
  }
}

/**
 * Refuses a burstable instance type (T family) where autoscaling is configured: SageMaker endpoint
 * autoscaling does not support burstable instances. The types it suggests pass `checkInstanceType` for hosting
 * with the same image facts. A token is not checked.
 */
export function checkAutoscalable(instanceType: InstanceType, propName: string = 'instanceType', image: ImageFacts = {}): void {
  if (Token.isUnresolved(instanceType.name) || !instanceType.burstable) {
    return;
  }
  // the suggestions pass the endpoint's instance check too: same use, the image's accelerator and architecture
  const sameKind = suggest(Workload.HOSTING, instanceType, (t) => t.acceleratorKind === instanceType.acceleratorKind, image);
  throw new Error(`${propName} ${instanceType.name} is burstable and cannot autoscale (SageMaker endpoint autoscaling `
    + `does not support burstable instances); use a non-burstable type such as ${sameKind || suggest(Workload.HOSTING, instanceType, () => true, image)}`);
}
