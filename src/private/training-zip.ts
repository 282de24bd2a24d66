import * as zlib from 'zlib';

/**
 * A minimal reader for the zip archives the CDK makes of directory assets (stored or deflated entries,
 * no encryption, no zip64). The input-asset handler uses it to unpack a channel's directory into an S3
 * prefix; keeping it here (instead of a dependency) keeps the bundled handler small.
 */

/** One file of an archive. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated, never absolute, never with `..`. */
  readonly name: string;
  /** Uncompressed size in bytes. */
  readonly size: number;
  /** Decompresses the entry. */
  readonly read: () => Buffer;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/** Lists the files (not the directories) of a zip archive held in memory. */
export function readZipEntries(archive: Buffer): ZipEntry[] {
  const eocd = findEndOfCentralDirectory(archive);
  const count = archive.readUInt16LE(eocd + 10);
  const centralOffset = archive.readUInt32LE(eocd + 16);
  if (count === 0xffff || centralOffset === 0xffffffff) {
    throw new Error('zip64 archives are not supported; keep the input directory under 4 GiB or use TrainingInput.fromBucket');
  }
  const entries: ZipEntry[] = [];
  let offset = centralOffset;
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(offset) !== CENTRAL_SIGNATURE) {
      throw new Error(`corrupt zip: no central directory entry at offset ${offset}`);
    }
    const flags = archive.readUInt16LE(offset + 8);
    const method = archive.readUInt16LE(offset + 10);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const size = archive.readUInt32LE(offset + 24);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const localOffset = archive.readUInt32LE(offset + 42);
    const name = archive.toString('utf8', offset + 46, offset + 46 + nameLength).replace(/\\/g, '/');
    offset += 46 + nameLength + extraLength + commentLength;

    if (name.endsWith('/')) {
      continue; // a directory entry
    }
    if (name.startsWith('/') || name.split('/').includes('..')) {
      throw new Error(`zip entry '${name}' escapes the destination`);
    }
    if (flags % 2 === 1) { // bit 0: encrypted
      throw new Error(`zip entry '${name}' is encrypted`);
    }
    if (method !== 0 && method !== 8) {
      throw new Error(`zip entry '${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    }
    entries.push({
      name,
      size,
      read: () => {
        if (archive.readUInt32LE(localOffset) !== LOCAL_SIGNATURE) {
          throw new Error(`corrupt zip: no local header for '${name}'`);
        }
        const dataStart = localOffset + 30 + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28);
        const raw = archive.subarray(dataStart, dataStart + compressedSize);
        const data = method === 0 ? Buffer.from(raw) : zlib.inflateRawSync(raw);
        if (data.length !== size) {
          throw new Error(`corrupt zip: '${name}' unpacked to ${data.length} bytes, expected ${size}`);
        }
        return data;
      },
    });
  }
  return entries;
}

function findEndOfCentralDirectory(archive: Buffer): number {
  const earliest = Math.max(0, archive.length - 22 - 0xffff);
  for (let i = archive.length - 22; i >= earliest; i--) {
    if (archive.readUInt32LE(i) === EOCD_SIGNATURE) {
      return i;
    }
  }
  throw new Error('not a zip archive: no end-of-central-directory record');
}
