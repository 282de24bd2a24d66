// The security scanners over every integ app (found by file name, so new apps are scanned too) and the example:
// cdk-nag's AwsSolutions, NIST 800-53 R5 and HIPAA Security packs and checkov. Every finding must be accepted,
// with its reason, by integ/security-findings.ts, and every entry there must still accept something.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { integAppFiles, scenarioName, synthIntegApp, testStackNames } from './integ-apps';
import { checkovAvailable, checkovVersion, CheckovFailure, CHECKOV, runCheckov } from './scanners';
import { TrainAndDeployStack } from '../../examples/train-and-deploy/app';
import {
  ACCEPTED_FINDINGS, addSecurityChecks, checkovEntryFor, NAG_CHECKED_STACKS, NAG_FINDINGS, NAG_PACK_NAMES, ScanFinding,
} from '../../integ/security-findings';

interface Scanned {
  readonly name: string;
  readonly outdir: string;
  readonly templates: string[];
  readonly stacks: string[];
  readonly findings: ScanFinding[];
  readonly checkedStacks: string[];
}

const scanned: Scanned[] = [];
let checkovFailures: CheckovFailure[] | undefined;

beforeAll(() => {
  for (const file of integAppFiles()) {
    const app = synthIntegApp(file);
    scanned.push({
      name: scenarioName(file),
      outdir: app.outdir,
      templates: app.templates,
      stacks: testStackNames(app),
      findings: app.scan.findings,
      checkedStacks: app.scan.checkedStacks,
    });
  }
  // the example, with the defaults and no suppressions of its own
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
  const before = NAG_FINDINGS.length;
  const app = new App({ outdir });
  const stack = new TrainAndDeployStack(app, 'TrainAndDeploy');
  addSecurityChecks(stack);
  const assembly = app.synth();
  scanned.push({
    name: 'examples/train-and-deploy',
    outdir,
    templates: [path.join(outdir, assembly.getStackByName(stack.stackName).templateFile)],
    stacks: [stack.stackName],
    findings: NAG_FINDINGS.slice(before),
    checkedStacks: NAG_CHECKED_STACKS.slice(-1),
  });
  if (checkovAvailable()) {
    checkovFailures = runCheckov(scanned.flatMap(s => s.templates));
  }
}, 600_000);

afterAll(() => {
  for (const s of scanned) {
    fs.rmSync(s.outdir, { recursive: true, force: true });
  }
});

function describeFinding(f: { rule: string; path: string; finding: string }, where: string): string {
  return `${where} ${f.path}: ${f.rule}${f.finding && f.finding !== f.rule ? ` [${f.finding}]` : ''}`;
}

test('the three cdk-nag packs ran on every stack under test of every integ app and the example', () => {
  // WHEN
  const unchecked = scanned.flatMap(s => s.stacks.filter(stack => !s.checkedStacks.includes(stack)).map(stack => `${s.name}: ${stack}`));
  // THEN
  expect(scanned.length).toBe(integAppFiles().length + 1);
  expect(unchecked).toEqual([]);
  const rules = new Set(scanned.flatMap(s => s.findings.map(f => f.rule.split('-')[0])));
  expect([...rules].filter(r => !NAG_PACK_NAMES.includes(r))).toEqual([]);
});

test('cdk-nag AwsSolutions, NIST 800-53 R5 and HIPAA Security report nothing that integ/security-findings.ts does not accept', () => {
  // WHEN
  const open = scanned.flatMap(s => s.findings.filter(f => f.acceptedBy === undefined).map(f => describeFinding(f, s.name)));
  const elsewhere = scanned.flatMap(s => s.findings
    .filter(f => f.acceptedBy !== undefined && !ACCEPTED_FINDINGS.some(e => e.key === f.acceptedBy))
    .map(f => `${describeFinding(f, s.name)} is suppressed outside integ/security-findings.ts`));
  // THEN
  const total = scanned.reduce((n, s) => n + s.findings.length, 0);
  // eslint-disable-next-line no-console
  console.log(`cdk-nag ${NAG_PACK_NAMES.join(', ')}: ${scanned.length} apps, ${total} findings, ${open.length} not accepted`);
  expect([...new Set(open)].sort()).toEqual([]);
  expect([...new Set(elsewhere)].sort()).toEqual([]);
});

test('checkov fails no check on any template that integ/security-findings.ts does not accept', () => {
  if (!checkovFailures) {
    const message = `checkov not found at ${CHECKOV}; run: bash scripts/setup-test-env.sh`;
    if (process.env.CI) throw new Error(message);
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED (CI is not set): ${message}`);
    return;
  }
  // WHEN
  const open = checkovFailures.filter(f => !checkovEntryFor(f.check, f.path));
  // THEN
  // eslint-disable-next-line no-console
  console.log(`checkov ${checkovVersion()}: ${scanned.flatMap(s => s.templates).length} templates, ${checkovFailures.length} failed checks, ${open.length} not accepted`);
  expect([...new Set(open.map(f => `${path.basename(f.file)} ${f.path}: ${f.check} (${f.name})`))].sort()).toEqual([]);
});

test('every accepted finding is still needed', () => {
  // WHEN
  const used = new Set(scanned.flatMap(s => s.findings.map(f => f.acceptedBy)));
  for (const f of checkovFailures ?? []) {
    used.add(checkovEntryFor(f.check, f.path)?.key);
  }
  const unused = ACCEPTED_FINDINGS
    .filter(e => e.scanner === 'cdk-nag' || checkovFailures !== undefined)
    .filter(e => !used.has(e.key))
    .map(e => `${e.key} (${e.scanner} ${e.rules.join(', ')} on ${e.path})`);
  // THEN
  expect(unused).toEqual([]);
});

test('every accepted finding is unique and says why', () => {
  // WHEN
  const keys = ACCEPTED_FINDINGS.map(e => e.key);
  // THEN
  expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  expect(ACCEPTED_FINDINGS.filter(e => e.reason.trim().length < 40 || e.rules.length === 0).map(e => e.key)).toEqual([]);
});
