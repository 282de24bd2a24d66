import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { integAppFiles, REPO_ROOT } from './integ-apps';

/** The snapshot command of the README: integ-runner over integ/, comparing against the committed snapshots. */
function runIntegSnapshots(env: { [key: string]: string } = {}, args: string[] = []) {
  const result = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'integ.sh'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

test('every integration app matches its committed snapshot', () => {
  // GIVEN
  const apps = integAppFiles();
  const missing = apps.filter(f => !fs.existsSync(`${f}.snapshot`)).map(f => path.basename(f));
  // WHEN
  const { status, output } = runIntegSnapshots();
  // THEN
  // eslint-disable-next-line no-console
  console.log(`integ-runner: ${apps.length} snapshots compared\n${output.split('\n').filter(l => /UNCHANGED|CHANGED|NEW|FAILED|ERROR|Tests:/.test(l)).join('\n')}`);
  expect(missing).toEqual([]);
  if (status !== 0) {
    throw new Error(`integ snapshots differ from the synthesized output; review and run: bash scripts/integ.sh --update\n${output}`);
  }
}, 900_000);

test('fails when an app synthesizes something its snapshot does not hold', () => {
  // GIVEN: a copy of one app and of its snapshot, with one property changed in the snapshot's template
  const app = path.join(REPO_ROOT, 'integ', 'integ.training-module-image.ts');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-tamper-'));
  try {
    fs.writeFileSync(path.join(dir, 'integ.tampered.ts'), `require(${JSON.stringify(app)});\n`);
    const snapshot = path.join(dir, 'integ.tampered.ts.snapshot');
    fs.cpSync(`${app}.snapshot`, snapshot, { recursive: true });
    const templateFile = path.join(snapshot, 'TrainingModuleImage.template.json');
    const template = JSON.parse(fs.readFileSync(templateFile, 'utf-8'));
    const role = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::IAM::Role');
    role.Properties.Description = 'a description the app does not synthesize';
    fs.writeFileSync(templateFile, JSON.stringify(template, undefined, 1));

    // WHEN
    const { status, output } = runIntegSnapshots({ INTEG_DIRECTORY: dir });

    // THEN
    expect(status).not.toBe(0);
    expect(output).toMatch(/CHANGED\s+integ\.tampered/);
    expect(output).toMatch(/Description/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
