import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Aspects } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Where the integration apps live. */
export const INTEG_DIR = path.join(REPO_ROOT, 'integ');
/** The cfn-lint of the test environment (`bash scripts/setup-test-env.sh`); CFN_LINT overrides it. */
export const CFN_LINT = process.env.CFN_LINT ?? path.join(REPO_ROOT, '.test-env', 'venv', 'bin', 'cfn-lint');
/** The cfn-lint configuration: the rules we ignore, each with its reason. */
export const CFN_LINT_CONFIG = path.join(REPO_ROOT, 'scripts', 'cfn-lintrc.yaml');

/**
 * The integration apps, as integ-runner discovers them: `integ/integ.<scenario>.ts`.
 */
export function integAppFiles(): string[] {
  return fs.readdirSync(INTEG_DIR)
    .filter(f => /^integ\..*\.ts$/.test(f) && !f.endsWith('.d.ts'))
    .sort()
    .map(f => path.join(INTEG_DIR, f));
}

/** The scenario name of an integ app file: `integ.cpu-endpoint.ts` -> `cpu-endpoint`. */
export function scenarioName(file: string): string {
  return path.basename(file).replace(/^integ\./, '').replace(/\.ts$/, '');
}

/** An integ app synthesized in this process. */
export interface SynthesizedIntegApp {
  /** Scenario name. */
  readonly name: string;
  /** The cloud assembly directory. */
  readonly outdir: string;
  /** The assembly. */
  readonly assembly: cxapi.CloudAssembly;
  /**
   * Every CloudFormation template of the stacks under test, nested stacks included. The assertion stacks
   * that integ-tests-alpha adds are left out: they are the test framework's, not ours.
   */
  readonly templates: string[];
  /** The stacks under test that carry the cdk-nag AwsSolutionsChecks aspect. */
  readonly nagCheckedStacks: string[];
  /**
   * What the cdk-nag packs reported (integ/security-findings.ts), accepted or not, and the stacks they checked.
   */
  readonly scan: { readonly findings: any[]; readonly checkedStacks: string[] };
}

/**
 * The context integ-runner synthesizes with: its recommended feature flags. Synthesizing with the same
 * context here means the templates we lint and check are the ones the snapshots hold.
 */
function integRunnerContext(): Record<string, unknown> {
  const flags = path.join(path.dirname(require.resolve('@aws-cdk/integ-runner/package.json')), 'lib', 'recommended-feature-flags.json');
  return JSON.parse(fs.readFileSync(flags, 'utf-8'));
}

/**
 * Synthesizes one integ app in this process (the app file calls `app.synth()` itself) into a fresh temporary
 * directory, with the context integ-runner uses.
 */
export function synthIntegApp(file: string): SynthesizedIntegApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `integ-${scenarioName(file)}-`));
  const saved = { outdir: process.env[cxapi.OUTDIR_ENV], context: process.env[cxapi.CONTEXT_ENV] };
  process.env[cxapi.OUTDIR_ENV] = outdir;
  process.env[cxapi.CONTEXT_ENV] = JSON.stringify(integRunnerContext());
  let nagCheckedStacks: string[] = [];
  let scan = { findings: [] as any[], checkedStacks: [] as string[] };
  try {
    jest.isolateModules(() => {
      // The apps are scripts that synthesize when loaded; a fresh module registry gives each a fresh App.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
      // The same (isolated) module instance the app used: which of its stacks run the nag checks.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { IntegScenario } = require(path.join(INTEG_DIR, 'integ-app'));
      nagCheckedStacks = (IntegScenario.created as any[])
        .filter(s => Aspects.of(s.stack).all.some(a => a.constructor.name === 'AwsSolutionsChecks'))
        .map(s => s.stack.stackName);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const security = require(path.join(INTEG_DIR, 'security-findings'));
      scan = { findings: [...security.NAG_FINDINGS], checkedStacks: [...security.NAG_CHECKED_STACKS] };
    });
  } finally {
    restoreEnv(cxapi.OUTDIR_ENV, saved.outdir);
    restoreEnv(cxapi.CONTEXT_ENV, saved.context);
  }
  const assembly = new cxapi.CloudAssembly(outdir);
  const assertionTemplates = new Set(assertionStackNames(outdir).map(name => assembly.getStackByName(name).templateFile));
  const templates = fs.readdirSync(outdir)
    .filter(f => f.endsWith('.template.json') && !assertionTemplates.has(f))
    .sort()
    .map(f => path.join(outdir, f));
  return { name: scenarioName(file), outdir, assembly, templates, nagCheckedStacks, scan };
}

