/**
 * Generates src/compute/instance-type.ts: one `InstanceType` constant per SageMaker instance-type name that the
 * installed `@aws-sdk/client-sagemaker` lists in TrainingInstanceType, ProductionVariantInstanceType,
 * ProcessingInstanceType and TransformInstanceType, joined with the hardware facts in ./instance-facts.ts.
 *
 *   npx ts-node scripts/generate-instance-catalog.ts           # writes the file
 *   npx ts-node scripts/generate-instance-catalog.ts --check   # exits 1 when the committed file is stale
 *
 * Fails when an SDK name has no facts, so an SDK upgrade cannot leave a type half-known.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as sdk from '@aws-sdk/client-sagemaker';
import { FAMILY_FACTS, FamilyFacts } from './instance-facts';

/** Where the generated class goes. */
export const INSTANCE_CATALOG_PATH = path.join(__dirname, '..', 'src', 'compute', 'instance-type.ts');

/** The SDK enum per use, and the letter that marks the use in the generated data. */
export const USE_ENUMS: ReadonlyArray<{ readonly enumName: string; readonly letter: string; readonly use: string }> = [
  { enumName: 'TrainingInstanceType', letter: 'T', use: 'TRAINING' },
  { enumName: 'ProductionVariantInstanceType', letter: 'H', use: 'HOSTING' },
  { enumName: 'ProcessingInstanceType', letter: 'P', use: 'PROCESSING' },
  { enumName: 'TransformInstanceType', letter: 'X', use: 'TRANSFORM' },
];

/** The instance-type names of one SDK enum, e.g. `TrainingInstanceType`. */
export function sdkInstanceNames(enumName: string): string[] {
  const values = (sdk as unknown as { [k: string]: { [k: string]: string } | undefined })[enumName];
  if (!values) {
    throw new Error(`@aws-sdk/client-sagemaker does not export ${enumName}`);
  }
  return Object.values(values);
}

/** The installed SDK's version, written into the header. */
export function sdkVersion(): string {
  const pkg = require.resolve('@aws-sdk/client-sagemaker/package.json');
  return JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
}

interface Row {
  readonly name: string;
  readonly family: string;
  readonly size: string;
  readonly facts: FamilyFacts;
  /** Use letters, e.g. `THPX`. */
  readonly uses: string;
}

/** Sort key of a size: medium < large < xlarge < 2xlarge < ... */
function sizeRank(size: string): number {
  if (size === 'medium') return 0.25;
  if (size === 'large') return 0.5;
  if (size === 'xlarge') return 1;
  const m = /^(\d+)xlarge$/.exec(size);
  return m ? Number(m[1]) : 10_000;
}

/** `ml.p6-b200.48xlarge` -> `ML_P6_B200_48XLARGE`. */
export function constantName(name: string): string {
  return name.toUpperCase().replace(/[.-]/g, '_');
}

function collectRows(): Row[] {
  const uses = new Map<string, string>();
  for (const { enumName, letter } of USE_ENUMS) {
    for (const name of sdkInstanceNames(enumName)) {
      uses.set(name, (uses.get(name) ?? '') + letter);
    }
  }
  const problems: string[] = [];
  const rows: Row[] = [];
  for (const [name, flags] of uses) {
    const m = /^ml\.([a-z][a-z0-9-]*)\.([a-z0-9-]+)$/.exec(name);
    if (!m) {
      problems.push(`${name}: not of the shape ml.<family>.<size>`);
      continue;
    }
    const [, family, size] = m;
    const facts = FAMILY_FACTS[family];
    if (!facts) {
      problems.push(`${name}: family ${family} has no facts in scripts/instance-facts.ts`);
      continue;
    }
    if (!facts.sizes[size]) {
      problems.push(`${name}: size ${size} of family ${family} has no facts in scripts/instance-facts.ts`);
      continue;
    }
    rows.push({ name, family, size, facts, uses: flags });
  }
  if (problems.length > 0) {
    throw new Error(`the instance facts table lacks ${problems.length} SDK name(s):\n  ${problems.join('\n  ')}`);
  }
  const constants = new Map<string, string>();
  for (const row of rows) {
    const c = constantName(row.name);
    if (constants.has(c)) {
      throw new Error(`${row.name} and ${constants.get(c)} map to the same constant ${c}`);
    }
    constants.set(c, row.name);
  }
  return rows.sort((a, b) => a.family.localeCompare(b.family) || sizeRank(a.size) - sizeRank(b.size) || a.size.localeCompare(b.size));
}

