import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/**
 * A deterministic tar (ustar + pax) writer, used to pack a model directory into `model.tar.gz`
 * at synth time. Everything that would make two packs of the same content differ is fixed:
 * entries are sorted by path, mtime is 0, uid/gid are 0 with empty owner names, and modes are
 * normalised to 0644 (0755 for directories and files with any execute bit). Symbolic links are
 * followed, so the archive holds the content SageMaker will read.
 */

const BLOCK = 512;

/** Largest directory packed in memory; bigger model directories should be archived beforehand. */
export const MAX_PACK_BYTES = 2 * 1024 * 1024 * 1024;

export interface TarEntry {
  /** Path inside the archive, '/'-separated, directories end with '/'. */
  readonly name: string;
  readonly absolutePath: string;
  readonly directory: boolean;
  readonly executable: boolean;
  readonly size: number;
}

/**
 * Lists the entries of a directory in archive order (sorted by their archive path, byte-wise).
 * Throws on a symbolic-link cycle.
 */
export function listTarEntries(directory: string): TarEntry[] {
  const entries: TarEntry[] = [];
  const visiting = new Set<string>();
  const walk = (absDir: string, prefix: string) => {
    const real = fs.realpathSync(absDir);
    if (visiting.has(real)) {
      throw new Error(`directory ${absDir} links back to ${real}; symbolic-link cycles cannot be archived`);
    }
    visiting.add(real);
    for (const child of fs.readdirSync(absDir)) {
      const abs = path.join(absDir, child);
      const stat = fs.statSync(abs); // follows symbolic links
      const name = prefix + child;
      if (stat.isDirectory()) {
        entries.push({ name: name + '/', absolutePath: abs, directory: true, executable: true, size: 0 });
        walk(abs, name + '/');
      } else if (stat.isFile()) {
        entries.push({ name, absolutePath: abs, directory: false, executable: isExecutable(stat.mode), size: stat.size });
      }
      // sockets, fifos and devices have no place in a model archive: skipped
    }
    visiting.delete(real);
  };
  walk(directory, '');
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Whether any of the owner/group/other execute bits is set. */
function isExecutable(mode: number): boolean {
  return [0o100, 0o10, 0o1].some(bit => Math.floor(mode / bit) % 2 === 1);
}

function octal(value: number, width: number): string {
  // width includes the terminating NUL
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, mode: number, type: string, prefix = ''): Buffer {
  const buf = Buffer.alloc(BLOCK, 0);
  buf.write(name, 0, 100, 'utf8');
  buf.write(octal(mode, 8), 100, 8, 'ascii');
  buf.write(octal(0, 8), 108, 8, 'ascii'); // uid
  buf.write(octal(0, 8), 116, 8, 'ascii'); // gid
  buf.write(octal(size, 12), 124, 12, 'ascii');
  buf.write(octal(0, 12), 136, 12, 'ascii'); // mtime
  buf.write('        ', 148, 8, 'ascii'); // checksum placeholder: spaces
  buf.write(type, 156, 1, 'ascii');
  buf.write('ustar\0', 257, 6, 'ascii');
  buf.write('00', 263, 2, 'ascii');
  buf.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of buf) {
    sum += byte;
  }
  buf.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return buf;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest, 0);
}

/** Splits a long name into ustar prefix + name, or returns undefined when it does not fit. */
function splitUstarName(name: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(name) <= 100) {
    return { prefix: '', name };
  }
  for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest.length > 0) {
      return { prefix, name: rest };
    }
  }
  return undefined;
}

/** A pax extended header that carries a path too long for ustar. */
function paxPath(name: string): Buffer[] {
  const body = (len: number) => `${len} path=${name}\n`;
  let length = Buffer.byteLength(body(0));
  while (Buffer.byteLength(body(length)) !== length) {
    length = Buffer.byteLength(body(length));
  }
  const record = Buffer.from(body(length), 'utf8');
  return [header('PaxHeader', record.length, 0o644, 'x'), record, padding(record.length)];
}

function entryBlocks(name: string, size: number, mode: number, type: string): Buffer[] {
  const split = splitUstarName(name);
  if (split) {
    return [header(split.name, size, mode, type, split.prefix)];
  }
  const short = crypto.createHash('sha256').update(name).digest('hex').slice(0, 32);
  return [...paxPath(name), header(short, size, mode, type)];
}

/**
 * Packs a directory into an uncompressed tar archive (in memory).
 */
export function tarDirectory(directory: string): Buffer {
  const entries = listTarEntries(directory);
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  if (total > MAX_PACK_BYTES) {
    throw new Error(`directory ${directory} holds ${total} bytes, more than the ${MAX_PACK_BYTES} bytes packed at synth; archive it as model.tar.gz yourself and pass that file`);
  }
  const chunks: Buffer[] = [];
  for (const entry of entries) {
    if (entry.directory) {
      chunks.push(...entryBlocks(entry.name, 0, 0o755, '5'));
    } else {
      const content = fs.readFileSync(entry.absolutePath);
      chunks.push(...entryBlocks(entry.name, content.length, entry.executable ? 0o755 : 0o644, '0'));
      chunks.push(content, padding(content.length));
    }
  }
  chunks.push(Buffer.alloc(BLOCK * 2, 0)); // end-of-archive marker
  return Buffer.concat(chunks);
}

/**
 * Packs a directory into a gzip-compressed tar archive whose bytes depend only on the
 * directory's content (paths, file bytes and execute bits).
 */
export function tarGzDirectory(directory: string): Buffer {
  // Node writes a zero MTIME into the gzip header and no file name, so the output is stable.
  return zlib.gzipSync(tarDirectory(directory), { level: 9 });
}
