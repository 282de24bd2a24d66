/**
 * Generates the instance catalog from every SageMaker instance-type name that the installed
 * `@aws-sdk/client-sagemaker` lists in TrainingInstanceType, ProductionVariantInstanceType, ProcessingInstanceType
 * and TransformInstanceType, joined with the hardware facts in ./instance-facts.ts:
 * - src/compute/instance-catalog.generated.ts, data only: the facts and uses of each name;
 * - the block of `InstanceType` constants (one per name) between the "generated constants" markers of
 *   src/compute/instance-type.ts; the rest of that file (the class) is ordinary source, never rewritten.
 *
 *   npx ts-node scripts/generate-instance-catalog.ts           # writes both
 *   npx ts-node scripts/generate-instance-catalog.ts --check   # exits 1 when either committed file is stale
 *
 * Fails when an SDK name has no facts, so an SDK upgrade cannot leave a type half-known.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as sdk from '@aws-sdk/client-sagemaker';
import { FAMILY_FACTS, FamilyFacts } from './instance-facts';

/** Where the generated data goes. */
export const INSTANCE_CATALOG_PATH = path.join(__dirname, '..', 'src', 'compute', 'instance-catalog.generated.ts');

/** The class whose constants block is generated. */
export const INSTANCE_TYPE_PATH = path.join(__dirname, '..', 'src', 'compute', 'instance-type.ts');

/** The markers around the generated constants in the class. */
export const CONSTANTS_BEGIN = '  // ~~ generated constants: scripts/generate-instance-catalog.ts writes the lines up to the end marker ~~\n';
export const CONSTANTS_END = '\n  // ~~ end of generated constants ~~\n';

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

/** Renders the generated data file. Pure: the test compares it with the committed file. */
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

  return `// ~~ Generated by scripts/generate-instance-catalog.ts from @aws-sdk/client-sagemaker ${sdkVersion()}
// ~~ (${counts})
// ~~ and scripts/instance-facts.ts. Do not edit by hand: edit the facts and re-run the script.
// Data only; the InstanceType class (instance-type.ts) reads it.

/** The letter that marks a use (the SDK enum that lists the name), by workload. */
export const INSTANCE_USE_LETTERS: { readonly [workload: string]: string } = {
${USE_ENUMS.map((u) => `  ${u.use}: '${u.letter}', // ${u.enumName}`).join('\n')}
};

/**
 * name: [acceleratorKind, acceleratorModel, acceleratorCount, acceleratorMemoryGiB (each), vcpus, memoryMiB,
 * architecture, burstable, localStorage, use letters]
 */
export type InstanceFacts = [string, string, number, number, number, number, string, number, number, string];

/** Index of localStorage in \`InstanceFacts\`. */
export const INSTANCE_FACTS_LOCAL_STORAGE = 8;

/** Index of the use letters in \`InstanceFacts\`. */
export const INSTANCE_FACTS_USES = 9;

/** Every catalogued instance type, by family, then size. */
export const INSTANCE_CATALOG: { readonly [name: string]: InstanceFacts } = {
${data.join('\n')}
};
`;
}

/** Renders the constants block of the class (between the markers). Pure. */
export function renderInstanceConstants(): string {
  return collectRows().map((row) => [
    `  /** ${row.name}: ${factsDoc(row)} */`,
    `  public static readonly ${constantName(row.name)} = InstanceType.register('${row.name}');`,
  ].join('\n')).join('\n\n');
}

/** The class source with its constants block replaced; fails when the markers are missing. */
export function spliceInstanceConstants(classSource: string, constants: string): string {
  const begin = classSource.indexOf(CONSTANTS_BEGIN);
  const end = classSource.indexOf(CONSTANTS_END);
  if (begin < 0 || end < begin) {
    throw new Error(`${path.relative(process.cwd(), INSTANCE_TYPE_PATH)} lacks the generated-constants markers`);
  }
  return classSource.slice(0, begin + CONSTANTS_BEGIN.length) + constants + classSource.slice(end);
}

function main(argv: string[]): number {
  const classSource = fs.readFileSync(INSTANCE_TYPE_PATH, 'utf8');
  const files: Array<[string, string, string]> = [
    [INSTANCE_CATALOG_PATH, fs.existsSync(INSTANCE_CATALOG_PATH) ? fs.readFileSync(INSTANCE_CATALOG_PATH, 'utf8') : '', renderInstanceCatalog()],
    [INSTANCE_TYPE_PATH, classSource, spliceInstanceConstants(classSource, renderInstanceConstants())],
  ];
  if (argv.includes('--check')) {
    const stale = files.filter(([, current, text]) => current !== text);
    for (const [file] of stale) {
      process.stderr.write(`${path.relative(process.cwd(), file)} is stale: run npx ts-node scripts/generate-instance-catalog.ts\n`);
    }
    if (stale.length > 0) return 1;
    process.stdout.write('instance catalog is current\n');
    return 0;
  }
  for (const [file, current, text] of files) {
    if (current !== text) {
      fs.writeFileSync(file, text);
      process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
    }
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
