import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const HELPER = path.join(__dirname, '..', '..', 'scripts', 'lib', 'timing.sh');

/** Runs a bash script with the timing helper sourced, as scripts/test-languages.sh and test-package.sh do. */
function withHelper(script: string) {
  return spawnSync('bash', ['-c', `set -euo pipefail\nsource "${HELPER}"\n${script}`], { encoding: 'utf-8' });
}

describe('scripts/lib/timing.sh', () => {
  test('records each timed step and each skipped one, prints them under the title and keeps them in the file', () => {
    // GIVEN
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'timing-')), 'timings.txt');

    // WHEN
    const run = withHelper(`timed "first step" true\ntiming_skipped "package:dotnet"\nprint_timings "step times" "${file}"`);

    // THEN
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\n=== step times \(this machine: \d+ cores\)\nfirst step +\d+s\npackage:dotnet +skipped\n$/);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^first step +\d+s\npackage:dotnet +skipped\n$/);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  test('fails the script on a failing step, which is not recorded', () => {
    const run = withHelper('timed "broken" false\necho reached');
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('reached');
  });
});
