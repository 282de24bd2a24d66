import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultVenvDir, findMotoServer } from '../../integ/local-cloud/moto-server';

/**
 * Whether the local-cloud tests can run. Without the venv they are skipped on a developer
 * machine, but fail under CI=true: a CI run that silently skipped them would prove nothing.
 */
export function localCloudAvailable(): boolean {
  if (findMotoServer()) return true;
  if (process.env.CI && process.env.CI !== 'false') {
    throw new Error(`moto_server is missing from ${defaultVenvDir()} and CI is set: run 'bash scripts/setup-test-env.sh' first`);
  }
  // eslint-disable-next-line no-console
  console.warn("local-cloud tests skipped: run 'bash scripts/setup-test-env.sh' to set up moto");
  return false;
}

/** Appends a line to the local-cloud deploy log that the test run summarises. */
export function recordDeploy(file: string, stackName: string, totalMs: number) {
  const dir = path.resolve(__dirname, '..', '..', 'test-reports');
  fs.mkdirSync(dir, { recursive: true });
  fs.appendFileSync(path.join(dir, 'local-cloud-deploys.log'), `${new Date().toISOString()} ${path.basename(file)} ${stackName} ${totalMs}ms\n`);
}

/** Prints the summary line of one test file's local-cloud deploys (and stack updates, when it made any). */
export function printDeploySummary(file: string, deploys: number, startMs: number, updates = 0) {
  const what = `${deploys} stack deploy(s)${updates ? ` and ${updates} update(s)` : ''}`;
  // eslint-disable-next-line no-console
  console.log(`local-cloud: ${what} into moto completed and deleted by ${path.basename(file)} (moto started in ${startMs} ms)`);
}