function usesText(letters: string): string {
  return USE_ENUMS.filter((u) => letters.includes(u.letter)).map((u) => u.use.toLowerCase()).join(', ');
}

function factsDoc(row: Row): string {
  const s = row.facts.sizes[row.size];
  const mem = `${s.memoryGiB} GiB`;
  const acc = row.facts.acceleratorKind === 'NONE'
    ? ''
    : `, ${s.acceleratorCount} x ${row.facts.acceleratorModel} (${row.facts.acceleratorMemoryGiB} GiB each)`;
  const arch = row.facts.architecture === 'arm64' ? ', arm64' : '';
  const burst = row.facts.burstable ? ', burstable' : '';
  const storage = row.facts.localStorage ? ', local NVMe storage' : '';
  return `${s.vcpus} vCPU, ${mem}${acc}${arch}${burst}${storage}; valid for ${usesText(row.uses)}.`;
}

/** Renders the whole generated file. Pure: the test compares it with the committed file. */
export function renderInstanceCatalog(): string {
  const rows = collectRows();
  const counts = USE_ENUMS.map((u) => `${u.enumName} ${sdkInstanceNames(u.enumName).length}`).join(', ');
  const data = rows.map((row) => {
    const s = row.facts.sizes[row.size];
    const fields = [
      `'${row.facts.acceleratorKind}'`,
      `'${row.facts.acceleratorModel}'`,
      s.acceleratorCount,
      row.facts.acceleratorMemoryGiB,
      s.vcpus,
      Math.round(s.memoryGiB * 1024),
      `'${row.facts.architecture}'`,
      row.facts.burstable ? 1 : 0,
      row.facts.localStorage ? 1 : 0,
      `'${row.uses}'`,
    ];
    return `  '${row.name}': [${fields.join(', ')}],`;
  });
  const constants = rows.map((row) => [
    '',
    `  /** ${row.name}: ${factsDoc(row)} */`,
    `  public static readonly ${constantName(row.name)} = InstanceType.register('${row.name}');`,
  ].join('\n'));

  return `// ~~ Generated by scripts/generate-instance-catalog.ts from @aws-sdk/client-sagemaker ${sdkVersion()}
// ~~ (${counts})
// ~~ and scripts/instance-facts.ts. Do not edit by hand: edit the facts and re-run the script.
import { Size, Token } from 'aws-cdk-lib';
import { AcceleratorKind, CpuArchitecture, Workload } from './accelerator';
import { inferFamilyTraits, inferLocalStorage, splitInstanceName } from './instance-family';

/** The letter that marks a use in the data below (the SDK enum that lists the name). */
const USE_LETTERS: { [use: string]: string } = {
${USE_ENUMS.map((u) => `  [Workload.${u.use}]: '${u.letter}', // ${u.enumName}`).join('\n')}
};

/**
 * name: [acceleratorKind, acceleratorModel, acceleratorCount, acceleratorMemoryGiB (each), vcpus, memoryMiB,
 * architecture, burstable, localStorage, use letters]
 */
type Facts = [string, string, number, number, number, number, string, number, number, string];

/** Index of the use letters in \`Facts\`. */
const USES = 9;

const CATALOG: { [name: string]: Facts } = {
${data.join('\n')}
};

/** The constants by name, filled as the class initialises them. */
const INSTANCES = new Map<string, InstanceType>();

/** Whether a catalogued family has local NVMe storage (a fact of the family, the same for all its sizes). */
function catalogFamilyLocalStorage(family: string): boolean | undefined {
  for (const [name, facts] of Object.entries(CATALOG)) {
    if (splitInstanceName(name)?.family === family) {
      return facts[8] === 1;
    }
  }
  return undefined;
}

/**
 * A SageMaker ML instance type (\`ml.<family>.<size>\`) and its hardware facts.
 *
 * Every name that the SageMaker API lists for training, hosting, processing or batch transform is a constant
 * (\`InstanceType.ML_G5_XLARGE\`), generated with its facts. \`InstanceType.of(name)\` returns the same constant
 * for a listed name, and accepts a name this library does not list yet (a newer family or size): its
 * accelerator kind, architecture and burstability are then inferred from the family name, its sizes
 * (\`vcpus\`, \`memory\`, \`acceleratorCount\`, \`acceleratorMemory\`) are \`undefined\`, \`catalogued\` is false and
 * the \`supportsXxx\` facts are false; jobs and endpoints accept it with a warning instead of checking where it
 * is valid.
 */
