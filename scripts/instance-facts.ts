/**
 * Hardware facts per SageMaker instance family and size, joined by `generate-instance-catalog.ts` with the
 * instance-type names that `@aws-sdk/client-sagemaker` lists. Kept by hand: when the SDK gains a family or a
 * size, the generator fails until a row is added here.
 *
 * Figures come from the published EC2 instance-type specifications (the "Amazon EC2 instance types"
 * product pages and the EC2 User Guide's "Instance type specifications" tables for general purpose, compute
 * optimized, memory optimized and accelerated computing instances), which SageMaker's `ml.` types mirror.
 * The source of each family is named in a comment above it.
 *
 * Units: memory and accelerator memory in GiB (as the EC2 specification tables print them; the GPU
 * tables print "GB" for some families, taken here as the same number), per accelerator for accelerator memory.
 */

/** What accelerates an instance family. Mirrors `AcceleratorKind` in src/compute/accelerator.ts. */
export type AcceleratorKindName = 'NONE' | 'NVIDIA_GPU' | 'AWS_INFERENTIA' | 'AWS_TRAINIUM' | 'HABANA_GAUDI';

/** Facts of one size of a family. */
export interface SizeFacts {
  /** Virtual CPUs. */
  readonly vcpus: number;
  /** Memory, GiB. */
  readonly memoryGiB: number;
  /** Number of accelerator devices (GPUs, Inferentia or Trainium chips); 0 for CPU families. */
  readonly acceleratorCount: number;
}

/** Facts of one family. */
export interface FamilyFacts {
  /** Where the figures come from. */
  readonly source: string;
  /** The accelerator kind. */
  readonly acceleratorKind: AcceleratorKindName;
  /** The accelerator model (`A10G`, `H100`, `Inferentia2` ...); empty for CPU families. */
  readonly acceleratorModel: string;
  /** Memory of ONE accelerator device, GiB; 0 for CPU families. */
  readonly acceleratorMemoryGiB: number;
  /** CPU architecture. */
  readonly architecture: 'x86_64' | 'arm64';
  /** Burstable (T family: CPU credits). */
  readonly burstable: boolean;
  /**
   * Local NVMe SSD instance storage (instance store volumes) on every size of the family. SageMaker mounts it
   * instead of an EBS ML storage volume and, because the instance encrypts it in hardware, refuses a volume KMS
   * key for these types (CreateTrainingJob's `VolumeKmsKeyId`, CreateEndpointConfig's `KmsKeyId`).
   */
  readonly localStorage: boolean;
  /** Facts per size (`xlarge`, `2xlarge` ...). */
  readonly sizes: { readonly [size: string]: SizeFacts };
}

/** vCPUs of a size in the regular ladder: medium 1, large 2, xlarge 4, Nxlarge 4N. */
function ladderVcpus(size: string): number {
  if (size === 'medium') return 1;
  if (size === 'large') return 2;
  if (size === 'xlarge') return 4;
  const m = /^(\d+)xlarge$/.exec(size);
  if (!m) throw new Error(`size ${size} is not on the regular ladder`);
  return 4 * Number(m[1]);
}

/**
 * Sizes of a CPU family whose vCPUs follow the regular ladder and whose memory is a fixed number of GiB per
 * vCPU (2 for compute optimized C, 4 for general purpose M, 8 for memory optimized R since the 5th generation).
 */
function ladder(gibPerVcpu: number, sizes: string[]): { [size: string]: SizeFacts } {
  const out: { [size: string]: SizeFacts } = {};
  for (const size of sizes) {
    const vcpus = ladderVcpus(size);
    out[size] = { vcpus, memoryGiB: vcpus * gibPerVcpu, acceleratorCount: 0 };
  }
  return out;
}

/**
 * Sizes of a GPU family whose vCPUs follow the regular ladder and whose memory is a fixed number of GiB per vCPU,
 * with the GPUs per size given (the G4dn, G5, G6 and G6e specification tables).
 */
