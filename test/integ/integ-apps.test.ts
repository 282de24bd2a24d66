import * as fs from 'fs';
import {
  assemblyMessages, CFN_LINT, CFN_LINT_CONFIG, cfnLintAvailable, cfnLintVersion, integAppFiles, nagFindings,
  runCfnLint, scenarioName, SynthesizedIntegApp, synthIntegApp, testStackNames,
} from './integ-apps';
import { ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS } from '../../integ/integ-app';

/** The scenarios issue 6 asks for, one integ app each. */
const SCENARIOS = [
  'async-endpoint',
  'cpu-endpoint-from-s3',
  'distributed-spot-training',
  'rendered-base-image',
  'serverless-endpoint',
  'train-and-deploy-gpu',
  'training-module-image',
];

const files = integAppFiles();
const synthesized = new Map<string, SynthesizedIntegApp>();

beforeAll(() => {
  for (const file of files) {
    synthesized.set(scenarioName(file), synthIntegApp(file));
  }
});

afterAll(() => {
  for (const app of synthesized.values()) {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
});

test('every scenario of issue 6 has an integration app', () => {
  // WHEN
  const names = files.map(scenarioName);
  // THEN
  expect(SCENARIOS.filter(s => !names.includes(s))).toEqual([]);
});

describe.each(files.map(scenarioName))('integ app %s', (name) => {
  test('synthesizes without errors or warnings', () => {
    // GIVEN
    const app = synthesized.get(name)!;
    // WHEN
    // nag findings are judged by the nag tests below and by scanners.test.ts
    const problems = assemblyMessages(app).filter(m => !/^(AwsSolutions|NIST\.800\.53\.R5|HIPAA\.Security)-/.test(m.text));
    // THEN
    expect(problems).toEqual([]);
    expect(app.templates.length).toBeGreaterThan(0);
  });

  test('has no unsuppressed cdk-nag AwsSolutions findings', () => {
    // GIVEN
    const app = synthesized.get(name)!;
    // WHEN
    // the rule id and the finding (`AwsSolutions-IAM5[Action::s3:GetObject*]`), without nag's long explanation
    const findings = nagFindings(app).map(f => `${f.level} ${f.path}: ${f.text.split(/: (?=[A-Z])/)[0]}`);
    // THEN
    expect(findings).toEqual([]);
  });
});

test('cdk-nag AwsSolutions checks ran on every stack under test of every integration app', () => {
  // GIVEN
  const apps = [...synthesized.values()];
  // WHEN
  const unchecked = apps.flatMap(app => testStackNames(app)
    .filter(stack => !app.nagCheckedStacks.includes(stack))
    .map(stack => `${app.name}: ${stack}`));
  const findings = apps.reduce((n, app) => n + nagFindings(app).length, 0);
  // THEN
  // eslint-disable-next-line no-console
  console.log(`cdk-nag AwsSolutions: ${apps.length} integ apps checked, ${findings} unsuppressed findings`);
  expect(apps.length).toBe(files.length);
  expect(unchecked).toEqual([]);
});

test('every Resource::* statement grants only actions that support no resource-level permissions', () => {
  // GIVEN: the integ apps justify Resource::* findings (Justification.ACTIONS_WITHOUT_RESOURCE_SCOPE); this
  // keeps that justification true for every policy of every app
  const violations: string[] = [];
  let audited = 0;
  // WHEN
  for (const app of synthesized.values()) {
    for (const file of app.templates) {
      const template = JSON.parse(fs.readFileSync(file, 'utf-8'));
      for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
        for (const statement of policyStatements(resource)) {
          const resources = [statement.Resource].flat();
          if (statement.Effect !== 'Allow' || !resources.includes('*')) continue;
          audited++;
          const actions: string[] = [statement.Action].flat();
          const scopable = actions.filter(a => !ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS.includes(a));
          if (scopable.length > 0) {
            violations.push(`${app.name} ${logicalId}: ${scopable.join(', ')} on * could be scoped to resources`);
          }
        }
      }
    }
  }
  // THEN
  // eslint-disable-next-line no-console
  console.log(`IAM: ${audited} Resource:* statements audited`);
  expect(violations).toEqual([]);
});

/** The statements of an IAM policy resource, or of a role's inline policies. */
function policyStatements(resource: any): any[] {
  const documents = resource.Type === 'AWS::IAM::Role'
    ? (resource.Properties?.Policies ?? []).map((p: any) => p.PolicyDocument)
    : [resource.Properties?.PolicyDocument];
  return documents.filter(Boolean).flatMap((d: any) => [d.Statement].flat());
}

test('cfn-lint finds no errors and no unlisted warnings in any synthesized template', () => {
  if (!cfnLintAvailable()) {
    const message = `cfn-lint not found at ${CFN_LINT}; run: bash scripts/setup-test-env.sh`;
    if (process.env.CI) {
      throw new Error(message);
    }
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED (CI is not set): ${message}`);
    return;
  }
  // GIVEN
  const templates = [...synthesized.values()].flatMap(app => app.templates);
  // WHEN
  const matches = runCfnLint(templates);
  // THEN
  // eslint-disable-next-line no-console
  console.log(`${cfnLintVersion()}: 1 lint run over ${templates.length} templates from ${synthesized.size} integ apps, ${matches.length} unignored matches`);
  expect(templates.length).toBeGreaterThanOrEqual(synthesized.size);
  expect(matches.map(m => `${m.level} ${m.rule} ${m.file.split('/').pop()} ${m.location}: ${m.message}`)).toEqual([]);
});

test('every cfn-lint rule the configuration ignores says why', () => {
  // GIVEN
  const lines = fs.readFileSync(CFN_LINT_CONFIG, 'utf-8').split('\n');
  // WHEN: entries of ignore_checks are "  - RULE  # reason"
  const start = lines.findIndex(l => /^ignore_checks:/.test(l));
  const entries = start < 0 ? [] : lines.slice(start + 1).filter(l => /^\s+-\s/.test(l));
  // THEN
  expect(entries.filter(l => !/^\s+-\s+[EWI]\d{4}\s+#\s*\S.{10,}/.test(l))).toEqual([]);
});
