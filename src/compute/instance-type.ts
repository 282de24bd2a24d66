// The InstanceType class: ordinary source. Its facts are data in instance-catalog.generated.ts, and its constants
// (one per name the SageMaker API lists) are the block between the "generated constants" markers below; both are
// written by scripts/generate-instance-catalog.ts from @aws-sdk/client-sagemaker and scripts/instance-facts.ts
// (jsii needs the constants declared in the class itself). Edit the rest of this file by hand.
import { Size, Token } from 'aws-cdk-lib';
import { AcceleratorKind, CpuArchitecture, Workload } from './accelerator';
import { INSTANCE_CATALOG, INSTANCE_FACTS_LOCAL_STORAGE, INSTANCE_FACTS_USES, INSTANCE_USE_LETTERS } from './instance-catalog.generated';
import { inferFamilyTraits, inferLocalStorage, splitInstanceName } from './instance-family';

/** The catalog's facts of a name, or undefined when the name is not catalogued. */
const CATALOG = INSTANCE_CATALOG;

/** The letter that marks a use in the catalog (the SDK enum that lists the name). */
const USE_LETTERS: { readonly [use: string]: string | undefined } = INSTANCE_USE_LETTERS;

/** Index of the use letters in the catalog's facts. */
const USES = INSTANCE_FACTS_USES;

/** The constants by name, filled as the class initialises them. */
const INSTANCES = new Map<string, InstanceType>();

/** Whether the use letters of a name include a workload's (a workload the SDK enums do not list has none). */
function usedFor(uses: string, workload: Workload): boolean {
  const letter = USE_LETTERS[workload];
  return letter !== undefined && uses.includes(letter);
}

/** Whether a catalogued family has local NVMe storage (a fact of the family, the same for all its sizes). */
function catalogFamilyLocalStorage(family: string): boolean | undefined {
  for (const [name, facts] of Object.entries(CATALOG)) {
    if (splitInstanceName(name)?.family === family) {
      return facts[INSTANCE_FACTS_LOCAL_STORAGE] === 1;
    }
  }
  return undefined;
}

/**
 * A SageMaker ML instance type (`ml.<family>.<size>`) and its hardware facts.
 *
 * Every name that the SageMaker API lists for training, hosting, processing or batch transform is a constant
 * (`InstanceType.ML_G5_XLARGE`), generated with its facts. `InstanceType.of(name)` returns the same constant
 * for a listed name, and accepts a name this library does not list yet (a newer family or size): its
 * accelerator kind, architecture and burstability are then inferred from the family name, its sizes
 * (`vcpus`, `memory`, `acceleratorCount`, `acceleratorMemory`) are `undefined`, `catalogued` is false and
 * the `supportsXxx` facts are false; jobs and endpoints accept it with a warning instead of checking where it
 * is valid.
 */
export class InstanceType {
  // ~~ generated constants: scripts/generate-instance-catalog.ts writes the lines up to the end marker ~~
  /** ml.c4.large: 2 vCPU, 3.75 GiB; valid for hosting. */
  public static readonly ML_C4_LARGE = InstanceType.register('ml.c4.large');

  /** ml.c4.xlarge: 4 vCPU, 7.5 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C4_XLARGE = InstanceType.register('ml.c4.xlarge');

  /** ml.c4.2xlarge: 8 vCPU, 15 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C4_2XLARGE = InstanceType.register('ml.c4.2xlarge');

  /** ml.c4.4xlarge: 16 vCPU, 30 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C4_4XLARGE = InstanceType.register('ml.c4.4xlarge');

  /** ml.c4.8xlarge: 36 vCPU, 60 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C4_8XLARGE = InstanceType.register('ml.c4.8xlarge');

  /** ml.c5.large: 2 vCPU, 4 GiB; valid for hosting. */
  public static readonly ML_C5_LARGE = InstanceType.register('ml.c5.large');

  /** ml.c5.xlarge: 4 vCPU, 8 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C5_XLARGE = InstanceType.register('ml.c5.xlarge');

  /** ml.c5.2xlarge: 8 vCPU, 16 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C5_2XLARGE = InstanceType.register('ml.c5.2xlarge');

  /** ml.c5.4xlarge: 16 vCPU, 32 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C5_4XLARGE = InstanceType.register('ml.c5.4xlarge');

  /** ml.c5.9xlarge: 36 vCPU, 72 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C5_9XLARGE = InstanceType.register('ml.c5.9xlarge');

  /** ml.c5.18xlarge: 72 vCPU, 144 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C5_18XLARGE = InstanceType.register('ml.c5.18xlarge');

  /** ml.c5d.large: 2 vCPU, 4 GiB, local NVMe storage; valid for hosting. */
  public static readonly ML_C5D_LARGE = InstanceType.register('ml.c5d.large');

  /** ml.c5d.xlarge: 4 vCPU, 8 GiB, local NVMe storage; valid for hosting. */
  public static readonly ML_C5D_XLARGE = InstanceType.register('ml.c5d.xlarge');

  /** ml.c5d.2xlarge: 8 vCPU, 16 GiB, local NVMe storage; valid for hosting. */
  public static readonly ML_C5D_2XLARGE = InstanceType.register('ml.c5d.2xlarge');

  /** ml.c5d.4xlarge: 16 vCPU, 32 GiB, local NVMe storage; valid for hosting. */
  public static readonly ML_C5D_4XLARGE = InstanceType.register('ml.c5d.4xlarge');

  /** ml.c5d.9xlarge: 36 vCPU, 72 GiB, local NVMe storage; valid for hosting. */
  public static readonly ML_C5D_9XLARGE = InstanceType.register('ml.c5d.9xlarge');

  /** ml.c5d.18xlarge: 72 vCPU, 144 GiB, local NVMe storage; valid for hosting. */
  public static readonly ML_C5D_18XLARGE = InstanceType.register('ml.c5d.18xlarge');

  /** ml.c5n.xlarge: 4 vCPU, 10.5 GiB; valid for training. */
  public static readonly ML_C5N_XLARGE = InstanceType.register('ml.c5n.xlarge');

  /** ml.c5n.2xlarge: 8 vCPU, 21 GiB; valid for training. */
  public static readonly ML_C5N_2XLARGE = InstanceType.register('ml.c5n.2xlarge');

  /** ml.c5n.4xlarge: 16 vCPU, 42 GiB; valid for training. */
  public static readonly ML_C5N_4XLARGE = InstanceType.register('ml.c5n.4xlarge');

  /** ml.c5n.9xlarge: 36 vCPU, 96 GiB; valid for training. */
  public static readonly ML_C5N_9XLARGE = InstanceType.register('ml.c5n.9xlarge');

  /** ml.c5n.18xlarge: 72 vCPU, 192 GiB; valid for training. */
  public static readonly ML_C5N_18XLARGE = InstanceType.register('ml.c5n.18xlarge');

  /** ml.c6g.large: 2 vCPU, 4 GiB, arm64; valid for hosting. */
  public static readonly ML_C6G_LARGE = InstanceType.register('ml.c6g.large');

  /** ml.c6g.xlarge: 4 vCPU, 8 GiB, arm64; valid for hosting. */
  public static readonly ML_C6G_XLARGE = InstanceType.register('ml.c6g.xlarge');

  /** ml.c6g.2xlarge: 8 vCPU, 16 GiB, arm64; valid for hosting. */
  public static readonly ML_C6G_2XLARGE = InstanceType.register('ml.c6g.2xlarge');

  /** ml.c6g.4xlarge: 16 vCPU, 32 GiB, arm64; valid for hosting. */
  public static readonly ML_C6G_4XLARGE = InstanceType.register('ml.c6g.4xlarge');

  /** ml.c6g.8xlarge: 32 vCPU, 64 GiB, arm64; valid for hosting. */
  public static readonly ML_C6G_8XLARGE = InstanceType.register('ml.c6g.8xlarge');

  /** ml.c6g.12xlarge: 48 vCPU, 96 GiB, arm64; valid for hosting. */
  public static readonly ML_C6G_12XLARGE = InstanceType.register('ml.c6g.12xlarge');

  /** ml.c6g.16xlarge: 64 vCPU, 128 GiB, arm64; valid for hosting. */
  public static readonly ML_C6G_16XLARGE = InstanceType.register('ml.c6g.16xlarge');

  /** ml.c6gd.large: 2 vCPU, 4 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_C6GD_LARGE = InstanceType.register('ml.c6gd.large');

  /** ml.c6gd.xlarge: 4 vCPU, 8 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_C6GD_XLARGE = InstanceType.register('ml.c6gd.xlarge');

  /** ml.c6gd.2xlarge: 8 vCPU, 16 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_C6GD_2XLARGE = InstanceType.register('ml.c6gd.2xlarge');

  /** ml.c6gd.4xlarge: 16 vCPU, 32 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_C6GD_4XLARGE = InstanceType.register('ml.c6gd.4xlarge');

  /** ml.c6gd.8xlarge: 32 vCPU, 64 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_C6GD_8XLARGE = InstanceType.register('ml.c6gd.8xlarge');

  /** ml.c6gd.12xlarge: 48 vCPU, 96 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_C6GD_12XLARGE = InstanceType.register('ml.c6gd.12xlarge');

  /** ml.c6gd.16xlarge: 64 vCPU, 128 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_C6GD_16XLARGE = InstanceType.register('ml.c6gd.16xlarge');

  /** ml.c6gn.large: 2 vCPU, 4 GiB, arm64; valid for hosting. */
  public static readonly ML_C6GN_LARGE = InstanceType.register('ml.c6gn.large');

