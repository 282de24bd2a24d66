import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileSystem, IgnoreMode, IgnoreStrategy } from 'aws-cdk-lib/core';

/**
 * Paths kept out of every build context: version control, CDK and Node output, Python caches and
 * virtual environments. A user re-includes one with a `!` pattern in `exclude`.
 */
export const DEFAULT_EXCLUDES = ['.git', '**/cdk.out', '**/node_modules', '**/__pycache__', '**/.venv'];

/** Reads a directory's `.dockerignore` patterns (empty when there is none). */
export function readDockerignore(directory: string): string[] {
  const file = path.join(directory, '.dockerignore');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split(/\r?\n/).map(l => l.trim()).filter(l => l.length > 0 && !l.startsWith('#'));
}

/** The ignore rules Docker applies to the directory, with the given patterns after `.dockerignore`'s. */
export function dockerIgnore(directory: string, patterns: string[]): IgnoreStrategy {
  return IgnoreStrategy.docker(path.resolve(directory), [...readDockerignore(directory), ...patterns]);
}

/**
 * Whether a path inside `root` is left out of the build context, by its own pattern or a parent
 * directory's (the copy does not descend into an excluded directory).
 */
export function isExcluded(ignore: IgnoreStrategy, root: string, relativePath: string): boolean {
  const parts = path.normalize(relativePath).split(path.sep).filter(p => p.length > 0);
  for (let i = 1; i <= parts.length; i++) {
    if (ignore.ignores(path.join(root, ...parts.slice(0, i)))) return true;
  }
  return false;
}

/** A path's share of a build context. */
export interface ContextEntry {
  /** Relative to the context root; directories end with `/`. */
  readonly path: string;
  readonly bytes: number;
}

/** The size of a build context. */
export interface ContextSize {
  readonly bytes: number;
  readonly files: number;
  /**
   * One path per top-level entry, largest first. A directory whose bytes sit almost all (90%) in one
   * child is named by that child, down to where the size is: `src/data/train.bin`, not `src/`.
   */
  readonly entries: ContextEntry[];
}

interface SizeNode {
  readonly path: string;
  readonly bytes: number;
  readonly children: SizeNode[];
}

/** The share of a directory one child must hold for the child to name it. */
const DOMINANT_SHARE = 0.9;

/**
 * Measures what a build context would hold after exclusions, from `stat` alone (no file is read).
 * Excluded directories are not entered; symbolic links to directories are not followed.
 */
export function measureContext(directory: string, ignore: IgnoreStrategy): ContextSize {
  const root = path.resolve(directory);
  let files = 0;
  const walk = (dir: string, prefix: string): SizeNode[] => {
    const nodes: SizeNode[] = [];
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (ignore.ignores(full)) continue;
      const stat = fs.lstatSync(full);
      if (stat.isDirectory()) {
        const children = walk(full, `${prefix}${name}/`);
        nodes.push({ path: `${prefix}${name}/`, bytes: children.reduce((sum, c) => sum + c.bytes, 0), children });
        continue;
      }
      const target = stat.isSymbolicLink() ? statOrUndefined(full) : stat;
      const isFile = target?.isFile() ?? false;
      if (isFile) files++;
      nodes.push({ path: `${prefix}${name}`, bytes: isFile ? target!.size : 0, children: [] });
    }
    return nodes;
  };
  const top = walk(root, '');
  const entries = top.map(node => {
    let named = node;
    for (;;) {
      const largest = [...named.children].sort((a, b) => b.bytes - a.bytes)[0];
      if (!largest || named.bytes === 0 || largest.bytes < DOMINANT_SHARE * named.bytes) break;
      named = largest;
    }
    return { path: named.path, bytes: named.bytes };
  });
  entries.sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
  return { bytes: top.reduce((sum, n) => sum + n.bytes, 0), files, entries };
}

/** What a directory asset holds once the CDK CLI has zipped it. */
export interface AssetDirectorySize {
  /** Bytes of the files, uncompressed. */
  readonly bytes: number;
  /** Files (directories not counted). */
  readonly files: number;
}

/**
 * Measures what the CDK CLI will zip of a directory asset, from `stat` alone: the files `exclude` leaves in,
 * with the asset staging's glob semantics (a directory is skipped only when no pattern can re-include
 * anything in it), and symbolic links followed, as the CLI's zip follows them. Like the staging copy, a link
 * that points outside the directory is copied through (its content filtered by `exclude`), and one that
 * points inside stays a link, which the zip then follows without filtering. A directory reached again
 * through a link to one of its ancestors is counted once (the zip would loop).
 *
 * @param directory the asset's directory
 * @param exclude glob patterns, as `Asset`'s `exclude`
 */