function gpuLadder(gibPerVcpu: number, gpusBySize: { [size: string]: number }): { [size: string]: SizeFacts } {
  const out: { [size: string]: SizeFacts } = {};
  for (const [size, acceleratorCount] of Object.entries(gpusBySize)) {
    const vcpus = ladderVcpus(size);
    out[size] = { vcpus, memoryGiB: vcpus * gibPerVcpu, acceleratorCount };
  }
  return out;
}

/** Explicit sizes: `[vcpus, memoryGiB, acceleratorCount]` per size. */
function table(rows: { [size: string]: [number, number, number] }): { [size: string]: SizeFacts } {
  const out: { [size: string]: SizeFacts } = {};
  for (const [size, [vcpus, memoryGiB, acceleratorCount]] of Object.entries(rows)) {
    out[size] = { vcpus, memoryGiB, acceleratorCount };
  }
  return out;
}

function cpu(source: string, architecture: 'x86_64' | 'arm64', sizes: { [size: string]: SizeFacts }, burstable = false): FamilyFacts {
  return { source, acceleratorKind: 'NONE', acceleratorModel: '', acceleratorMemoryGiB: 0, architecture, burstable, localStorage: false, sizes };
}

function accelerated(
  source: string,
  acceleratorKind: AcceleratorKindName,
  acceleratorModel: string,
  acceleratorMemoryGiB: number,
  sizes: { [size: string]: SizeFacts },
  architecture: 'x86_64' | 'arm64' = 'x86_64',
): FamilyFacts {
  return { source, acceleratorKind, acceleratorModel, acceleratorMemoryGiB, architecture, burstable: false, localStorage: false, sizes };
}

/**
 * A family whose instances have local NVMe SSD instance storage: the EC2 specification tables list "Instance
 * store volumes" (NVMe SSD) for every size of it, where EBS-only families print "EBS only". The `d` in a name
 * (`m5d`, `c6gd`, `g4dn`, `p4d`) marks such a family; the accelerated families `g5`, `g6`, `g6e`, `g7e`, `p5*`,
 * `p6*`, `trn*` and `dl1` have it without the `d`.
 */
function nvme(facts: FamilyFacts): FamilyFacts {
  return { ...facts, localStorage: true };
}

/** GPUs per size of the G4dn layout: one up to 16xlarge, four on 12xlarge. */
const GPUS_XL_TO_16XL: { [size: string]: number } = { 'xlarge': 1, '2xlarge': 1, '4xlarge': 1, '8xlarge': 1, '16xlarge': 1, '12xlarge': 4 };
/** GPUs per size of the G5 / G6 / G6e layout: G4dn's, then four on 24xlarge and eight on 48xlarge. */
const GPUS_XL_TO_48XL: { [size: string]: number } = { ...GPUS_XL_TO_16XL, '24xlarge': 4, '48xlarge': 8 };

const SIZES_L_TO_16XL = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'];
const SIZES_L_TO_32XL = [...SIZES_L_TO_16XL, '24xlarge', '32xlarge'];
const SIZES_L_TO_48XL = [...SIZES_L_TO_16XL, '24xlarge', '48xlarge'];
const SIZES_M_TO_48XL = ['medium', ...SIZES_L_TO_48XL];
const SIZES_L_TO_96XL = [...SIZES_L_TO_16XL, '24xlarge', '32xlarge', '48xlarge', '96xlarge'];

