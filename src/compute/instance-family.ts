import { AcceleratorKind, CpuArchitecture } from './accelerator';

/**
 * What the name of an instance family tells without a catalog entry. Internal: used for instance types that
 * the installed SDK does not list yet (`InstanceType.of('ml.g8.xlarge')`), so the accelerator checks still
 * apply to them. The catalog test proves these rules agree with the facts table for every catalogued family.
 */
export interface FamilyTraits {
  readonly acceleratorKind: AcceleratorKind;
  readonly architecture: CpuArchitecture;
  readonly burstable: boolean;
}

/** `ml.<family>.<size>`: family and size are lower-case letters, digits and dashes. */
export const INSTANCE_NAME_PATTERN = /^ml\.([a-z][a-z0-9-]*)\.([a-z0-9-]+)$/;

/**
 * Splits a SageMaker instance-type name into family and size; undefined when it is not of that shape.
 */
export function splitInstanceName(name: string): { family: string; size: string } | undefined {
  const m = INSTANCE_NAME_PATTERN.exec(name);
  return m ? { family: m[1], size: m[2] } : undefined;
}

/**
 * Infers the accelerator kind, CPU architecture and burstability from a family name, the way the families
 * are named: `g*` / `p*` carry NVIDIA GPUs (the SageMaker Python SDK reads them as GPU too), `inf*` AWS
 * Inferentia, `trn*` AWS Trainium, `dl1` Habana Gaudi; a `g` in the letters after the generation digit marks
 * AWS Graviton (`c7g`, `r7gd`, `g5g`), a `-gb`/`-gh` suffix NVIDIA Grace (`p6e-gb200`); `t*` is burstable.
 */
export function inferFamilyTraits(family: string): FamilyTraits {
  const [base, variant] = family.split('-', 2);
  let acceleratorKind = AcceleratorKind.NONE;
  if (/^(g|p)\d/.test(base)) {
    acceleratorKind = AcceleratorKind.NVIDIA_GPU;
  } else if (/^inf\d/.test(base)) {
    acceleratorKind = AcceleratorKind.AWS_INFERENTIA;
  } else if (/^trn\d/.test(base)) {
    acceleratorKind = AcceleratorKind.AWS_TRAINIUM;
  } else if (base === 'dl1') {
    acceleratorKind = AcceleratorKind.HABANA_GAUDI;
  }
  const graviton = /^[a-z]+\d+[a-z]*g[a-z]*$/.test(base) && !/^(g|p)\d+$/.test(base);
  const grace = variant !== undefined && /^g[bh]\d/.test(variant);
  return {
    acceleratorKind,
    architecture: graviton || grace ? CpuArchitecture.ARM64 : CpuArchitecture.X86_64,
    burstable: /^t\d/.test(base),
  };
}

/**
 * Infers local NVMe instance storage from a family name the catalog does not hold: a `d` in the letters after
 * the generation digit marks it (`m5d`, `c6gd`, `r6id`, `g4dn`, `p4d`). Other families may have it too (`g5`,
 * `p5`, `trn1` do, without the letter), so a name without the marker says nothing: undefined.
 */
export function inferLocalStorage(family: string): boolean | undefined {
  const base = family.split('-', 1)[0];
  return /^[a-z]+\d+[a-z]*d[a-z]*$/.test(base) ? true : undefined;
}