export function measureAssetDirectory(directory: string, exclude: string[] = []): AssetDirectorySize {
  const root = path.resolve(directory);
  const ignore = IgnoreStrategy.fromCopyOptions({ exclude, ignoreMode: IgnoreMode.GLOB }, root);
  const inside = (target: string) => target === root || target.startsWith(`${root}${path.sep}`);
  let bytes = 0;
  let files = 0;
  const walk = (dir: string, filtered: boolean, ancestors: ReadonlySet<string>) => {
    for (const name of fs.readdirSync(dir)) {
      const full = path.join(dir, name);
      if (filtered && ignore.completelyIgnores(full)) continue;
      const link = fs.lstatSync(full).isSymbolicLink();
      const stat = statOrUndefined(full);
      if (!stat) continue; // a broken link: the zip cannot read it either
      let keepFiltering = filtered;
      if (link && filtered) {
        const target = path.resolve(path.dirname(full), fs.readlinkSync(full));
        if (inside(target)) {
          // kept as a link unless excluded itself; its content is zipped as it is
          if (ignore.ignores(full)) continue;
          keepFiltering = false;
        }
      }
      if (stat.isDirectory()) {
        const real = fs.realpathSync(full);
        if (ancestors.has(real)) continue;
        walk(full, keepFiltering, new Set([...ancestors, real]));
      } else if (stat.isFile() && !(keepFiltering && ignore.ignores(full))) {
        bytes += stat.size;
        files++;
      }
    }
  };
  walk(root, true, new Set([fs.realpathSync(root)]));
  return { bytes, files };
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

/** `1536` -> `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Stages a build context for a rendered Dockerfile: the directory's included files plus the generated
 * files, in a directory named by the hash of its content, under the OS temporary directory. The same
 * input always gives the same directory (so the same asset hash); an existing one is reused. Written to a
 * private temporary name first and renamed into place, so a concurrent or interrupted synth never sees
 * a half-written context.
 *
 * @param directory the code directory
 * @param exclude Docker ignore patterns (`.dockerignore`'s included by the caller)
 * @param generated files to add at the context root, by name
 * @param parent where staged contexts live
 */
export function stageBuildContext(directory: string, exclude: string[], generated: { [name: string]: string },
  parent: string = path.join(os.tmpdir(), 'cdk-sagemaker-containers')): string {
  const fingerprint = FileSystem.fingerprint(directory, { exclude, ignoreMode: IgnoreMode.DOCKER });
  const hash = crypto.createHash('sha256');
  hash.update(fingerprint);
  for (const name of Object.keys(generated).sort()) {
    hash.update(`\0${name}\0${generated[name]}`);
  }
  const staged = path.join(parent, `context-${hash.digest('hex').slice(0, 32)}`);
  if (fs.existsSync(staged)) {
    const now = new Date();
    fs.utimesSync(staged, now, now); // in use: keep it from being pruned
    return staged;
  }

  fs.mkdirSync(parent, { recursive: true });
  pruneStagedContexts(parent);
  const partial = fs.mkdtempSync(path.join(parent, 'partial-'));
  try {
    FileSystem.copyDirectory(directory, partial, { exclude, ignoreMode: IgnoreMode.DOCKER });
    for (const [name, content] of Object.entries(generated)) {
      fs.writeFileSync(path.join(partial, name), content);
    }
    try {
      fs.renameSync(partial, staged);
    } catch (e) {
      // another synth staged the same content first: theirs is identical
      if (!fs.existsSync(staged)) throw e;
      fs.rmSync(partial, { recursive: true, force: true });
    }
  } catch (e) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw e;
  }
  return staged;
}

/** Staged contexts unused for this long are removed when another is staged. */
export const STAGED_CONTEXT_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Removes staged contexts (and partial ones) not used for `STAGED_CONTEXT_MAX_AGE_MS`, so the
 * temporary directory does not grow with every code change.
 */
export function pruneStagedContexts(parent: string, now: number = Date.now()): void {
  for (const name of fs.readdirSync(parent)) {
    if (!/^(context|partial)-/.test(name)) continue;
    const full = path.join(parent, name);
    const stat = statOrUndefined(full);
    if (stat && now - stat.mtimeMs > STAGED_CONTEXT_MAX_AGE_MS) {
      fs.rmSync(full, { recursive: true, force: true });
    }
  }
}