/** Facts per family name (the middle part of `ml.<family>.<size>`). */
export const FAMILY_FACTS: { readonly [family: string]: FamilyFacts } = {
  // ---------------------------------------------------------------- burstable general purpose
  // EC2 T2 specifications: t2.medium 2 vCPU 4 GiB, large 2/8, xlarge 4/16, 2xlarge 8/32.
  't2': cpu('EC2 User Guide, general purpose specifications (T2)', 'x86_64',
    table({ 'medium': [2, 4, 0], 'large': [2, 8, 0], 'xlarge': [4, 16, 0], '2xlarge': [8, 32, 0] }), true),
  // EC2 T3 specifications: t3.medium 2 vCPU 4 GiB, large 2/8, xlarge 4/16, 2xlarge 8/32.
  't3': cpu('EC2 User Guide, general purpose specifications (T3)', 'x86_64',
    table({ 'medium': [2, 4, 0], 'large': [2, 8, 0], 'xlarge': [4, 16, 0], '2xlarge': [8, 32, 0] }), true),

  // ---------------------------------------------------------------- general purpose (M): 4 GiB per vCPU
  // EC2 M4 specifications: large 2/8 ... 10xlarge 40/160, 16xlarge 64/256.
  'm4': cpu('EC2 User Guide, general purpose specifications (M4)', 'x86_64',
    ladder(4, ['large', 'xlarge', '2xlarge', '4xlarge', '10xlarge', '16xlarge'])),
  // EC2 M5 / M5d specifications: large 2/8 ... 24xlarge 96/384.
  'm5': cpu('EC2 User Guide, general purpose specifications (M5)', 'x86_64',
    ladder(4, ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge'])),
  'm5d': nvme(cpu('EC2 User Guide, general purpose specifications (M5d)', 'x86_64',
    ladder(4, ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge']))),
  // EC2 M6g / M6gd (Graviton2) specifications: medium 1/4 ... 16xlarge 64/256.
  'm6g': cpu('EC2 User Guide, general purpose specifications (M6g, Graviton2)', 'arm64', ladder(4, ['medium', ...SIZES_L_TO_16XL])),
  'm6gd': nvme(cpu('EC2 User Guide, general purpose specifications (M6gd, Graviton2)', 'arm64', ladder(4, ['medium', ...SIZES_L_TO_16XL]))),
  // EC2 M6i specifications: large 2/8 ... 32xlarge 128/512.
  'm6i': cpu('EC2 User Guide, general purpose specifications (M6i)', 'x86_64', ladder(4, SIZES_L_TO_32XL)),
  // EC2 M7i specifications: large 2/8 ... 48xlarge 192/768.
  'm7i': cpu('EC2 User Guide, general purpose specifications (M7i)', 'x86_64', ladder(4, SIZES_L_TO_48XL)),
  // EC2 M8g (Graviton4) specifications: medium 1/4 ... 48xlarge 192/768.
  'm8g': cpu('EC2 User Guide, general purpose specifications (M8g, Graviton4)', 'arm64', ladder(4, SIZES_M_TO_48XL)),
  // EC2 M8i specifications: large 2/8 ... 96xlarge 384/1536.
  'm8i': cpu('EC2 User Guide, general purpose specifications (M8i)', 'x86_64', ladder(4, SIZES_L_TO_96XL)),

  // ---------------------------------------------------------------- compute optimized (C)
  // EC2 C4 specifications: large 2/3.75, xlarge 4/7.5, 2xlarge 8/15, 4xlarge 16/30, 8xlarge 36/60.
  'c4': cpu('EC2 User Guide, compute optimized specifications (C4)', 'x86_64',
    table({ 'large': [2, 3.75, 0], 'xlarge': [4, 7.5, 0], '2xlarge': [8, 15, 0], '4xlarge': [16, 30, 0], '8xlarge': [36, 60, 0] })),
  // EC2 C5 / C5d specifications: 2 GiB per vCPU; 9xlarge 36/72, 18xlarge 72/144.
  'c5': cpu('EC2 User Guide, compute optimized specifications (C5)', 'x86_64',
    ladder(2, ['large', 'xlarge', '2xlarge', '4xlarge', '9xlarge', '12xlarge', '18xlarge', '24xlarge'])),
  'c5d': nvme(cpu('EC2 User Guide, compute optimized specifications (C5d)', 'x86_64',
    ladder(2, ['large', 'xlarge', '2xlarge', '4xlarge', '9xlarge', '12xlarge', '18xlarge', '24xlarge']))),
  // EC2 C5n specifications: large 2/5.25, xlarge 4/10.5, 2xlarge 8/21, 4xlarge 16/42, 9xlarge 36/96, 18xlarge 72/192.
  'c5n': cpu('EC2 User Guide, compute optimized specifications (C5n)', 'x86_64',
    table({ 'large': [2, 5.25, 0], 'xlarge': [4, 10.5, 0], '2xlarge': [8, 21, 0], '4xlarge': [16, 42, 0], '9xlarge': [36, 96, 0], '18xlarge': [72, 192, 0] })),
  // EC2 C6g / C6gd / C6gn (Graviton2) specifications: 2 GiB per vCPU, medium 1/2 ... 16xlarge 64/128.
  'c6g': cpu('EC2 User Guide, compute optimized specifications (C6g, Graviton2)', 'arm64', ladder(2, ['medium', ...SIZES_L_TO_16XL])),
  'c6gd': nvme(cpu('EC2 User Guide, compute optimized specifications (C6gd, Graviton2)', 'arm64', ladder(2, ['medium', ...SIZES_L_TO_16XL]))),
  'c6gn': cpu('EC2 User Guide, compute optimized specifications (C6gn, Graviton2)', 'arm64', ladder(2, ['medium', ...SIZES_L_TO_16XL])),
  // EC2 C6i / C6in specifications: 2 GiB per vCPU, large 2/4 ... 32xlarge 128/256.
  'c6i': cpu('EC2 User Guide, compute optimized specifications (C6i)', 'x86_64', ladder(2, SIZES_L_TO_32XL)),
  'c6in': cpu('EC2 User Guide, compute optimized specifications (C6in)', 'x86_64', ladder(2, SIZES_L_TO_32XL)),
  // EC2 C7g (Graviton3) specifications: 2 GiB per vCPU, medium 1/2 ... 16xlarge 64/128.
  'c7g': cpu('EC2 User Guide, compute optimized specifications (C7g, Graviton3)', 'arm64', ladder(2, ['medium', ...SIZES_L_TO_16XL])),
  // EC2 C7i specifications: 2 GiB per vCPU, large 2/4 ... 48xlarge 192/384.
  'c7i': cpu('EC2 User Guide, compute optimized specifications (C7i)', 'x86_64', ladder(2, SIZES_L_TO_48XL)),
  // EC2 C8g (Graviton4) specifications: 2 GiB per vCPU, medium 1/2 ... 48xlarge 192/384.
  'c8g': cpu('EC2 User Guide, compute optimized specifications (C8g, Graviton4)', 'arm64', ladder(2, SIZES_M_TO_48XL)),
  // EC2 C8i specifications: 2 GiB per vCPU, large 2/4 ... 96xlarge 384/768.
  'c8i': cpu('EC2 User Guide, compute optimized specifications (C8i)', 'x86_64', ladder(2, SIZES_L_TO_96XL)),

  // ---------------------------------------------------------------- memory optimized (R): 8 GiB per vCPU
  // EC2 R5 / R5d specifications: large 2/16 ... 24xlarge 96/768.
  'r5': cpu('EC2 User Guide, memory optimized specifications (R5)', 'x86_64',
    ladder(8, ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge'])),
  'r5d': nvme(cpu('EC2 User Guide, memory optimized specifications (R5d)', 'x86_64',
    ladder(8, ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge']))),
  // EC2 R6g / R6gd (Graviton2) specifications: medium 1/8 ... 16xlarge 64/512.
  'r6g': cpu('EC2 User Guide, memory optimized specifications (R6g, Graviton2)', 'arm64', ladder(8, ['medium', ...SIZES_L_TO_16XL])),
  'r6gd': nvme(cpu('EC2 User Guide, memory optimized specifications (R6gd, Graviton2)', 'arm64', ladder(8, ['medium', ...SIZES_L_TO_16XL]))),
  // EC2 R6i specifications: large 2/16 ... 32xlarge 128/1024.
  'r6i': cpu('EC2 User Guide, memory optimized specifications (R6i)', 'x86_64', ladder(8, SIZES_L_TO_32XL)),
  // EC2 R7gd (Graviton3) specifications: medium 1/8 ... 16xlarge 64/512.
  'r7gd': nvme(cpu('EC2 User Guide, memory optimized specifications (R7gd, Graviton3)', 'arm64', ladder(8, ['medium', ...SIZES_L_TO_16XL]))),
  // EC2 R7i specifications: large 2/16 ... 48xlarge 192/1536.
  'r7i': cpu('EC2 User Guide, memory optimized specifications (R7i)', 'x86_64', ladder(8, SIZES_L_TO_48XL)),
  // EC2 R8g (Graviton4) specifications: medium 1/8 ... 48xlarge 192/1536.
  'r8g': cpu('EC2 User Guide, memory optimized specifications (R8g, Graviton4)', 'arm64', ladder(8, SIZES_M_TO_48XL)),
  // EC2 R8i specifications: large 2/16 ... 96xlarge 384/3072.
  'r8i': cpu('EC2 User Guide, memory optimized specifications (R8i)', 'x86_64', ladder(8, SIZES_L_TO_96XL)),

  // ---------------------------------------------------------------- NVIDIA GPU: rows are [vCPU, GiB, GPUs]
  // EC2 P2 specifications: NVIDIA K80, 12 GiB per GPU; xlarge 4/61/1, 8xlarge 32/488/8, 16xlarge 64/732/16.
  'p2': accelerated('EC2 User Guide, accelerated computing specifications (P2)', 'NVIDIA_GPU', 'K80', 12,
    table({ 'xlarge': [4, 61, 1], '8xlarge': [32, 488, 8], '16xlarge': [64, 732, 16] })),
  // EC2 P3 specifications: NVIDIA V100 16 GiB; 2xlarge 8/61/1, 8xlarge 32/244/4, 16xlarge 64/488/8.
  'p3': accelerated('EC2 User Guide, accelerated computing specifications (P3)', 'NVIDIA_GPU', 'V100', 16,
    table({ '2xlarge': [8, 61, 1], '8xlarge': [32, 244, 4], '16xlarge': [64, 488, 8] })),
  // EC2 P3dn specifications: 8 NVIDIA V100 32 GiB, 96 vCPU, 768 GiB.
  'p3dn': nvme(accelerated('EC2 User Guide, accelerated computing specifications (P3dn)', 'NVIDIA_GPU', 'V100', 32,
    table({ '24xlarge': [96, 768, 8] }))),
  // EC2 P4d product page: 8 NVIDIA A100 40 GB (320 GB total), 96 vCPU, 1152 GiB.
  'p4d': nvme(accelerated('Amazon EC2 P4 product page (p4d.24xlarge)', 'NVIDIA_GPU', 'A100', 40,
    table({ '24xlarge': [96, 1152, 8] }))),
  // EC2 P4de product page: 8 NVIDIA A100 80 GB (640 GB total), 96 vCPU, 1152 GiB.
  'p4de': nvme(accelerated('Amazon EC2 P4 product page (p4de.24xlarge)', 'NVIDIA_GPU', 'A100', 80,
    table({ '24xlarge': [96, 1152, 8] }))),
  // EC2 P5 product page: NVIDIA H100 80 GB; p5.48xlarge 8 GPUs, 192 vCPU, 2048 GiB; p5.4xlarge 1 GPU, 16 vCPU, 256 GiB.
  'p5': nvme(accelerated('Amazon EC2 P5 product page (p5.48xlarge, p5.4xlarge)', 'NVIDIA_GPU', 'H100', 80,
    table({ '4xlarge': [16, 256, 1], '48xlarge': [192, 2048, 8] }))),
  // EC2 P5 product page: p5e / p5en 8 NVIDIA H200 141 GB (1128 GB total), 192 vCPU, 2048 GiB.
  'p5e': nvme(accelerated('Amazon EC2 P5 product page (p5e.48xlarge)', 'NVIDIA_GPU', 'H200', 141,
    table({ '48xlarge': [192, 2048, 8] }))),
  'p5en': nvme(accelerated('Amazon EC2 P5 product page (p5en.48xlarge)', 'NVIDIA_GPU', 'H200', 141,
    table({ '48xlarge': [192, 2048, 8] }))),
  // EC2 P6 product page: p6-b200.48xlarge 8 NVIDIA B200 (1440 GB total, 180 GB each), 192 vCPU, 2048 GiB.
  'p6-b200': nvme(accelerated('Amazon EC2 P6 product page (p6-b200.48xlarge)', 'NVIDIA_GPU', 'B200', 180,
    table({ '48xlarge': [192, 2048, 8] }))),
  // EC2 P6 product page: p6-b300.48xlarge 8 NVIDIA B300 (2.1 TB total, 268 GB each as SageMaker's launch post
  // states), 192 vCPU; the 4096 GiB of system memory is from the launch announcement and not yet checked
  // against the EC2 specification table.
  'p6-b300': nvme(accelerated('Amazon EC2 P6 product page (p6-b300.48xlarge)', 'NVIDIA_GPU', 'B300', 268,
    table({ '48xlarge': [192, 4096, 8] }))),
  // EC2 P6e-GB200 UltraServer page: each p6e-gb200.36xlarge node has 4 NVIDIA Blackwell GPUs of two GB200
  // superchips (13.4 TB HBM3e across the 72 GPUs of an UltraServer: about 185 GB each), 144 vCPU (NVIDIA Grace,
  // Arm), 960 GiB.
  'p6e-gb200': nvme(accelerated('Amazon EC2 P6e-GB200 UltraServers page (p6e-gb200.36xlarge)', 'NVIDIA_GPU', 'GB200', 185,
    table({ '36xlarge': [144, 960, 4] }), 'arm64')),
  // EC2 G4dn specifications: NVIDIA T4 16 GiB; xlarge 4/16/1 ... 16xlarge 64/256/1, 12xlarge 48/192/4.
  'g4dn': nvme(accelerated('EC2 User Guide, accelerated computing specifications (G4dn)', 'NVIDIA_GPU', 'T4', 16,
    gpuLadder(4, GPUS_XL_TO_16XL))),
  // EC2 G5 specifications: NVIDIA A10G 24 GiB; xlarge 4/16/1 ... 16xlarge 64/256/1, 12xlarge 48/192/4,
  // 24xlarge 96/384/4, 48xlarge 192/768/8.
  'g5': nvme(accelerated('EC2 User Guide, accelerated computing specifications (G5)', 'NVIDIA_GPU', 'A10G', 24,
    gpuLadder(4, GPUS_XL_TO_48XL))),
  // EC2 G6 specifications: NVIDIA L4 24 GiB; same vCPU / memory / GPU layout as G5.
  'g6': nvme(accelerated('EC2 User Guide, accelerated computing specifications (G6)', 'NVIDIA_GPU', 'L4', 24,
    gpuLadder(4, GPUS_XL_TO_48XL))),
  // EC2 G6e specifications: NVIDIA L40S 48 GiB; twice G6's memory per vCPU: xlarge 4/32/1 ... 48xlarge 192/1536/8.
  'g6e': nvme(accelerated('EC2 User Guide, accelerated computing specifications (G6e)', 'NVIDIA_GPU', 'L40S', 48,
    gpuLadder(8, GPUS_XL_TO_48XL))),
  // EC2 G7e product page: NVIDIA RTX PRO 6000 Blackwell Server Edition 96 GB; 2xlarge 8/64/1, 4xlarge 16/128/1,
  // 8xlarge 32/256/1, 12xlarge 48/512/2, 24xlarge 96/1024/4, 48xlarge 192/2048/8 (the 12xlarge and 24xlarge
  // GPU counts are the least certain rows of this table: re-check against the EC2 specification table).
  'g7e': nvme(accelerated('Amazon EC2 G7e product page', 'NVIDIA_GPU', 'RTX PRO 6000 Blackwell', 96,
    table({
      '2xlarge': [8, 64, 1],
      '4xlarge': [16, 128, 1],
      '8xlarge': [32, 256, 1],
      '12xlarge': [48, 512, 2],
      '24xlarge': [96, 1024, 4],
      '48xlarge': [192, 2048, 8],
    }))),
  // EC2 G7 launch announcement: NVIDIA RTX PRO 4500 Blackwell Server Edition 32 GB, up to 8 GPUs; the sizes
  // follow the G7e layout (1 GPU up to 8xlarge, then 2 / 4 / 8) with half its memory per vCPU.
  // UNVERIFIED per size: check against the EC2 G7 specification table when it is reachable.
  'g7': accelerated('Amazon EC2 G7 launch announcement (per-size memory unverified)', 'NVIDIA_GPU', 'RTX PRO 4500 Blackwell', 32,
    table({
      '2xlarge': [8, 32, 1],
      '4xlarge': [16, 64, 1],
      '8xlarge': [32, 128, 1],
      '12xlarge': [48, 256, 2],
      '24xlarge': [96, 512, 4],
      '48xlarge': [192, 1024, 8],
    })),

  // ---------------------------------------------------------------- other accelerators
  // EC2 DL1 specifications: 8 Habana Gaudi accelerators 32 GiB each, 96 vCPU, 768 GiB.
  'dl1': nvme(accelerated('EC2 User Guide, accelerated computing specifications (DL1)', 'HABANA_GAUDI', 'Gaudi', 32,
    table({ '24xlarge': [96, 768, 8] }))),
  // EC2 Inf1 specifications: AWS Inferentia chips (8 GiB each); xlarge 4/8/1, 2xlarge 8/16/1, 6xlarge 24/48/4,
  // 24xlarge 96/192/16.
  'inf1': accelerated('EC2 User Guide, accelerated computing specifications (Inf1)', 'AWS_INFERENTIA', 'Inferentia', 8,
    table({ 'xlarge': [4, 8, 1], '2xlarge': [8, 16, 1], '6xlarge': [24, 48, 4], '24xlarge': [96, 192, 16] })),
  // EC2 Inf2 specifications: AWS Inferentia2 chips 32 GiB each; xlarge 4/16/1, 8xlarge 32/128/1, 24xlarge 96/384/6,
  // 48xlarge 192/768/12.
  'inf2': accelerated('EC2 User Guide, accelerated computing specifications (Inf2)', 'AWS_INFERENTIA', 'Inferentia2', 32,
    table({ 'xlarge': [4, 16, 1], '8xlarge': [32, 128, 1], '24xlarge': [96, 384, 6], '48xlarge': [192, 768, 12] })),
  // EC2 Trn1 / Trn1n specifications: AWS Trainium chips 32 GiB each; 2xlarge 8/32/1, 32xlarge 128/512/16.
  'trn1': nvme(accelerated('EC2 User Guide, accelerated computing specifications (Trn1)', 'AWS_TRAINIUM', 'Trainium', 32,
    table({ '2xlarge': [8, 32, 1], '32xlarge': [128, 512, 16] }))),
  'trn1n': nvme(accelerated('EC2 User Guide, accelerated computing specifications (Trn1n)', 'AWS_TRAINIUM', 'Trainium', 32,
    table({ '32xlarge': [128, 512, 16] }))),
  // EC2 Trn2 product page: 16 AWS Trainium2 chips 96 GiB each (1.5 TB total), 192 vCPU, 2048 GiB.
  'trn2': nvme(accelerated('Amazon EC2 Trn2 product page (trn2.48xlarge)', 'AWS_TRAINIUM', 'Trainium2', 96,
    table({ '48xlarge': [192, 2048, 16] }))),
};
