import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './integ-apps';

/** checkov of the test environment (`bash scripts/setup-test-env.sh`); CHECKOV overrides it. */
export const CHECKOV = process.env.CHECKOV ?? path.join(REPO_ROOT, '.test-env', 'checkov-venv', 'bin', 'checkov');

/** Whether the test environment's checkov is installed. */
export function checkovAvailable(): boolean {
  return fs.existsSync(CHECKOV);
}

/** One failed checkov check on one resource. */
export interface CheckovFailure {
  /** The check id (`CKV_AWS_117`). */
  readonly check: string;
  /** What the check asks for. */
  readonly name: string;
  /** The template file. */
  readonly file: string;
  /** The resource's logical id. */
  readonly logicalId: string;
  /** The resource's construct path below its stack (from `aws:cdk:path`), or its logical id. */
  readonly path: string;
}

/** The checkov version (`3.3.30`). */
export function checkovVersion(): string {
  return spawnSync(CHECKOV, ['--version'], { encoding: 'utf-8' }).stdout.trim();
}

/**
 * Runs checkov once over the templates (CloudFormation framework only, offline) and returns every failed check.
 * A skip is never passed to checkov: what is accepted is decided by integ/security-findings.ts, in the test.
 */
export function runCheckov(templates: string[]): CheckovFailure[] {
  const args = ['--framework', 'cloudformation', '--output', 'json', '--quiet', '--compact', '--skip-download', '--soft-fail'];
  for (const t of templates) args.push('--file', t);
  const result = spawnSync(CHECKOV, args, {
    encoding: 'utf-8',
    maxBuffer: 256 * 1024 * 1024,
    // offline: no platform calls, no telemetry
    env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', CHECKOV_CREATE_GRAPH: 'TRUE', LOG_LEVEL: 'ERROR', ANSI_COLORS_DISABLED: 'true' },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`checkov failed to run (status ${result.status}): ${result.stderr.slice(-2000)}`);
  }
  const out = JSON.parse(result.stdout || '[]');
  const reports: any[] = Array.isArray(out) ? out : [out];
  const pathsByFile = new Map<string, Map<string, string>>();
  const pathOf = (file: string, logicalId: string): string => {
    if (!pathsByFile.has(file)) pathsByFile.set(file, constructPaths(file));
    return pathsByFile.get(file)!.get(logicalId) ?? logicalId;
  };
  return reports.flatMap(r => (r.results?.failed_checks ?? []).map((c: any) => {
    const file = c.file_abs_path ?? c.file_path;
    const logicalId = String(c.resource).split('.').slice(1).join('.');
    return { check: c.check_id, name: c.check_name, file, logicalId, path: pathOf(file, logicalId) };
  }));
}

/**
 * The construct path below its stack of each resource of a template, by logical id: from the template's
 * `aws:cdk:path` metadata, else from the cloud assembly manifest beside it (integ-runner's context turns the
 * template metadata off).
 */
function constructPaths(file: string): Map<string, string> {
  const paths = new Map<string, string>();
  const below = (p: string) => p.split('/').filter(Boolean).slice(1).join('/');
  const template = JSON.parse(fs.readFileSync(file, 'utf-8'));
  for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
    const cdkPath: string | undefined = r.Metadata?.['aws:cdk:path'];
    if (cdkPath) paths.set(id, below(cdkPath));
  }
  const manifestFile = path.join(path.dirname(file), 'manifest.json');
  if (fs.existsSync(manifestFile)) {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf-8'));
    for (const artifact of Object.values<any>(manifest.artifacts ?? {})) {
      if (artifact.properties?.templateFile !== path.basename(file)) continue;
      // the metadata is in the manifest, or (newer aws-cdk-lib) in a file of its own beside it
      const extra = artifact.additionalMetadataFile ? path.join(path.dirname(file), artifact.additionalMetadataFile) : undefined;
      const metadata = { ...artifact.metadata, ...(extra && fs.existsSync(extra) ? JSON.parse(fs.readFileSync(extra, 'utf-8')) : {}) };
      for (const [p, entries] of Object.entries<any>(metadata)) {
        for (const e of entries) {
          if (e.type === 'aws:cdk:logicalId' && !paths.has(e.data)) paths.set(e.data, below(p));
        }
      }
    }
  }
  return paths;
}