  /** ml.c6gn.xlarge: 4 vCPU, 8 GiB, arm64; valid for hosting. */
  public static readonly ML_C6GN_XLARGE = InstanceType.register('ml.c6gn.xlarge');

  /** ml.c6gn.2xlarge: 8 vCPU, 16 GiB, arm64; valid for hosting. */
  public static readonly ML_C6GN_2XLARGE = InstanceType.register('ml.c6gn.2xlarge');

  /** ml.c6gn.4xlarge: 16 vCPU, 32 GiB, arm64; valid for hosting. */
  public static readonly ML_C6GN_4XLARGE = InstanceType.register('ml.c6gn.4xlarge');

  /** ml.c6gn.8xlarge: 32 vCPU, 64 GiB, arm64; valid for hosting. */
  public static readonly ML_C6GN_8XLARGE = InstanceType.register('ml.c6gn.8xlarge');

  /** ml.c6gn.12xlarge: 48 vCPU, 96 GiB, arm64; valid for hosting. */
  public static readonly ML_C6GN_12XLARGE = InstanceType.register('ml.c6gn.12xlarge');

  /** ml.c6gn.16xlarge: 64 vCPU, 128 GiB, arm64; valid for hosting. */
  public static readonly ML_C6GN_16XLARGE = InstanceType.register('ml.c6gn.16xlarge');

  /** ml.c6i.large: 2 vCPU, 4 GiB; valid for hosting, transform. */
  public static readonly ML_C6I_LARGE = InstanceType.register('ml.c6i.large');

  /** ml.c6i.xlarge: 4 vCPU, 8 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C6I_XLARGE = InstanceType.register('ml.c6i.xlarge');

  /** ml.c6i.2xlarge: 8 vCPU, 16 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C6I_2XLARGE = InstanceType.register('ml.c6i.2xlarge');

  /** ml.c6i.4xlarge: 16 vCPU, 32 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C6I_4XLARGE = InstanceType.register('ml.c6i.4xlarge');

  /** ml.c6i.8xlarge: 32 vCPU, 64 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C6I_8XLARGE = InstanceType.register('ml.c6i.8xlarge');

  /** ml.c6i.12xlarge: 48 vCPU, 96 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C6I_12XLARGE = InstanceType.register('ml.c6i.12xlarge');

  /** ml.c6i.16xlarge: 64 vCPU, 128 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C6I_16XLARGE = InstanceType.register('ml.c6i.16xlarge');

  /** ml.c6i.24xlarge: 96 vCPU, 192 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C6I_24XLARGE = InstanceType.register('ml.c6i.24xlarge');

  /** ml.c6i.32xlarge: 128 vCPU, 256 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C6I_32XLARGE = InstanceType.register('ml.c6i.32xlarge');

  /** ml.c6in.large: 2 vCPU, 4 GiB; valid for hosting. */
  public static readonly ML_C6IN_LARGE = InstanceType.register('ml.c6in.large');

  /** ml.c6in.xlarge: 4 vCPU, 8 GiB; valid for hosting. */
  public static readonly ML_C6IN_XLARGE = InstanceType.register('ml.c6in.xlarge');

  /** ml.c6in.2xlarge: 8 vCPU, 16 GiB; valid for hosting. */
  public static readonly ML_C6IN_2XLARGE = InstanceType.register('ml.c6in.2xlarge');

  /** ml.c6in.4xlarge: 16 vCPU, 32 GiB; valid for hosting. */
  public static readonly ML_C6IN_4XLARGE = InstanceType.register('ml.c6in.4xlarge');

  /** ml.c6in.8xlarge: 32 vCPU, 64 GiB; valid for hosting. */
  public static readonly ML_C6IN_8XLARGE = InstanceType.register('ml.c6in.8xlarge');

  /** ml.c6in.12xlarge: 48 vCPU, 96 GiB; valid for hosting. */
  public static readonly ML_C6IN_12XLARGE = InstanceType.register('ml.c6in.12xlarge');

  /** ml.c6in.16xlarge: 64 vCPU, 128 GiB; valid for hosting. */
  public static readonly ML_C6IN_16XLARGE = InstanceType.register('ml.c6in.16xlarge');

  /** ml.c6in.24xlarge: 96 vCPU, 192 GiB; valid for hosting. */
  public static readonly ML_C6IN_24XLARGE = InstanceType.register('ml.c6in.24xlarge');

  /** ml.c6in.32xlarge: 128 vCPU, 256 GiB; valid for hosting. */
  public static readonly ML_C6IN_32XLARGE = InstanceType.register('ml.c6in.32xlarge');

  /** ml.c7g.large: 2 vCPU, 4 GiB, arm64; valid for hosting. */
  public static readonly ML_C7G_LARGE = InstanceType.register('ml.c7g.large');

  /** ml.c7g.xlarge: 4 vCPU, 8 GiB, arm64; valid for hosting. */
  public static readonly ML_C7G_XLARGE = InstanceType.register('ml.c7g.xlarge');

  /** ml.c7g.2xlarge: 8 vCPU, 16 GiB, arm64; valid for hosting. */
  public static readonly ML_C7G_2XLARGE = InstanceType.register('ml.c7g.2xlarge');

  /** ml.c7g.4xlarge: 16 vCPU, 32 GiB, arm64; valid for hosting. */
  public static readonly ML_C7G_4XLARGE = InstanceType.register('ml.c7g.4xlarge');

  /** ml.c7g.8xlarge: 32 vCPU, 64 GiB, arm64; valid for hosting. */
  public static readonly ML_C7G_8XLARGE = InstanceType.register('ml.c7g.8xlarge');

  /** ml.c7g.12xlarge: 48 vCPU, 96 GiB, arm64; valid for hosting. */
  public static readonly ML_C7G_12XLARGE = InstanceType.register('ml.c7g.12xlarge');

  /** ml.c7g.16xlarge: 64 vCPU, 128 GiB, arm64; valid for hosting. */
  public static readonly ML_C7G_16XLARGE = InstanceType.register('ml.c7g.16xlarge');

  /** ml.c7i.large: 2 vCPU, 4 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C7I_LARGE = InstanceType.register('ml.c7i.large');

  /** ml.c7i.xlarge: 4 vCPU, 8 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C7I_XLARGE = InstanceType.register('ml.c7i.xlarge');

  /** ml.c7i.2xlarge: 8 vCPU, 16 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C7I_2XLARGE = InstanceType.register('ml.c7i.2xlarge');

  /** ml.c7i.4xlarge: 16 vCPU, 32 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C7I_4XLARGE = InstanceType.register('ml.c7i.4xlarge');

  /** ml.c7i.8xlarge: 32 vCPU, 64 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C7I_8XLARGE = InstanceType.register('ml.c7i.8xlarge');

  /** ml.c7i.12xlarge: 48 vCPU, 96 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C7I_12XLARGE = InstanceType.register('ml.c7i.12xlarge');

  /** ml.c7i.16xlarge: 64 vCPU, 128 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C7I_16XLARGE = InstanceType.register('ml.c7i.16xlarge');

  /** ml.c7i.24xlarge: 96 vCPU, 192 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C7I_24XLARGE = InstanceType.register('ml.c7i.24xlarge');

  /** ml.c7i.48xlarge: 192 vCPU, 384 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_C7I_48XLARGE = InstanceType.register('ml.c7i.48xlarge');

  /** ml.c8g.medium: 1 vCPU, 2 GiB, arm64; valid for hosting. */
  public static readonly ML_C8G_MEDIUM = InstanceType.register('ml.c8g.medium');

  /** ml.c8g.large: 2 vCPU, 4 GiB, arm64; valid for hosting. */
  public static readonly ML_C8G_LARGE = InstanceType.register('ml.c8g.large');

  /** ml.c8g.xlarge: 4 vCPU, 8 GiB, arm64; valid for hosting. */
  public static readonly ML_C8G_XLARGE = InstanceType.register('ml.c8g.xlarge');

  /** ml.c8g.2xlarge: 8 vCPU, 16 GiB, arm64; valid for hosting. */
  public static readonly ML_C8G_2XLARGE = InstanceType.register('ml.c8g.2xlarge');

  /** ml.c8g.4xlarge: 16 vCPU, 32 GiB, arm64; valid for hosting. */
  public static readonly ML_C8G_4XLARGE = InstanceType.register('ml.c8g.4xlarge');

  /** ml.c8g.8xlarge: 32 vCPU, 64 GiB, arm64; valid for hosting. */
  public static readonly ML_C8G_8XLARGE = InstanceType.register('ml.c8g.8xlarge');

  /** ml.c8g.12xlarge: 48 vCPU, 96 GiB, arm64; valid for hosting. */
  public static readonly ML_C8G_12XLARGE = InstanceType.register('ml.c8g.12xlarge');