export class InstanceType {${constants.join('\n')}

  /**
   * An instance type by name, e.g. \`ml.g5.xlarge\`. A name in the catalog returns its constant; any other
   * name of the shape \`ml.<family>.<size>\` is accepted with unknown sizes (see the class description).
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
      const hint = splitInstanceName(\`ml.\${name}\`) && CATALOG[\`ml.\${name}\`] ? \` (did you mean ml.\${name}?)\` : '';
      throw new Error(\`instanceType '\${name}' is not a SageMaker instance-type name: expected ml.<family>.<size>, e.g. ml.g5.xlarge\${hint}\`);
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

  /** The SageMaker name, e.g. \`ml.g5.xlarge\` (or a token). */
  public readonly name: string;

  /** True when the name is in the catalog generated from the SageMaker API; false for newer names and tokens. */
  public readonly catalogued: boolean;

  /** The accelerator kind; inferred from the family name when the type is not catalogued (NONE for a token). */
  public readonly acceleratorKind: AcceleratorKind;

  /**
   * The accelerator model (\`A10G\`, \`H100\`, \`Inferentia2\`, \`Trainium\` ...).
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
   * Whether the type has local NVMe SSD instance storage (\`g5\`, \`g4dn\`, \`p4d\`, \`p5\`, \`trn1\`, \`m5d\` ...).
   * SageMaker mounts that storage instead of an EBS ML storage volume and encrypts it in hardware: it refuses
   * a volume KMS key for these types (training jobs, endpoints), refuses an endpoint volume size, and gives a
   * training job the instance storage whatever volume size it asks for.
   *
   * A type that is not catalogued takes the fact of its family when the family is catalogued, and is true when
   * its family name carries the \`d\` storage marker (\`r6id\`).
   *
   * @default - undefined when unknown: a token, or a type not catalogued whose family is unknown and has no \`d\` marker
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
      this.supportsTraining = uses.includes(USE_LETTERS[Workload.TRAINING]);
      this.supportsHosting = uses.includes(USE_LETTERS[Workload.HOSTING]);
      this.supportsProcessing = uses.includes(USE_LETTERS[Workload.PROCESSING]);
      this.supportsTransform = uses.includes(USE_LETTERS[Workload.TRANSFORM]);
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
    return facts !== undefined && facts[USES].includes(USE_LETTERS[workload]);
  }

  /**
   * Memory of all accelerator devices together (\`acceleratorCount\` x \`acceleratorMemory\`), e.g. 640 GiB for the
   * eight 80 GiB A100s of ml.p4de.24xlarge; undefined for CPU instances and types that are not catalogued.
   */
  public get totalAcceleratorMemory(): Size | undefined {
    if (this.acceleratorMemory === undefined || this.acceleratorCount === undefined) {
      return undefined;
    }
    return Size.mebibytes(this.acceleratorMemory.toMebibytes() * this.acceleratorCount);
  }

  /** The family, e.g. \`g5\` for \`ml.g5.xlarge\`; undefined for a token. */
  public get family(): string | undefined {
    return Token.isUnresolved(this.name) ? undefined : splitInstanceName(this.name)?.family;
  }

  /** The SageMaker name, e.g. \`ml.g5.xlarge\`. */
  public toString(): string {
    return this.name;
  }
}
`;
}

function main(argv: string[]): number {
  const text = renderInstanceCatalog();
  if (argv.includes('--check')) {
    const current = fs.existsSync(INSTANCE_CATALOG_PATH) ? fs.readFileSync(INSTANCE_CATALOG_PATH, 'utf8') : '';
    if (current !== text) {
      process.stderr.write(`${path.relative(process.cwd(), INSTANCE_CATALOG_PATH)} is stale: run npx ts-node scripts/generate-instance-catalog.ts\n`);
      return 1;
    }
    process.stdout.write('instance catalog is current\n');
    return 0;
  }
  fs.writeFileSync(INSTANCE_CATALOG_PATH, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), INSTANCE_CATALOG_PATH)}\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