/** The assertion stacks named by the integ manifest (integ.json) that IntegTest writes. */
function assertionStackNames(outdir: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'integ.json'), 'utf-8'));
  return Object.values(manifest.testCases ?? {}).map((c: any) => c.assertionStackName).filter(Boolean);
}

function restoreEnv(name: string, value: string | undefined) {
  if (value === undefined) {
    delete process.env[name];
  } else {
    process.env[name] = value;
  }
}

/** A synthesis message (error or warning) recorded in an assembly. */
export interface AssemblyMessage {
  /** The stack. */
  readonly stack: string;
  /** The construct path. */
  readonly path: string;
  /** error, warning or info. */
  readonly level: string;
  /** The message text. */
  readonly text: string;
}

/** The stacks under test, as the integ manifest (integ.json) lists them. */
export function testStackNames(app: SynthesizedIntegApp): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, 'integ.json'), 'utf-8'));
  return Object.values(manifest.testCases ?? {})
    .flatMap((c: any) => c.stacks as string[])
    .map(id => app.assembly.getStackArtifact(id).stackName);
}

/** Every error and warning annotation recorded in the assembly's stacks (cdk-nag findings are among them). */
export function assemblyMessages(app: SynthesizedIntegApp): AssemblyMessage[] {
  return app.assembly.stacksRecursively.flatMap(stack => stack.messages
    .filter(m => m.level !== cxapi.SynthesisMessageLevel.INFO)
    .map(m => ({ stack: stack.stackName, path: m.id, level: m.level, text: String(m.entry.data) })));
}

/** Only the cdk-nag AwsSolutions findings among the messages. */
export function nagFindings(app: SynthesizedIntegApp): AssemblyMessage[] {
  return assemblyMessages(app).filter(m => /^AwsSolutions-/.test(m.text));
}

/** One cfn-lint match. */
export interface CfnLintMatch {
  /** The rule id, e.g. E3002 or W3005. */
  readonly rule: string;
  /** Error, Warning or Informational. */
  readonly level: string;
  /** The template file. */
  readonly file: string;
  /** Where in the template. */
  readonly location: string;
  /** What cfn-lint says. */
  readonly message: string;
}

/** Whether the test environment's cfn-lint is installed. */
export function cfnLintAvailable(): boolean {
  return fs.existsSync(CFN_LINT);
}

/** The cfn-lint version string (`cfn-lint 1.58.0`). */
export function cfnLintVersion(): string {
  return execFileSync(CFN_LINT, ['--version'], { encoding: 'utf-8' }).trim();
}

/**
 * Runs cfn-lint once over the given templates with the repository's configuration and returns every match
 * that the configuration did not ignore.
 */
export function runCfnLint(templates: string[]): CfnLintMatch[] {
  const result = spawnSync(CFN_LINT, ['--config-file', CFN_LINT_CONFIG, '--format', 'json', '--', ...templates], {
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    throw result.error;
  }
  // Exit codes are a bit mask of the levels found (2 error, 4 warning, 8 informational); 1 is a crash.
  if (result.status === null || result.status % 2 === 1) {
    throw new Error(`cfn-lint failed to run (status ${result.status}): ${result.stderr}`);
  }
  const matches = JSON.parse(result.stdout || '[]') as any[];
  return matches.map(m => ({
    rule: m.Rule.Id,
    level: m.Level,
    file: m.Filename,
    location: (m.Location?.Path ?? []).join('/'),
    message: m.Message,
  }));
}
