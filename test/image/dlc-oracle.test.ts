// The SageMaker Python SDK as the oracle of the Deep Learning Container catalog: every framework and scope the
// catalog holds, every version and alias, every Python version, four partitions and every instance family from
// CPU x86 and Graviton through p2..p6, g4dn..g6e, inf1, inf2, trn1 and trn2, asked of the library and of the pinned
// SDK's image_uris.retrieve (scripts/dlc-oracle.py, in .test-env/sdk-venv). A difference fails the test unless a
// row of dlc-oracle-exceptions.ts explains it. Needs the SDK venv (scripts/setup-test-env.sh): under CI=true its
// absence fails, locally the test is skipped with a warning.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ORACLE_EXCEPTIONS, OracleAnswer, OracleCase } from './dlc-oracle-exceptions';
import { InstanceType, Workload } from '../../src/compute';
import { DeepLearningFramework } from '../../src/image';
import { resolveDeepLearningContainerUri } from '../../src/image/deep-learning-container';
import { DLC_CATALOG, DLC_CATALOG_SDK_VERSION } from '../../src/image/dlc-catalog.generated';
import { describeWithVenv } from '../contract/harness';

const ROOT = path.join(__dirname, '..', '..');
const VENV = path.join(ROOT, '.test-env', 'sdk-venv');
const ORACLE = path.join(ROOT, 'scripts', 'dlc-oracle.py');

/** Commercial (old and opt-in regions), China, GovCloud and the isolated partitions. */
const REGIONS = [
  'us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-east-2', 'af-south-1', 'il-central-1', 'mx-central-1',
  'cn-north-1', 'cn-northwest-1',
  'us-gov-west-1', 'us-gov-east-1',
  'us-iso-east-1', 'us-isob-east-1', 'us-isof-south-1',
];

/** CPU x86, Graviton (in the SDK's list and after it), every NVIDIA generation, Inferentia 1/2, Trainium 1/2. */
const INSTANCE_TYPES = [
  'ml.m5.xlarge', 'ml.c5.xlarge',
  'ml.c7g.xlarge', 'ml.m6g.xlarge', 'ml.r6g.xlarge', 'ml.c8g.xlarge',
  'ml.p2.xlarge', 'ml.p3.2xlarge', 'ml.p4d.24xlarge', 'ml.p5.48xlarge', 'ml.p6-b200.48xlarge', 'ml.p6e-gb200.36xlarge',
  'ml.g4dn.xlarge', 'ml.g5.xlarge', 'ml.g6.xlarge', 'ml.g6e.xlarge',
  'ml.inf1.xlarge', 'ml.inf2.xlarge', 'ml.trn1.2xlarge', 'ml.trn2.48xlarge',
];

const FRAMEWORK_KEYS: { [framework: string]: string } = {
  PYTORCH: 'pytorch',
  TENSORFLOW: 'tensorflow',
  MXNET: 'mxnet',
  SKLEARN: 'sklearn',
  XGBOOST: 'xgboost',
  HUGGINGFACE: 'huggingface',
  HUGGINGFACE_TGI: 'huggingface-tgi',
  HUGGINGFACE_TEI: 'huggingface-tei',
  DJL_LMI: 'djl-lmi',
  DJL_TENSORRTLLM: 'djl-tensorrtllm',
  DJL_NEURONX: 'djl-neuronx',
};

/** Every (framework, scope, version or alias, Python version) the catalog holds, crossed with regions and instances. */
function grid(): OracleCase[] {
  const cases: OracleCase[] = [];
  for (const framework of Object.values(DeepLearningFramework)) {
    const prefix = `${FRAMEWORK_KEYS[framework]}/`;
    const families = Object.entries(DLC_CATALOG).filter(([k]) => k.startsWith(prefix));
    for (const scope of ['training', 'inference'] as const) {
      const inScope = families.filter(([k]) => k.split('/')[1] === scope).map(([, f]) => f);
      const pythons = new Map<string, Set<string | null>>();
      for (const f of inScope) {
        const names = [...Object.keys(f.versions), ...Object.keys(f.versionAliases)];
        for (const name of names) {
          const entry = f.versions[f.versionAliases[name] ?? name];
          const set = pythons.get(name) ?? new Set<string | null>();
          if (entry.pyVersions.length === 0) set.add(null);
          entry.pyVersions.forEach((p) => set.add(p));
          pythons.set(name, set);
        }
      }
      for (const [version, pys] of pythons) {
        for (const python of pys) {
          for (const region of REGIONS) {
            for (const instanceType of INSTANCE_TYPES) {
              cases.push({ framework, version, python, region, instanceType, workload: scope === 'training' ? 'TRAINING' : 'INFERENCE' });
            }
          }
        }
      }
    }
  }
  return cases;
}

