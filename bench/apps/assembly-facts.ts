import * as fs from 'fs';
import * as path from 'path';

/** What a synthesized cloud assembly holds: resources by type, template and asset bytes. */
export interface AssemblyFacts {
  readonly stacks: number;
  readonly resources: number;
  readonly resourcesByType: { [type: string]: number };
  readonly templateBytes: number;
  /** Bytes of every file under `asset.*` (what the synth copied), per asset directory or file. */
  readonly assetBytes: { [asset: string]: number };
  /** What each asset is: `image` (a Docker build context), `handler` (a Lambda bundle), `data` (anything else). */
  readonly assetKinds: { [asset: string]: string };
  /** Bytes of every file in the assembly. */
  readonly totalBytes: number;
}

/** Sizes of the regular files under a path (symbolic links are not followed). */
export function treeBytes(p: string): number {
  const stat = fs.lstatSync(p);
  if (stat.isFile()) return stat.size;
  if (!stat.isDirectory()) return 0;
  let total = 0;
  for (const name of fs.readdirSync(p)) total += treeBytes(path.join(p, name));
  return total;
}

export function assemblyFacts(outdir: string): AssemblyFacts {
  const resourcesByType: { [type: string]: number } = {};
  let resources = 0;
  let stacks = 0;
  let templateBytes = 0;
  const assetBytes: { [asset: string]: number } = {};
  const assetKinds: { [asset: string]: string } = {};
  for (const name of fs.readdirSync(outdir)) {
    const full = path.join(outdir, name);
    if (name.endsWith('.template.json')) {
      stacks++;
      templateBytes += fs.statSync(full).size;
      const template = JSON.parse(fs.readFileSync(full, 'utf8'));
      for (const resource of Object.values<{ Type: string }>(template.Resources ?? {})) {
        resources++;
        resourcesByType[resource.Type] = (resourcesByType[resource.Type] ?? 0) + 1;
      }
    } else if (name.startsWith('asset.')) {
      assetBytes[name] = treeBytes(full);
      assetKinds[name] = assetKind(full);
    }
  }
  return { stacks, resources, resourcesByType, templateBytes, assetBytes, assetKinds, totalBytes: treeBytes(outdir) };
}

function assetKind(full: string): string {
  if (!fs.lstatSync(full).isDirectory()) return 'data';
  if (fs.existsSync(path.join(full, 'Dockerfile'))) return 'image';
  if (fs.existsSync(path.join(full, 'index.js'))) return 'handler';
  return 'data';
}
