/* eslint-disable import/no-extraneous-dependencies */
import { Readable } from 'stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as yauzl from 'yauzl';

/**
 * Random access to a zip archive in S3 for yauzl, through ranged GETs: the archive is never held whole.
 *
 * yauzl reads the central directory (at the end of the archive) and each entry's local header in small
 * reads, then streams an entry's data. Small reads are served from a few cached blocks, so 100,000 small
 * files cost a few dozen GETs instead of two each; a large range (an entry's data) is streamed from S3
 * as it arrives.
 */

/** Options of `S3RangeReader`. */
export interface S3RangeReaderOptions {
  /** Size of a cached block, in bytes. */
  readonly blockBytes?: number;
  /** How many blocks are kept. */
  readonly cachedBlocks?: number;
}

/** Counts of what the reader fetched, for logs and tests. */
export interface S3RangeReaderStats {
  /** Ranged GETs made. */
  gets: number;
  /** Bytes received. */
  bytes: number;
}

export const DEFAULT_BLOCK_BYTES = 4 * 2 ** 20;
export const DEFAULT_CACHED_BLOCKS = 6;

/** A yauzl RandomAccessReader over one S3 object. */
export class S3RangeReader extends yauzl.RandomAccessReader {
  public readonly stats: S3RangeReaderStats = { gets: 0, bytes: 0 };
  private readonly blockBytes: number;
  private readonly cachedBlocks: number;
  /** Block index -> its bytes (or the GET under way); Map order is the LRU order. */
  private readonly blocks = new Map<number, Promise<Buffer>>();

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly size: number,
    options: S3RangeReaderOptions = {},
  ) {
    super();
    this.blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
    this.cachedBlocks = options.cachedBlocks ?? DEFAULT_CACHED_BLOCKS;
  }

  /** Bytes the block cache may hold at most. */
  public get cacheBytes(): number {
    return this.blockBytes * this.cachedBlocks;
  }

  public _readStreamForRange(start: number, end: number): Readable {
    if (end - start > this.blockBytes) {
      return this.streamRange(start, end);
    }
    // a small read: from the cached blocks that cover it (one, or two when it straddles a boundary)
    const first = Math.floor(start / this.blockBytes);
    const last = Math.floor((end - 1) / this.blockBytes);
    const stream = new Readable({ read() {} });
    (async () => {
      const parts: Buffer[] = [];
      for (let b = first; b <= last; b++) {
        const block = await this.block(b);
        const offset = b * this.blockBytes;
        parts.push(block.subarray(Math.max(0, start - offset), Math.min(block.length, end - offset)));
      }
      // a copy, so a consumer that keeps the bytes does not pin the whole block
      stream.push(Buffer.from(Buffer.concat(parts)));
      stream.push(null);
    })().catch((error) => stream.destroy(error));
    return stream;
  }

  private block(index: number): Promise<Buffer> {
    const cached = this.blocks.get(index);
    if (cached) {
      this.blocks.delete(index);
      this.blocks.set(index, cached);
      return cached;
    }
    const start = index * this.blockBytes;
    const end = Math.min(this.size, start + this.blockBytes);
    const loading = this.getRange(start, end).then(async (body) => {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      const bytes = Buffer.concat(chunks);
      this.stats.bytes += bytes.length;
      if (bytes.length !== end - start) {
        throw new Error(`s3://${this.bucket}/${this.key}: bytes ${start}-${end - 1} answered ${bytes.length} bytes`);
      }
      return bytes;
    });
    loading.catch(() => this.blocks.delete(index));
    this.blocks.set(index, loading);
    while (this.blocks.size > this.cachedBlocks) {
      this.blocks.delete(this.blocks.keys().next().value as number);
    }
    return loading;
  }

  private streamRange(start: number, end: number): Readable {
    const out = new Readable({ read() { resume?.(); } });
    let resume: (() => void) | undefined;
    let body: Readable | undefined;
    out._destroy = (error, callback) => {
      body?.destroy();
      callback(error);
    };
    this.getRange(start, end).then((b) => {
      body = b;
      resume = () => b.resume();
      b.on('data', (chunk: Buffer) => {
        this.stats.bytes += chunk.length;
        if (!out.push(chunk)) b.pause();
      });
      b.on('end', () => out.push(null));
      b.on('error', (error) => out.destroy(error));
    }).catch((error) => out.destroy(error));
    return out;
  }

  private async getRange(start: number, end: number): Promise<Readable> {
    this.stats.gets++;
    const response = await this.client.send(new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.key,
      Range: `bytes=${start}-${end - 1}`,
    }));
    if (!response.Body) {
      throw new Error(`s3://${this.bucket}/${this.key}: bytes ${start}-${end - 1} have no body`);
    }
    return response.Body as Readable;
  }
}

/** Opens the archive for lazy, in-order reading of its entries (the caller closes it). */
export function openZip(reader: S3RangeReader, size: number): Promise<yauzl.ZipFile> {
  return yauzl.fromRandomAccessReaderPromise(reader, size, {
    lazyEntries: true,
    autoClose: false,
    decodeStrings: true,
    // an entry that inflates past its declared size is an error while it inflates (zip bombs)
    validateEntrySizes: true,
    strictFileNames: false,
  });
}