const INSTANCES = new Map(INSTANCE_TYPES.map((name) => [name, InstanceType.of(name)]));

function libraryAnswer(c: OracleCase): OracleAnswer {
  try {
    return resolveDeepLearningContainerUri({
      framework: c.framework as DeepLearningFramework,
      version: c.version,
      workload: c.workload === 'TRAINING' ? Workload.TRAINING : Workload.INFERENCE,
      instanceType: INSTANCES.get(c.instanceType),
      pythonVersion: c.python ?? undefined,
    }, c.region);
  } catch (error) {
    return `!${(error as Error).message}`;
  }
}

function sdkAnswers(cases: OracleCase[]): OracleAnswer[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlc-oracle-'));
  const input = path.join(dir, 'cases.json');
  const output = path.join(dir, 'answers.json');
  fs.writeFileSync(input, JSON.stringify(cases.map((c) => [c.framework, c.version, c.python, c.region, c.instanceType, c.workload])));
  const run = spawnSync(path.join(VENV, 'bin', 'python'), [ORACLE, input, output], {
    encoding: 'utf-8', timeout: 300_000, env: { ...process.env, SAGEMAKER_SUPPRESS_V2_WARNING: '1' },
  });
  if (run.status !== 0) {
    throw new Error(`scripts/dlc-oracle.py failed (${run.status ?? run.signal}): ${run.stderr}`);
  }
  const answers = JSON.parse(fs.readFileSync(output, 'utf-8')) as OracleAnswer[];
  fs.rmSync(dir, { recursive: true, force: true });
  return answers;
}

describeWithVenv('the Deep Learning Container catalog against the SageMaker Python SDK', VENV, 'sagemaker.image_uris', () => {
  test(`agrees with sagemaker ${DLC_CATALOG_SDK_VERSION} image_uris.retrieve on the whole grid, outside the reasoned exceptions`, () => {
    // GIVEN the grid
    const cases = grid();

    // WHEN both answer
    const sdk = sdkAnswers(cases);
    const library = cases.map(libraryAnswer);

    // THEN every difference is explained by one exception row
    const explained = new Map<string, number>(ORACLE_EXCEPTIONS.map((e) => [e.id, 0]));
    const unexplained: string[] = [];
    let bothUri = 0;
    let bothRefused = 0;
    cases.forEach((c, i) => {
      const [lib, ref] = [library[i], sdk[i]];
      const agree = lib.startsWith('!') && ref.startsWith('!') ? (bothRefused++, true) : lib === ref ? (bothUri++, true) : false;
      if (agree) return;
      const row = ORACLE_EXCEPTIONS.find((e) => e.explains(c, lib, ref));
      if (row) {
        explained.set(row.id, explained.get(row.id)! + 1);
      } else {
        unexplained.push(`${JSON.stringify(c)}\n    library: ${lib.slice(0, 300)}\n    sdk:     ${ref.slice(0, 300)}`);
      }
    });
    const differences = cases.length - bothUri - bothRefused;
    const outside = cases.length - (differences - unexplained.length);
    // eslint-disable-next-line no-console
    console.log([
      `DLC oracle (sagemaker ${DLC_CATALOG_SDK_VERSION}): ${cases.length} cases; ${bothUri} same URI, ${bothRefused} both refused, `
        + `${differences} differ; agreement outside the exception table ${(100 * (outside - unexplained.length) / outside).toFixed(3)} % `
        + `(${outside - unexplained.length} of ${outside})`,
      ...[...explained].map(([id, n]) => `  exception ${id}: ${n} cases`),
    ].join('\n'));
    expect(unexplained.slice(0, 25)).toEqual([]);
    expect(unexplained.length).toBe(0);
    // every row still explains something (a stale row would hide a future difference)
    expect([...explained].filter(([, n]) => n === 0).map(([id]) => id)).toEqual([]);
  }, 600_000);
});