  /** ml.c8g.16xlarge: 64 vCPU, 128 GiB, arm64; valid for hosting. */
  public static readonly ML_C8G_16XLARGE = InstanceType.register('ml.c8g.16xlarge');

  /** ml.c8g.24xlarge: 96 vCPU, 192 GiB, arm64; valid for hosting. */
  public static readonly ML_C8G_24XLARGE = InstanceType.register('ml.c8g.24xlarge');

  /** ml.c8g.48xlarge: 192 vCPU, 384 GiB, arm64; valid for hosting. */
  public static readonly ML_C8G_48XLARGE = InstanceType.register('ml.c8g.48xlarge');

  /** ml.c8i.xlarge: 4 vCPU, 8 GiB; valid for training, processing. */
  public static readonly ML_C8I_XLARGE = InstanceType.register('ml.c8i.xlarge');

  /** ml.c8i.2xlarge: 8 vCPU, 16 GiB; valid for training, processing. */
  public static readonly ML_C8I_2XLARGE = InstanceType.register('ml.c8i.2xlarge');

  /** ml.c8i.4xlarge: 16 vCPU, 32 GiB; valid for training, processing. */
  public static readonly ML_C8I_4XLARGE = InstanceType.register('ml.c8i.4xlarge');

  /** ml.c8i.8xlarge: 32 vCPU, 64 GiB; valid for training, processing. */
  public static readonly ML_C8I_8XLARGE = InstanceType.register('ml.c8i.8xlarge');

  /** ml.c8i.12xlarge: 48 vCPU, 96 GiB; valid for training, processing. */
  public static readonly ML_C8I_12XLARGE = InstanceType.register('ml.c8i.12xlarge');

  /** ml.c8i.16xlarge: 64 vCPU, 128 GiB; valid for training, processing. */
  public static readonly ML_C8I_16XLARGE = InstanceType.register('ml.c8i.16xlarge');

  /** ml.c8i.24xlarge: 96 vCPU, 192 GiB; valid for training, processing. */
  public static readonly ML_C8I_24XLARGE = InstanceType.register('ml.c8i.24xlarge');

  /** ml.c8i.32xlarge: 128 vCPU, 256 GiB; valid for training, processing. */
  public static readonly ML_C8I_32XLARGE = InstanceType.register('ml.c8i.32xlarge');

  /** ml.c8i.48xlarge: 192 vCPU, 384 GiB; valid for training, processing. */
  public static readonly ML_C8I_48XLARGE = InstanceType.register('ml.c8i.48xlarge');

  /** ml.c8i.96xlarge: 384 vCPU, 768 GiB; valid for training, processing. */
  public static readonly ML_C8I_96XLARGE = InstanceType.register('ml.c8i.96xlarge');

  /** ml.dl1.24xlarge: 96 vCPU, 768 GiB, 8 x Gaudi (32 GiB each), local NVMe storage; valid for hosting. */
  public static readonly ML_DL1_24XLARGE = InstanceType.register('ml.dl1.24xlarge');

  /** ml.g4dn.xlarge: 4 vCPU, 16 GiB, 1 x T4 (16 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G4DN_XLARGE = InstanceType.register('ml.g4dn.xlarge');

  /** ml.g4dn.2xlarge: 8 vCPU, 32 GiB, 1 x T4 (16 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G4DN_2XLARGE = InstanceType.register('ml.g4dn.2xlarge');

  /** ml.g4dn.4xlarge: 16 vCPU, 64 GiB, 1 x T4 (16 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G4DN_4XLARGE = InstanceType.register('ml.g4dn.4xlarge');

  /** ml.g4dn.8xlarge: 32 vCPU, 128 GiB, 1 x T4 (16 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G4DN_8XLARGE = InstanceType.register('ml.g4dn.8xlarge');

  /** ml.g4dn.12xlarge: 48 vCPU, 192 GiB, 4 x T4 (16 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G4DN_12XLARGE = InstanceType.register('ml.g4dn.12xlarge');

  /** ml.g4dn.16xlarge: 64 vCPU, 256 GiB, 1 x T4 (16 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G4DN_16XLARGE = InstanceType.register('ml.g4dn.16xlarge');

  /** ml.g5.xlarge: 4 vCPU, 16 GiB, 1 x A10G (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G5_XLARGE = InstanceType.register('ml.g5.xlarge');

  /** ml.g5.2xlarge: 8 vCPU, 32 GiB, 1 x A10G (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G5_2XLARGE = InstanceType.register('ml.g5.2xlarge');

  /** ml.g5.4xlarge: 16 vCPU, 64 GiB, 1 x A10G (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G5_4XLARGE = InstanceType.register('ml.g5.4xlarge');

  /** ml.g5.8xlarge: 32 vCPU, 128 GiB, 1 x A10G (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G5_8XLARGE = InstanceType.register('ml.g5.8xlarge');

  /** ml.g5.12xlarge: 48 vCPU, 192 GiB, 4 x A10G (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G5_12XLARGE = InstanceType.register('ml.g5.12xlarge');

  /** ml.g5.16xlarge: 64 vCPU, 256 GiB, 1 x A10G (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G5_16XLARGE = InstanceType.register('ml.g5.16xlarge');

  /** ml.g5.24xlarge: 96 vCPU, 384 GiB, 4 x A10G (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G5_24XLARGE = InstanceType.register('ml.g5.24xlarge');

  /** ml.g5.48xlarge: 192 vCPU, 768 GiB, 8 x A10G (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G5_48XLARGE = InstanceType.register('ml.g5.48xlarge');

  /** ml.g6.xlarge: 4 vCPU, 16 GiB, 1 x L4 (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6_XLARGE = InstanceType.register('ml.g6.xlarge');

  /** ml.g6.2xlarge: 8 vCPU, 32 GiB, 1 x L4 (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6_2XLARGE = InstanceType.register('ml.g6.2xlarge');

  /** ml.g6.4xlarge: 16 vCPU, 64 GiB, 1 x L4 (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6_4XLARGE = InstanceType.register('ml.g6.4xlarge');

  /** ml.g6.8xlarge: 32 vCPU, 128 GiB, 1 x L4 (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6_8XLARGE = InstanceType.register('ml.g6.8xlarge');

  /** ml.g6.12xlarge: 48 vCPU, 192 GiB, 4 x L4 (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6_12XLARGE = InstanceType.register('ml.g6.12xlarge');

  /** ml.g6.16xlarge: 64 vCPU, 256 GiB, 1 x L4 (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6_16XLARGE = InstanceType.register('ml.g6.16xlarge');

  /** ml.g6.24xlarge: 96 vCPU, 384 GiB, 4 x L4 (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6_24XLARGE = InstanceType.register('ml.g6.24xlarge');

  /** ml.g6.48xlarge: 192 vCPU, 768 GiB, 8 x L4 (24 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6_48XLARGE = InstanceType.register('ml.g6.48xlarge');

  /** ml.g6e.xlarge: 4 vCPU, 32 GiB, 1 x L40S (48 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6E_XLARGE = InstanceType.register('ml.g6e.xlarge');

  /** ml.g6e.2xlarge: 8 vCPU, 64 GiB, 1 x L40S (48 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6E_2XLARGE = InstanceType.register('ml.g6e.2xlarge');

  /** ml.g6e.4xlarge: 16 vCPU, 128 GiB, 1 x L40S (48 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6E_4XLARGE = InstanceType.register('ml.g6e.4xlarge');

  /** ml.g6e.8xlarge: 32 vCPU, 256 GiB, 1 x L40S (48 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6E_8XLARGE = InstanceType.register('ml.g6e.8xlarge');

  /** ml.g6e.12xlarge: 48 vCPU, 384 GiB, 4 x L40S (48 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6E_12XLARGE = InstanceType.register('ml.g6e.12xlarge');

  /** ml.g6e.16xlarge: 64 vCPU, 512 GiB, 1 x L40S (48 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6E_16XLARGE = InstanceType.register('ml.g6e.16xlarge');

  /** ml.g6e.24xlarge: 96 vCPU, 768 GiB, 4 x L40S (48 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6E_24XLARGE = InstanceType.register('ml.g6e.24xlarge');

  /** ml.g6e.48xlarge: 192 vCPU, 1536 GiB, 8 x L40S (48 GiB each), local NVMe storage; valid for training, hosting, processing, transform. */
  public static readonly ML_G6E_48XLARGE = InstanceType.register('ml.g6e.48xlarge');

  /** ml.g7.2xlarge: 8 vCPU, 32 GiB, 1 x RTX PRO 4500 Blackwell (32 GiB each); valid for training, hosting, processing. */
  public static readonly ML_G7_2XLARGE = InstanceType.register('ml.g7.2xlarge');

  /** ml.g7.4xlarge: 16 vCPU, 64 GiB, 1 x RTX PRO 4500 Blackwell (32 GiB each); valid for training, hosting, processing. */
  public static readonly ML_G7_4XLARGE = InstanceType.register('ml.g7.4xlarge');

  /** ml.g7.8xlarge: 32 vCPU, 128 GiB, 1 x RTX PRO 4500 Blackwell (32 GiB each); valid for training, hosting, processing. */
  public static readonly ML_G7_8XLARGE = InstanceType.register('ml.g7.8xlarge');

  /** ml.g7.12xlarge: 48 vCPU, 256 GiB, 2 x RTX PRO 4500 Blackwell (32 GiB each); valid for training, hosting, processing. */
  public static readonly ML_G7_12XLARGE = InstanceType.register('ml.g7.12xlarge');

  /** ml.g7.24xlarge: 96 vCPU, 512 GiB, 4 x RTX PRO 4500 Blackwell (32 GiB each); valid for training, hosting, processing. */
  public static readonly ML_G7_24XLARGE = InstanceType.register('ml.g7.24xlarge');

  /** ml.g7.48xlarge: 192 vCPU, 1024 GiB, 8 x RTX PRO 4500 Blackwell (32 GiB each); valid for training, hosting, processing. */
  public static readonly ML_G7_48XLARGE = InstanceType.register('ml.g7.48xlarge');

  /** ml.g7e.2xlarge: 8 vCPU, 64 GiB, 1 x RTX PRO 6000 Blackwell (96 GiB each), local NVMe storage; valid for training, hosting, processing. */
  public static readonly ML_G7E_2XLARGE = InstanceType.register('ml.g7e.2xlarge');

  /** ml.g7e.4xlarge: 16 vCPU, 128 GiB, 1 x RTX PRO 6000 Blackwell (96 GiB each), local NVMe storage; valid for training, hosting, processing. */
  public static readonly ML_G7E_4XLARGE = InstanceType.register('ml.g7e.4xlarge');

  /** ml.g7e.8xlarge: 32 vCPU, 256 GiB, 1 x RTX PRO 6000 Blackwell (96 GiB each), local NVMe storage; valid for training, hosting, processing. */
  public static readonly ML_G7E_8XLARGE = InstanceType.register('ml.g7e.8xlarge');

  /** ml.g7e.12xlarge: 48 vCPU, 512 GiB, 2 x RTX PRO 6000 Blackwell (96 GiB each), local NVMe storage; valid for training, hosting, processing. */
  public static readonly ML_G7E_12XLARGE = InstanceType.register('ml.g7e.12xlarge');

  /** ml.g7e.24xlarge: 96 vCPU, 1024 GiB, 4 x RTX PRO 6000 Blackwell (96 GiB each), local NVMe storage; valid for training, hosting, processing. */
  public static readonly ML_G7E_24XLARGE = InstanceType.register('ml.g7e.24xlarge');

  /** ml.g7e.48xlarge: 192 vCPU, 2048 GiB, 8 x RTX PRO 6000 Blackwell (96 GiB each), local NVMe storage; valid for training, hosting, processing. */
  public static readonly ML_G7E_48XLARGE = InstanceType.register('ml.g7e.48xlarge');

  /** ml.inf1.xlarge: 4 vCPU, 8 GiB, 1 x Inferentia (8 GiB each); valid for hosting. */
  public static readonly ML_INF1_XLARGE = InstanceType.register('ml.inf1.xlarge');

  /** ml.inf1.2xlarge: 8 vCPU, 16 GiB, 1 x Inferentia (8 GiB each); valid for hosting. */
  public static readonly ML_INF1_2XLARGE = InstanceType.register('ml.inf1.2xlarge');

  /** ml.inf1.6xlarge: 24 vCPU, 48 GiB, 4 x Inferentia (8 GiB each); valid for hosting. */
  public static readonly ML_INF1_6XLARGE = InstanceType.register('ml.inf1.6xlarge');

  /** ml.inf1.24xlarge: 96 vCPU, 192 GiB, 16 x Inferentia (8 GiB each); valid for hosting. */
  public static readonly ML_INF1_24XLARGE = InstanceType.register('ml.inf1.24xlarge');

  /** ml.inf2.xlarge: 4 vCPU, 16 GiB, 1 x Inferentia2 (32 GiB each); valid for hosting, transform. */
  public static readonly ML_INF2_XLARGE = InstanceType.register('ml.inf2.xlarge');

  /** ml.inf2.8xlarge: 32 vCPU, 128 GiB, 1 x Inferentia2 (32 GiB each); valid for hosting, transform. */
  public static readonly ML_INF2_8XLARGE = InstanceType.register('ml.inf2.8xlarge');

  /** ml.inf2.24xlarge: 96 vCPU, 384 GiB, 6 x Inferentia2 (32 GiB each); valid for hosting, transform. */
  public static readonly ML_INF2_24XLARGE = InstanceType.register('ml.inf2.24xlarge');

  /** ml.inf2.48xlarge: 192 vCPU, 768 GiB, 12 x Inferentia2 (32 GiB each); valid for hosting, transform. */
  public static readonly ML_INF2_48XLARGE = InstanceType.register('ml.inf2.48xlarge');

  /** ml.m4.xlarge: 4 vCPU, 16 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M4_XLARGE = InstanceType.register('ml.m4.xlarge');

  /** ml.m4.2xlarge: 8 vCPU, 32 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M4_2XLARGE = InstanceType.register('ml.m4.2xlarge');

  /** ml.m4.4xlarge: 16 vCPU, 64 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M4_4XLARGE = InstanceType.register('ml.m4.4xlarge');

  /** ml.m4.10xlarge: 40 vCPU, 160 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M4_10XLARGE = InstanceType.register('ml.m4.10xlarge');

  /** ml.m4.16xlarge: 64 vCPU, 256 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M4_16XLARGE = InstanceType.register('ml.m4.16xlarge');

  /** ml.m5.large: 2 vCPU, 8 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M5_LARGE = InstanceType.register('ml.m5.large');

  /** ml.m5.xlarge: 4 vCPU, 16 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M5_XLARGE = InstanceType.register('ml.m5.xlarge');

  /** ml.m5.2xlarge: 8 vCPU, 32 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M5_2XLARGE = InstanceType.register('ml.m5.2xlarge');

  /** ml.m5.4xlarge: 16 vCPU, 64 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M5_4XLARGE = InstanceType.register('ml.m5.4xlarge');

  /** ml.m5.12xlarge: 48 vCPU, 192 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M5_12XLARGE = InstanceType.register('ml.m5.12xlarge');

  /** ml.m5.24xlarge: 96 vCPU, 384 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M5_24XLARGE = InstanceType.register('ml.m5.24xlarge');

  /** ml.m5d.large: 2 vCPU, 8 GiB, local NVMe storage; valid for hosting. */
  public static readonly ML_M5D_LARGE = InstanceType.register('ml.m5d.large');

  /** ml.m5d.xlarge: 4 vCPU, 16 GiB, local NVMe storage; valid for hosting. */
  public static readonly ML_M5D_XLARGE = InstanceType.register('ml.m5d.xlarge');

  /** ml.m5d.2xlarge: 8 vCPU, 32 GiB, local NVMe storage; valid for hosting. */
  public static readonly ML_M5D_2XLARGE = InstanceType.register('ml.m5d.2xlarge');

  /** ml.m5d.4xlarge: 16 vCPU, 64 GiB, local NVMe storage; valid for hosting. */
  public static readonly ML_M5D_4XLARGE = InstanceType.register('ml.m5d.4xlarge');

  /** ml.m5d.12xlarge: 48 vCPU, 192 GiB, local NVMe storage; valid for hosting. */
  public static readonly ML_M5D_12XLARGE = InstanceType.register('ml.m5d.12xlarge');

  /** ml.m5d.24xlarge: 96 vCPU, 384 GiB, local NVMe storage; valid for hosting. */
  public static readonly ML_M5D_24XLARGE = InstanceType.register('ml.m5d.24xlarge');

  /** ml.m6g.large: 2 vCPU, 8 GiB, arm64; valid for hosting. */
  public static readonly ML_M6G_LARGE = InstanceType.register('ml.m6g.large');

  /** ml.m6g.xlarge: 4 vCPU, 16 GiB, arm64; valid for hosting. */
  public static readonly ML_M6G_XLARGE = InstanceType.register('ml.m6g.xlarge');

  /** ml.m6g.2xlarge: 8 vCPU, 32 GiB, arm64; valid for hosting. */
  public static readonly ML_M6G_2XLARGE = InstanceType.register('ml.m6g.2xlarge');

  /** ml.m6g.4xlarge: 16 vCPU, 64 GiB, arm64; valid for hosting. */
  public static readonly ML_M6G_4XLARGE = InstanceType.register('ml.m6g.4xlarge');

  /** ml.m6g.8xlarge: 32 vCPU, 128 GiB, arm64; valid for hosting. */
  public static readonly ML_M6G_8XLARGE = InstanceType.register('ml.m6g.8xlarge');

  /** ml.m6g.12xlarge: 48 vCPU, 192 GiB, arm64; valid for hosting. */
  public static readonly ML_M6G_12XLARGE = InstanceType.register('ml.m6g.12xlarge');

  /** ml.m6g.16xlarge: 64 vCPU, 256 GiB, arm64; valid for hosting. */
  public static readonly ML_M6G_16XLARGE = InstanceType.register('ml.m6g.16xlarge');

  /** ml.m6gd.large: 2 vCPU, 8 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_M6GD_LARGE = InstanceType.register('ml.m6gd.large');

  /** ml.m6gd.xlarge: 4 vCPU, 16 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_M6GD_XLARGE = InstanceType.register('ml.m6gd.xlarge');

  /** ml.m6gd.2xlarge: 8 vCPU, 32 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_M6GD_2XLARGE = InstanceType.register('ml.m6gd.2xlarge');

  /** ml.m6gd.4xlarge: 16 vCPU, 64 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_M6GD_4XLARGE = InstanceType.register('ml.m6gd.4xlarge');

  /** ml.m6gd.8xlarge: 32 vCPU, 128 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_M6GD_8XLARGE = InstanceType.register('ml.m6gd.8xlarge');

  /** ml.m6gd.12xlarge: 48 vCPU, 192 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_M6GD_12XLARGE = InstanceType.register('ml.m6gd.12xlarge');

  /** ml.m6gd.16xlarge: 64 vCPU, 256 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_M6GD_16XLARGE = InstanceType.register('ml.m6gd.16xlarge');

  /** ml.m6i.large: 2 vCPU, 8 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M6I_LARGE = InstanceType.register('ml.m6i.large');

  /** ml.m6i.xlarge: 4 vCPU, 16 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M6I_XLARGE = InstanceType.register('ml.m6i.xlarge');

  /** ml.m6i.2xlarge: 8 vCPU, 32 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M6I_2XLARGE = InstanceType.register('ml.m6i.2xlarge');

  /** ml.m6i.4xlarge: 16 vCPU, 64 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M6I_4XLARGE = InstanceType.register('ml.m6i.4xlarge');

  /** ml.m6i.8xlarge: 32 vCPU, 128 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M6I_8XLARGE = InstanceType.register('ml.m6i.8xlarge');

  /** ml.m6i.12xlarge: 48 vCPU, 192 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M6I_12XLARGE = InstanceType.register('ml.m6i.12xlarge');

  /** ml.m6i.16xlarge: 64 vCPU, 256 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M6I_16XLARGE = InstanceType.register('ml.m6i.16xlarge');

  /** ml.m6i.24xlarge: 96 vCPU, 384 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M6I_24XLARGE = InstanceType.register('ml.m6i.24xlarge');

  /** ml.m6i.32xlarge: 128 vCPU, 512 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M6I_32XLARGE = InstanceType.register('ml.m6i.32xlarge');

  /** ml.m7i.large: 2 vCPU, 8 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M7I_LARGE = InstanceType.register('ml.m7i.large');

  /** ml.m7i.xlarge: 4 vCPU, 16 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M7I_XLARGE = InstanceType.register('ml.m7i.xlarge');

  /** ml.m7i.2xlarge: 8 vCPU, 32 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M7I_2XLARGE = InstanceType.register('ml.m7i.2xlarge');

  /** ml.m7i.4xlarge: 16 vCPU, 64 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M7I_4XLARGE = InstanceType.register('ml.m7i.4xlarge');

  /** ml.m7i.8xlarge: 32 vCPU, 128 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M7I_8XLARGE = InstanceType.register('ml.m7i.8xlarge');

  /** ml.m7i.12xlarge: 48 vCPU, 192 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M7I_12XLARGE = InstanceType.register('ml.m7i.12xlarge');

  /** ml.m7i.16xlarge: 64 vCPU, 256 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M7I_16XLARGE = InstanceType.register('ml.m7i.16xlarge');

  /** ml.m7i.24xlarge: 96 vCPU, 384 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M7I_24XLARGE = InstanceType.register('ml.m7i.24xlarge');

  /** ml.m7i.48xlarge: 192 vCPU, 768 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_M7I_48XLARGE = InstanceType.register('ml.m7i.48xlarge');

  /** ml.m8g.medium: 1 vCPU, 4 GiB, arm64; valid for hosting. */
  public static readonly ML_M8G_MEDIUM = InstanceType.register('ml.m8g.medium');

  /** ml.m8g.large: 2 vCPU, 8 GiB, arm64; valid for hosting. */
  public static readonly ML_M8G_LARGE = InstanceType.register('ml.m8g.large');

  /** ml.m8g.xlarge: 4 vCPU, 16 GiB, arm64; valid for hosting. */
  public static readonly ML_M8G_XLARGE = InstanceType.register('ml.m8g.xlarge');

  /** ml.m8g.2xlarge: 8 vCPU, 32 GiB, arm64; valid for hosting. */
  public static readonly ML_M8G_2XLARGE = InstanceType.register('ml.m8g.2xlarge');

  /** ml.m8g.4xlarge: 16 vCPU, 64 GiB, arm64; valid for hosting. */
  public static readonly ML_M8G_4XLARGE = InstanceType.register('ml.m8g.4xlarge');

  /** ml.m8g.8xlarge: 32 vCPU, 128 GiB, arm64; valid for hosting. */
  public static readonly ML_M8G_8XLARGE = InstanceType.register('ml.m8g.8xlarge');

  /** ml.m8g.12xlarge: 48 vCPU, 192 GiB, arm64; valid for hosting. */
  public static readonly ML_M8G_12XLARGE = InstanceType.register('ml.m8g.12xlarge');

  /** ml.m8g.16xlarge: 64 vCPU, 256 GiB, arm64; valid for hosting. */
  public static readonly ML_M8G_16XLARGE = InstanceType.register('ml.m8g.16xlarge');

  /** ml.m8g.24xlarge: 96 vCPU, 384 GiB, arm64; valid for hosting. */
  public static readonly ML_M8G_24XLARGE = InstanceType.register('ml.m8g.24xlarge');

  /** ml.m8g.48xlarge: 192 vCPU, 768 GiB, arm64; valid for hosting. */
  public static readonly ML_M8G_48XLARGE = InstanceType.register('ml.m8g.48xlarge');

  /** ml.m8i.large: 2 vCPU, 8 GiB; valid for training, processing. */
  public static readonly ML_M8I_LARGE = InstanceType.register('ml.m8i.large');

  /** ml.m8i.xlarge: 4 vCPU, 16 GiB; valid for training, processing. */
  public static readonly ML_M8I_XLARGE = InstanceType.register('ml.m8i.xlarge');

  /** ml.m8i.2xlarge: 8 vCPU, 32 GiB; valid for training, processing. */
  public static readonly ML_M8I_2XLARGE = InstanceType.register('ml.m8i.2xlarge');

  /** ml.m8i.4xlarge: 16 vCPU, 64 GiB; valid for training, processing. */
  public static readonly ML_M8I_4XLARGE = InstanceType.register('ml.m8i.4xlarge');

  /** ml.m8i.8xlarge: 32 vCPU, 128 GiB; valid for training, processing. */
  public static readonly ML_M8I_8XLARGE = InstanceType.register('ml.m8i.8xlarge');

  /** ml.m8i.12xlarge: 48 vCPU, 192 GiB; valid for training, processing. */
  public static readonly ML_M8I_12XLARGE = InstanceType.register('ml.m8i.12xlarge');

  /** ml.m8i.16xlarge: 64 vCPU, 256 GiB; valid for training, processing. */
  public static readonly ML_M8I_16XLARGE = InstanceType.register('ml.m8i.16xlarge');

  /** ml.m8i.24xlarge: 96 vCPU, 384 GiB; valid for training, processing. */
  public static readonly ML_M8I_24XLARGE = InstanceType.register('ml.m8i.24xlarge');

  /** ml.m8i.32xlarge: 128 vCPU, 512 GiB; valid for training, processing. */
  public static readonly ML_M8I_32XLARGE = InstanceType.register('ml.m8i.32xlarge');

  /** ml.m8i.48xlarge: 192 vCPU, 768 GiB; valid for training, processing. */
  public static readonly ML_M8I_48XLARGE = InstanceType.register('ml.m8i.48xlarge');

  /** ml.m8i.96xlarge: 384 vCPU, 1536 GiB; valid for training, processing. */
  public static readonly ML_M8I_96XLARGE = InstanceType.register('ml.m8i.96xlarge');

  /** ml.p2.xlarge: 4 vCPU, 61 GiB, 1 x K80 (12 GiB each); valid for training, hosting, processing, transform. */
  public static readonly ML_P2_XLARGE = InstanceType.register('ml.p2.xlarge');

  /** ml.p2.8xlarge: 32 vCPU, 488 GiB, 8 x K80 (12 GiB each); valid for training, hosting, processing, transform. */
  public static readonly ML_P2_8XLARGE = InstanceType.register('ml.p2.8xlarge');

  /** ml.p2.16xlarge: 64 vCPU, 732 GiB, 16 x K80 (12 GiB each); valid for training, hosting, processing, transform. */
  public static readonly ML_P2_16XLARGE = InstanceType.register('ml.p2.16xlarge');

  /** ml.p3.2xlarge: 8 vCPU, 61 GiB, 1 x V100 (16 GiB each); valid for training, hosting, processing, transform. */
  public static readonly ML_P3_2XLARGE = InstanceType.register('ml.p3.2xlarge');

  /** ml.p3.8xlarge: 32 vCPU, 244 GiB, 4 x V100 (16 GiB each); valid for training, hosting, processing, transform. */
  public static readonly ML_P3_8XLARGE = InstanceType.register('ml.p3.8xlarge');

  /** ml.p3.16xlarge: 64 vCPU, 488 GiB, 8 x V100 (16 GiB each); valid for training, hosting, processing, transform. */
  public static readonly ML_P3_16XLARGE = InstanceType.register('ml.p3.16xlarge');

  /** ml.p3dn.24xlarge: 96 vCPU, 768 GiB, 8 x V100 (32 GiB each), local NVMe storage; valid for training. */
  public static readonly ML_P3DN_24XLARGE = InstanceType.register('ml.p3dn.24xlarge');

  /** ml.p4d.24xlarge: 96 vCPU, 1152 GiB, 8 x A100 (40 GiB each), local NVMe storage; valid for training, hosting. */
  public static readonly ML_P4D_24XLARGE = InstanceType.register('ml.p4d.24xlarge');

  /** ml.p4de.24xlarge: 96 vCPU, 1152 GiB, 8 x A100 (80 GiB each), local NVMe storage; valid for training, hosting. */
  public static readonly ML_P4DE_24XLARGE = InstanceType.register('ml.p4de.24xlarge');

  /** ml.p5.4xlarge: 16 vCPU, 256 GiB, 1 x H100 (80 GiB each), local NVMe storage; valid for training, hosting, processing. */
  public static readonly ML_P5_4XLARGE = InstanceType.register('ml.p5.4xlarge');

  /** ml.p5.48xlarge: 192 vCPU, 2048 GiB, 8 x H100 (80 GiB each), local NVMe storage; valid for training, hosting. */
  public static readonly ML_P5_48XLARGE = InstanceType.register('ml.p5.48xlarge');

  /** ml.p5e.48xlarge: 192 vCPU, 2048 GiB, 8 x H200 (141 GiB each), local NVMe storage; valid for training, hosting. */
  public static readonly ML_P5E_48XLARGE = InstanceType.register('ml.p5e.48xlarge');

  /** ml.p5en.48xlarge: 192 vCPU, 2048 GiB, 8 x H200 (141 GiB each), local NVMe storage; valid for training, hosting. */
  public static readonly ML_P5EN_48XLARGE = InstanceType.register('ml.p5en.48xlarge');

  /** ml.p6-b200.48xlarge: 192 vCPU, 2048 GiB, 8 x B200 (180 GiB each), local NVMe storage; valid for training, hosting. */
  public static readonly ML_P6_B200_48XLARGE = InstanceType.register('ml.p6-b200.48xlarge');

  /** ml.p6-b300.48xlarge: 192 vCPU, 4096 GiB, 8 x B300 (268 GiB each), local NVMe storage; valid for training, hosting. */
  public static readonly ML_P6_B300_48XLARGE = InstanceType.register('ml.p6-b300.48xlarge');

  /** ml.p6e-gb200.36xlarge: 144 vCPU, 960 GiB, 4 x GB200 (185 GiB each), arm64, local NVMe storage; valid for training, hosting. */
  public static readonly ML_P6E_GB200_36XLARGE = InstanceType.register('ml.p6e-gb200.36xlarge');

  /** ml.r5.large: 2 vCPU, 16 GiB; valid for training, hosting, processing. */
  public static readonly ML_R5_LARGE = InstanceType.register('ml.r5.large');

  /** ml.r5.xlarge: 4 vCPU, 32 GiB; valid for training, hosting, processing. */
  public static readonly ML_R5_XLARGE = InstanceType.register('ml.r5.xlarge');

  /** ml.r5.2xlarge: 8 vCPU, 64 GiB; valid for training, hosting, processing. */
  public static readonly ML_R5_2XLARGE = InstanceType.register('ml.r5.2xlarge');

  /** ml.r5.4xlarge: 16 vCPU, 128 GiB; valid for training, hosting, processing. */
  public static readonly ML_R5_4XLARGE = InstanceType.register('ml.r5.4xlarge');

  /** ml.r5.8xlarge: 32 vCPU, 256 GiB; valid for training, processing. */
  public static readonly ML_R5_8XLARGE = InstanceType.register('ml.r5.8xlarge');

  /** ml.r5.12xlarge: 48 vCPU, 384 GiB; valid for training, hosting, processing. */
  public static readonly ML_R5_12XLARGE = InstanceType.register('ml.r5.12xlarge');

  /** ml.r5.16xlarge: 64 vCPU, 512 GiB; valid for training, processing. */
  public static readonly ML_R5_16XLARGE = InstanceType.register('ml.r5.16xlarge');

  /** ml.r5.24xlarge: 96 vCPU, 768 GiB; valid for training, hosting, processing. */
  public static readonly ML_R5_24XLARGE = InstanceType.register('ml.r5.24xlarge');

  /** ml.r5d.large: 2 vCPU, 16 GiB, local NVMe storage; valid for training, hosting, processing. */
  public static readonly ML_R5D_LARGE = InstanceType.register('ml.r5d.large');

  /** ml.r5d.xlarge: 4 vCPU, 32 GiB, local NVMe storage; valid for training, hosting, processing. */
  public static readonly ML_R5D_XLARGE = InstanceType.register('ml.r5d.xlarge');

  /** ml.r5d.2xlarge: 8 vCPU, 64 GiB, local NVMe storage; valid for training, hosting, processing. */
  public static readonly ML_R5D_2XLARGE = InstanceType.register('ml.r5d.2xlarge');

  /** ml.r5d.4xlarge: 16 vCPU, 128 GiB, local NVMe storage; valid for training, hosting, processing. */
  public static readonly ML_R5D_4XLARGE = InstanceType.register('ml.r5d.4xlarge');

  /** ml.r5d.8xlarge: 32 vCPU, 256 GiB, local NVMe storage; valid for training, processing. */
  public static readonly ML_R5D_8XLARGE = InstanceType.register('ml.r5d.8xlarge');

  /** ml.r5d.12xlarge: 48 vCPU, 384 GiB, local NVMe storage; valid for training, hosting, processing. */
  public static readonly ML_R5D_12XLARGE = InstanceType.register('ml.r5d.12xlarge');

  /** ml.r5d.16xlarge: 64 vCPU, 512 GiB, local NVMe storage; valid for training, processing. */
  public static readonly ML_R5D_16XLARGE = InstanceType.register('ml.r5d.16xlarge');

  /** ml.r5d.24xlarge: 96 vCPU, 768 GiB, local NVMe storage; valid for training, hosting, processing. */
  public static readonly ML_R5D_24XLARGE = InstanceType.register('ml.r5d.24xlarge');

  /** ml.r6g.large: 2 vCPU, 16 GiB, arm64; valid for hosting. */
  public static readonly ML_R6G_LARGE = InstanceType.register('ml.r6g.large');

  /** ml.r6g.xlarge: 4 vCPU, 32 GiB, arm64; valid for hosting. */
  public static readonly ML_R6G_XLARGE = InstanceType.register('ml.r6g.xlarge');

  /** ml.r6g.2xlarge: 8 vCPU, 64 GiB, arm64; valid for hosting. */
  public static readonly ML_R6G_2XLARGE = InstanceType.register('ml.r6g.2xlarge');

  /** ml.r6g.4xlarge: 16 vCPU, 128 GiB, arm64; valid for hosting. */
  public static readonly ML_R6G_4XLARGE = InstanceType.register('ml.r6g.4xlarge');

  /** ml.r6g.8xlarge: 32 vCPU, 256 GiB, arm64; valid for hosting. */
  public static readonly ML_R6G_8XLARGE = InstanceType.register('ml.r6g.8xlarge');

  /** ml.r6g.12xlarge: 48 vCPU, 384 GiB, arm64; valid for hosting. */
  public static readonly ML_R6G_12XLARGE = InstanceType.register('ml.r6g.12xlarge');

  /** ml.r6g.16xlarge: 64 vCPU, 512 GiB, arm64; valid for hosting. */
  public static readonly ML_R6G_16XLARGE = InstanceType.register('ml.r6g.16xlarge');

  /** ml.r6gd.large: 2 vCPU, 16 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R6GD_LARGE = InstanceType.register('ml.r6gd.large');

  /** ml.r6gd.xlarge: 4 vCPU, 32 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R6GD_XLARGE = InstanceType.register('ml.r6gd.xlarge');

  /** ml.r6gd.2xlarge: 8 vCPU, 64 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R6GD_2XLARGE = InstanceType.register('ml.r6gd.2xlarge');

  /** ml.r6gd.4xlarge: 16 vCPU, 128 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R6GD_4XLARGE = InstanceType.register('ml.r6gd.4xlarge');

  /** ml.r6gd.8xlarge: 32 vCPU, 256 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R6GD_8XLARGE = InstanceType.register('ml.r6gd.8xlarge');

  /** ml.r6gd.12xlarge: 48 vCPU, 384 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R6GD_12XLARGE = InstanceType.register('ml.r6gd.12xlarge');

  /** ml.r6gd.16xlarge: 64 vCPU, 512 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R6GD_16XLARGE = InstanceType.register('ml.r6gd.16xlarge');

  /** ml.r6i.large: 2 vCPU, 16 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R6I_LARGE = InstanceType.register('ml.r6i.large');

  /** ml.r6i.xlarge: 4 vCPU, 32 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R6I_XLARGE = InstanceType.register('ml.r6i.xlarge');

  /** ml.r6i.2xlarge: 8 vCPU, 64 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R6I_2XLARGE = InstanceType.register('ml.r6i.2xlarge');

  /** ml.r6i.4xlarge: 16 vCPU, 128 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R6I_4XLARGE = InstanceType.register('ml.r6i.4xlarge');

  /** ml.r6i.8xlarge: 32 vCPU, 256 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R6I_8XLARGE = InstanceType.register('ml.r6i.8xlarge');

  /** ml.r6i.12xlarge: 48 vCPU, 384 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R6I_12XLARGE = InstanceType.register('ml.r6i.12xlarge');

  /** ml.r6i.16xlarge: 64 vCPU, 512 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R6I_16XLARGE = InstanceType.register('ml.r6i.16xlarge');

  /** ml.r6i.24xlarge: 96 vCPU, 768 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R6I_24XLARGE = InstanceType.register('ml.r6i.24xlarge');

  /** ml.r6i.32xlarge: 128 vCPU, 1024 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R6I_32XLARGE = InstanceType.register('ml.r6i.32xlarge');

  /** ml.r7gd.medium: 1 vCPU, 8 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R7GD_MEDIUM = InstanceType.register('ml.r7gd.medium');

  /** ml.r7gd.large: 2 vCPU, 16 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R7GD_LARGE = InstanceType.register('ml.r7gd.large');

  /** ml.r7gd.xlarge: 4 vCPU, 32 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R7GD_XLARGE = InstanceType.register('ml.r7gd.xlarge');

  /** ml.r7gd.2xlarge: 8 vCPU, 64 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R7GD_2XLARGE = InstanceType.register('ml.r7gd.2xlarge');

  /** ml.r7gd.4xlarge: 16 vCPU, 128 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R7GD_4XLARGE = InstanceType.register('ml.r7gd.4xlarge');

  /** ml.r7gd.8xlarge: 32 vCPU, 256 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R7GD_8XLARGE = InstanceType.register('ml.r7gd.8xlarge');

  /** ml.r7gd.12xlarge: 48 vCPU, 384 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R7GD_12XLARGE = InstanceType.register('ml.r7gd.12xlarge');

  /** ml.r7gd.16xlarge: 64 vCPU, 512 GiB, arm64, local NVMe storage; valid for hosting. */
  public static readonly ML_R7GD_16XLARGE = InstanceType.register('ml.r7gd.16xlarge');

  /** ml.r7i.large: 2 vCPU, 16 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R7I_LARGE = InstanceType.register('ml.r7i.large');

  /** ml.r7i.xlarge: 4 vCPU, 32 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R7I_XLARGE = InstanceType.register('ml.r7i.xlarge');

  /** ml.r7i.2xlarge: 8 vCPU, 64 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R7I_2XLARGE = InstanceType.register('ml.r7i.2xlarge');

  /** ml.r7i.4xlarge: 16 vCPU, 128 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R7I_4XLARGE = InstanceType.register('ml.r7i.4xlarge');

  /** ml.r7i.8xlarge: 32 vCPU, 256 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R7I_8XLARGE = InstanceType.register('ml.r7i.8xlarge');

  /** ml.r7i.12xlarge: 48 vCPU, 384 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R7I_12XLARGE = InstanceType.register('ml.r7i.12xlarge');

  /** ml.r7i.16xlarge: 64 vCPU, 512 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R7I_16XLARGE = InstanceType.register('ml.r7i.16xlarge');

  /** ml.r7i.24xlarge: 96 vCPU, 768 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R7I_24XLARGE = InstanceType.register('ml.r7i.24xlarge');

  /** ml.r7i.48xlarge: 192 vCPU, 1536 GiB; valid for training, hosting, processing, transform. */
  public static readonly ML_R7I_48XLARGE = InstanceType.register('ml.r7i.48xlarge');

  /** ml.r8g.medium: 1 vCPU, 8 GiB, arm64; valid for hosting. */
  public static readonly ML_R8G_MEDIUM = InstanceType.register('ml.r8g.medium');

  /** ml.r8g.large: 2 vCPU, 16 GiB, arm64; valid for hosting. */
  public static readonly ML_R8G_LARGE = InstanceType.register('ml.r8g.large');

  /** ml.r8g.xlarge: 4 vCPU, 32 GiB, arm64; valid for hosting. */
  public static readonly ML_R8G_XLARGE = InstanceType.register('ml.r8g.xlarge');

  /** ml.r8g.2xlarge: 8 vCPU, 64 GiB, arm64; valid for hosting. */
  public static readonly ML_R8G_2XLARGE = InstanceType.register('ml.r8g.2xlarge');

  /** ml.r8g.4xlarge: 16 vCPU, 128 GiB, arm64; valid for hosting. */
  public static readonly ML_R8G_4XLARGE = InstanceType.register('ml.r8g.4xlarge');

  /** ml.r8g.8xlarge: 32 vCPU, 256 GiB, arm64; valid for hosting. */
  public static readonly ML_R8G_8XLARGE = InstanceType.register('ml.r8g.8xlarge');

  /** ml.r8g.12xlarge: 48 vCPU, 384 GiB, arm64; valid for hosting. */
  public static readonly ML_R8G_12XLARGE = InstanceType.register('ml.r8g.12xlarge');

  /** ml.r8g.16xlarge: 64 vCPU, 512 GiB, arm64; valid for hosting. */
  public static readonly ML_R8G_16XLARGE = InstanceType.register('ml.r8g.16xlarge');

  /** ml.r8g.24xlarge: 96 vCPU, 768 GiB, arm64; valid for hosting. */
  public static readonly ML_R8G_24XLARGE = InstanceType.register('ml.r8g.24xlarge');

  /** ml.r8g.48xlarge: 192 vCPU, 1536 GiB, arm64; valid for hosting. */
  public static readonly ML_R8G_48XLARGE = InstanceType.register('ml.r8g.48xlarge');

  /** ml.r8i.large: 2 vCPU, 16 GiB; valid for training, processing. */
  public static readonly ML_R8I_LARGE = InstanceType.register('ml.r8i.large');

  /** ml.r8i.xlarge: 4 vCPU, 32 GiB; valid for training, processing. */
  public static readonly ML_R8I_XLARGE = InstanceType.register('ml.r8i.xlarge');

  /** ml.r8i.2xlarge: 8 vCPU, 64 GiB; valid for training, processing. */
  public static readonly ML_R8I_2XLARGE = InstanceType.register('ml.r8i.2xlarge');

  /** ml.r8i.4xlarge: 16 vCPU, 128 GiB; valid for training, processing. */
  public static readonly ML_R8I_4XLARGE = InstanceType.register('ml.r8i.4xlarge');

  /** ml.r8i.8xlarge: 32 vCPU, 256 GiB; valid for training, processing. */
  public static readonly ML_R8I_8XLARGE = InstanceType.register('ml.r8i.8xlarge');

  /** ml.r8i.12xlarge: 48 vCPU, 384 GiB; valid for training, processing. */
  public static readonly ML_R8I_12XLARGE = InstanceType.register('ml.r8i.12xlarge');

  /** ml.r8i.16xlarge: 64 vCPU, 512 GiB; valid for training, processing. */
  public static readonly ML_R8I_16XLARGE = InstanceType.register('ml.r8i.16xlarge');

  /** ml.r8i.24xlarge: 96 vCPU, 768 GiB; valid for training, processing. */
  public static readonly ML_R8I_24XLARGE = InstanceType.register('ml.r8i.24xlarge');

  /** ml.r8i.32xlarge: 128 vCPU, 1024 GiB; valid for training, processing. */
  public static readonly ML_R8I_32XLARGE = InstanceType.register('ml.r8i.32xlarge');

  /** ml.r8i.48xlarge: 192 vCPU, 1536 GiB; valid for training, processing. */
  public static readonly ML_R8I_48XLARGE = InstanceType.register('ml.r8i.48xlarge');

  /** ml.r8i.96xlarge: 384 vCPU, 3072 GiB; valid for training, processing. */
  public static readonly ML_R8I_96XLARGE = InstanceType.register('ml.r8i.96xlarge');

  /** ml.t2.medium: 2 vCPU, 4 GiB, burstable; valid for hosting. */
  public static readonly ML_T2_MEDIUM = InstanceType.register('ml.t2.medium');

  /** ml.t2.large: 2 vCPU, 8 GiB, burstable; valid for hosting. */
  public static readonly ML_T2_LARGE = InstanceType.register('ml.t2.large');

  /** ml.t2.xlarge: 4 vCPU, 16 GiB, burstable; valid for hosting. */
  public static readonly ML_T2_XLARGE = InstanceType.register('ml.t2.xlarge');

  /** ml.t2.2xlarge: 8 vCPU, 32 GiB, burstable; valid for hosting. */
  public static readonly ML_T2_2XLARGE = InstanceType.register('ml.t2.2xlarge');

  /** ml.t3.medium: 2 vCPU, 4 GiB, burstable; valid for training, processing. */
  public static readonly ML_T3_MEDIUM = InstanceType.register('ml.t3.medium');

  /** ml.t3.large: 2 vCPU, 8 GiB, burstable; valid for training, processing. */
  public static readonly ML_T3_LARGE = InstanceType.register('ml.t3.large');

  /** ml.t3.xlarge: 4 vCPU, 16 GiB, burstable; valid for training, processing. */
  public static readonly ML_T3_XLARGE = InstanceType.register('ml.t3.xlarge');

  /** ml.t3.2xlarge: 8 vCPU, 32 GiB, burstable; valid for training, processing. */
  public static readonly ML_T3_2XLARGE = InstanceType.register('ml.t3.2xlarge');

  /** ml.trn1.2xlarge: 8 vCPU, 32 GiB, 1 x Trainium (32 GiB each), local NVMe storage; valid for training, hosting, transform. */
  public static readonly ML_TRN1_2XLARGE = InstanceType.register('ml.trn1.2xlarge');

  /** ml.trn1.32xlarge: 128 vCPU, 512 GiB, 16 x Trainium (32 GiB each), local NVMe storage; valid for training, hosting, transform. */
  public static readonly ML_TRN1_32XLARGE = InstanceType.register('ml.trn1.32xlarge');

  /** ml.trn1n.32xlarge: 128 vCPU, 512 GiB, 16 x Trainium (32 GiB each), local NVMe storage; valid for training, hosting. */
  public static readonly ML_TRN1N_32XLARGE = InstanceType.register('ml.trn1n.32xlarge');

  /** ml.trn2.48xlarge: 192 vCPU, 2048 GiB, 16 x Trainium2 (96 GiB each), local NVMe storage; valid for training, hosting. */
  public static readonly ML_TRN2_48XLARGE = InstanceType.register('ml.trn2.48xlarge');
  // ~~ end of generated constants ~~

  /**
   * An instance type by name, e.g. `ml.g5.xlarge`. A name in the catalog returns its constant; any other
   * name of the shape `ml.<family>.<size>` is accepted with unknown sizes (see the class description).
   * A token is accepted as is and its facts are unknown.
   *
   * @param name the SageMaker instance-type name
   */
  public static of(name: string): InstanceType {
    if (Token.isUnresolved(name)) {
      return new InstanceType(name);
    }
    const known = INSTANCES.get(name);
    if (known) {
      return known;
    }
    if (!splitInstanceName(name)) {
      const hint = splitInstanceName(`ml.${name}`) && CATALOG[`ml.${name}`] ? ` (did you mean ml.${name}?)` : '';
      throw new Error(`instanceType '${name}' is not a SageMaker instance-type name: expected ml.<family>.<size>, e.g. ml.g5.xlarge${hint}`);
    }
    return new InstanceType(name);
  }

  /**
   * Every instance type in the catalog, in catalog order (by family, then size).
   */
  public static catalog(): InstanceType[] {
    return Object.keys(CATALOG).map((name) => InstanceType.of(name));
  }

  private static register(name: string): InstanceType {
    const instance = new InstanceType(name);
    INSTANCES.set(name, instance);
    return instance;
  }

  /**
   * The SageMaker name, e.g. `ml.g5.xlarge` (or a token).
   *
   * A training job sets it as [`ResourceConfig.InstanceType`](https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html#sagemaker-Type-ResourceConfig-InstanceType), an endpoint as its
   * production variant's `InstanceType`.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-InstanceType
   */
  public readonly name: string;

  /** True when the name is in the catalog generated from the SageMaker API; false for newer names and tokens. */
  public readonly catalogued: boolean;

  /** The accelerator kind; inferred from the family name when the type is not catalogued (NONE for a token). */
  public readonly acceleratorKind: AcceleratorKind;

  /**
   * The accelerator model (`A10G`, `H100`, `Inferentia2`, `Trainium` ...).
   *
   * @default - undefined for CPU instances and for types that are not catalogued
   */
  public readonly acceleratorModel?: string;

  /**
   * Number of accelerator devices (GPUs, Inferentia or Trainium chips); 0 for CPU instances.
   *
   * @default - undefined when the type is not catalogued
   */
  public readonly acceleratorCount?: number;

  /**
   * Memory of ONE accelerator device (e.g. 24 GiB for the A10G of ml.g5.xlarge).
   *
   * @default - undefined for CPU instances and for types that are not catalogued
   */
  public readonly acceleratorMemory?: Size;

  /**
   * Number of virtual CPUs.
   *
   * @default - undefined when the type is not catalogued
   */
  public readonly vcpus?: number;

  /**
   * Memory of the instance.
   *
   * @default - undefined when the type is not catalogued
   */
  public readonly memory?: Size;

  /** CPU architecture; inferred from the family name when the type is not catalogued (x86_64 for a token). */
  public readonly architecture: CpuArchitecture;

  /** Burstable (T family: CPU credits); such types cannot autoscale. Inferred when not catalogued. */
  public readonly burstable: boolean;

  /**
   * Whether the type has local NVMe SSD instance storage (`g5`, `g4dn`, `p4d`, `p5`, `trn1`, `m5d` ...).
   * SageMaker mounts that storage instead of an EBS ML storage volume and encrypts it in hardware: it refuses
   * a volume KMS key for these types (training jobs, endpoints), refuses an endpoint volume size, and gives a
   * training job the instance storage whatever volume size it asks for.
   *
   * A type that is not catalogued takes the fact of its family when the family is catalogued, and is true when
   * its family name carries the `d` storage marker (`r6id`).
   *
   * @default - undefined when unknown: a token, or a type not catalogued whose family is unknown and has no `d` marker
   */
  public readonly localStorage?: boolean;

  /** Valid for training jobs (the SDK's TrainingInstanceType lists it). */
  public readonly supportsTraining: boolean;

  /** Valid for real-time and asynchronous endpoints (ProductionVariantInstanceType lists it). */
  public readonly supportsHosting: boolean;

  /** Valid for processing jobs (ProcessingInstanceType lists it). */
  public readonly supportsProcessing: boolean;

  /** Valid for batch transform jobs (TransformInstanceType lists it). */
  public readonly supportsTransform: boolean;

  private constructor(name: string) {
    this.name = name;
    const facts = CATALOG[name];
    if (facts) {
      const [kind, model, count, accelMemGiB, vcpus, memMiB, arch, burstable, localStorage, uses] = facts;
      this.catalogued = true;
      this.acceleratorKind = kind as AcceleratorKind;
      this.acceleratorModel = model === '' ? undefined : model;
      this.acceleratorCount = count;
      this.acceleratorMemory = accelMemGiB > 0 ? Size.gibibytes(accelMemGiB) : undefined;
      this.vcpus = vcpus;
      this.memory = Size.mebibytes(memMiB);
      this.architecture = arch as CpuArchitecture;
      this.burstable = burstable === 1;
      this.localStorage = localStorage === 1;
      this.supportsTraining = usedFor(uses, Workload.TRAINING);
      this.supportsHosting = usedFor(uses, Workload.HOSTING);
      this.supportsProcessing = usedFor(uses, Workload.PROCESSING);
      this.supportsTransform = usedFor(uses, Workload.TRANSFORM);
      return;
    }
    const parts = Token.isUnresolved(name) ? undefined : splitInstanceName(name);
    const traits = parts ? inferFamilyTraits(parts.family) : undefined;
    this.catalogued = false;
    this.acceleratorKind = traits?.acceleratorKind ?? AcceleratorKind.NONE;
    this.architecture = traits?.architecture ?? CpuArchitecture.X86_64;
    this.burstable = traits?.burstable ?? false;
    this.localStorage = parts ? catalogFamilyLocalStorage(parts.family) ?? inferLocalStorage(parts.family) : undefined;
    this.supportsTraining = false;
    this.supportsHosting = false;
    this.supportsProcessing = false;
    this.supportsTransform = false;
  }

  /**
   * Whether the type is valid for a workload (false for types that are not catalogued).
   *
   * @param workload training, hosting, processing or transform
   */
  public supports(workload: Workload): boolean {
    const facts = CATALOG[this.name];
    return facts !== undefined && usedFor(facts[USES], workload);
  }

  /**
   * Memory of all accelerator devices together (`acceleratorCount` x `acceleratorMemory`), e.g. 640 GiB for the
   * eight 80 GiB A100s of ml.p4de.24xlarge; undefined for CPU instances and types that are not catalogued.
   */
  public get totalAcceleratorMemory(): Size | undefined {
    if (this.acceleratorMemory === undefined || this.acceleratorCount === undefined) {
      return undefined;
    }
    return Size.mebibytes(this.acceleratorMemory.toMebibytes() * this.acceleratorCount);
  }

  /** The family, e.g. `g5` for `ml.g5.xlarge`; undefined for a token. */
  public get family(): string | undefined {
    return Token.isUnresolved(this.name) ? undefined : splitInstanceName(this.name)?.family;
  }

  /** The SageMaker name, e.g. `ml.g5.xlarge`. */
  public toString(): string {
    return this.name;
  }
}
