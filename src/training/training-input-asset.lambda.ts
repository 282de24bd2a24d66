/* eslint-disable import/no-extraneous-dependencies */
import * as http from 'http';
import * as https from 'https';
import { Readable } from 'stream';
import * as zlib from 'zlib';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand,
  HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand, PutObjectCommand, S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type {
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
  Context,
} from 'aws-lambda';
import type { Entry, ZipFile } from 'yauzl';
import { buildResponse, putJson, redactUrl, ResourceResult, RetryOptions, withRetry } from './private/cfn-response';
import {
  INPUT_ASSET_CONTINUATION_KEY, INPUT_ASSET_MAX_BYTES, INPUT_ASSET_MAX_FILES, INPUT_ASSET_MAX_INVOCATIONS,
} from './private/input-asset-limits';
import {
  INPUT_ASSET_DATA_DIR, INPUT_ASSET_MARKER, TrainingInputAssetAttribute, TrainingInputAssetProperty,
} from './private/protocol';
import { openZip, S3RangeReader } from './private/s3-zip-reader';

/**
 * Handler of `Custom::SageMakerTrainingInputAsset`: unpacks a zipped directory asset into
 * `s3://<bucket>/<prefix>data/` so a training channel receives files, not one zip.
 *
 * It streams: the archive is read through ranged GETs (yauzl over S3), entries are inflated and uploaded a
 * few at a time within a byte budget, large entries as multipart uploads, so memory stays bounded whatever
 * the archive holds. An entry that inflates past its declared size stops at once (zip bombs); an archive
 * over the limits is refused before anything is inflated.
 *
 * The prefix is keyed by the asset hash, so its content never changes: when the marker `<prefix>.complete`
 * exists the unpack is skipped (CloudFormation retries, several jobs of one directory, a redeploy). Without
 * it, a retry (Lambda's own, CloudFormation's, or a fresh invocation after a deadline) resumes rather than
 * restarts, at two levels: files already there with their full size are kept, and a large entry whose
 * multipart upload was under way resumes that upload (the newest for its key; older ones are aborted). Its
 * parts are deterministic (same bytes, same part size), so the entry is inflated again from its start
 * (deflate cannot seek, and the size and CRC-32 of the whole entry are checked) but only the parts S3 does
 * not hold with the size the plan gives are uploaded. An upload whose parts do not fit the plan is aborted
 * and the entry starts over. So one file larger than an invocation can move still finishes within
 * `INPUT_ASSET_MAX_INVOCATIONS`. Before Lambda's timeout the handler stops taking new entries, then new
 * parts, leaves the upload under way in S3 and hands over to a fresh invocation of itself; after
 * `INPUT_ASSET_MAX_INVOCATIONS` it answers FAILED with how far it got. A run that finishes, or fails for
 * good, aborts the multipart uploads left under the prefix (nothing left billing). Delete keeps the files:
 * jobs that ran on them are reproducible, and the same content may serve another stack.
 */

/** The properties the construct sets. */
export interface InputAssetProperties {
  readonly sourceBucket: string;
  readonly sourceKey: string;
  readonly destinationBucket: string;
  readonly destinationPrefix: string;
}

/** How the unpacker spends memory and time; every field has a default fit for the construct's function. */
export interface UnpackOptions extends RetryOptions {
  /** Bytes of entry data in flight at once (buffered small entries, multipart parts). */
  readonly budgetBytes?: number;
  /** Entries up to this size are uploaded with one PutObject; larger ones as multipart uploads. */
  readonly multipartThresholdBytes?: number;
  /** Part size of multipart uploads (raised for entries that would need more than 10,000 parts). */
  readonly partBytes?: number;
  /** Part uploads in flight per large entry. */
  readonly partsInFlight?: number;
  /** Uploads in flight at once, whatever their size. */
  readonly maxConcurrency?: number;
  /** Epoch ms after which no new entry is started; in-flight ones finish. */
  readonly softDeadline?: number;
  /**
   * Epoch ms after which no new part is started either; a multipart upload under way is left in S3 (not
   * aborted) for the next invocation to resume.
   */
  readonly hardDeadline?: number;
  /** The most uncompressed bytes an archive may hold. */
  readonly maxBytes?: number;
  /** The most files an archive may hold. */
  readonly maxFiles?: number;
  /** Clock, replaceable in tests. */
  readonly now?: () => number;
  /** Block size of the archive reader's cache. */
  readonly blockBytes?: number;
}

const MiB = 2 ** 20;
const DEFAULTS = {
  budgetBytes: 192 * MiB,
  multipartThresholdBytes: 16 * MiB,
  partBytes: 8 * MiB,
  partsInFlight: 3,
  maxConcurrency: 32,
};
/** The least an entry is charged against the budget (request and stream overhead). */
const MIN_ENTRY_COST = 64 * 1024;
/** S3's limit of parts per multipart upload. */
const MAX_PARTS = 10_000;

/** What one invocation achieved. */
export interface UnpackOutcome {
  /** True when every file is in the prefix and the marker is written. */
  readonly complete: boolean;
  /** Files of the archive (directories not counted). */
  readonly fileCount: number;
  /** Files uploaded by this invocation. */
  readonly uploaded: number;
  /** Files found already in the prefix with their full size, and kept. */
  readonly kept: number;
  /** Uncompressed bytes of the files in the prefix (kept and uploaded). */
  readonly bytesDone: number;
  /** Uncompressed bytes of every file of the archive. */
  readonly bytesTotal: number;
}

/** Thrown when an invocation stops at its deadline, with what it achieved. */
export class UnpackDeadlineError extends Error {
  constructor(public readonly outcome: UnpackOutcome, props: InputAssetProperties) {
    super(`unpacking s3://${props.sourceBucket}/${props.sourceKey} stopped at the Lambda deadline: ${outcome.kept + outcome.uploaded} `
      + `of ${outcome.fileCount} files (${formatMiB(outcome.bytesDone)} of ${formatMiB(outcome.bytesTotal)}) are in s3://${props.destinationBucket}/${props.destinationPrefix}${INPUT_ASSET_DATA_DIR}, `
      + 'the rest is not; a redeploy resumes where it stopped. For data this large, upload it to S3 and use TrainingInput.fromBucket');
    this.name = 'UnpackDeadlineError';
  }
}

/** Reads and checks the resource properties of an event. */
export function parseInputAssetProperties(properties: { [key: string]: unknown }): InputAssetProperties {
  const get = (key: string) => {
    const value = properties[key];
    if (typeof value !== 'string' || value.length === 0) {
      throw new Error(`property ${key} is missing`);
    }
    return value;
  };
  const prefix = get(TrainingInputAssetProperty.DESTINATION_PREFIX);
  return {
    sourceBucket: get(TrainingInputAssetProperty.SOURCE_BUCKET),
    sourceKey: get(TrainingInputAssetProperty.SOURCE_KEY),
    destinationBucket: get(TrainingInputAssetProperty.DESTINATION_BUCKET),
    destinationPrefix: prefix.endsWith('/') ? prefix : `${prefix}/`,
  };
}

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

async function exists(client: S3Client, bucket: string, key: string, options: RetryOptions): Promise<boolean> {
  try {
    await withRetry(() => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), options);
    return true;
  } catch (error) {
    if (isMissing(error)) {
      return false;
    }
    throw error;
  }
}

function formatMiB(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

/** The objects already under a prefix: key -> size. */
async function listSizes(client: S3Client, bucket: string, prefix: string, options: RetryOptions): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await withRetry(() => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })), options);
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined) sizes.set(object.Key, object.Size ?? -1);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return sizes;
}

/** A counting semaphore over bytes: uploads wait until their share of the budget is free. */
class ByteBudget {
  private used = 0;
  private count = 0;
  private readonly waiting: Array<{ cost: number; resolve: () => void }> = [];

  constructor(private readonly total: number, private readonly maxCount: number) {}

  /** Waits until `cost` bytes (capped at the whole budget) and one slot are free; returns what was charged. */
  public async acquire(cost: number): Promise<number> {
    const charged = Math.min(cost, this.total);
    if (this.waiting.length === 0 && this.fits(charged)) {
      this.take(charged);
      return charged;
    }
    await new Promise<void>((resolve) => this.waiting.push({ cost: charged, resolve }));
    return charged;
  }

  public release(charged: number): void {
    this.used -= charged;
    this.count--;
    while (this.waiting.length > 0 && this.fits(this.waiting[0].cost)) {
      const next = this.waiting.shift()!;
      this.take(next.cost);
      next.resolve();
    }
  }

  private fits(cost: number): boolean {
    return this.count < this.maxCount && this.used + cost <= this.total;
  }

  private take(cost: number): void {
    this.used += cost;
    this.count++;
  }
}

/** Checks an entry's name and kind; returns the path inside the prefix, or undefined for a directory. */
function entryPath(entry: Entry): string | undefined {
  const name = entry.fileName.replace(/\\/g, '/');
  if (name.endsWith('/')) {
    return undefined;
  }
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.split('/').includes('..')) {
    throw new Error(`zip entry '${name}' escapes the destination`);
  }
  if (entry.isEncrypted()) {
    throw new Error(`zip entry '${name}' is encrypted`);
  }
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw new Error(`zip entry '${name}' uses compression method ${entry.compressionMethod}; only stored (0) and deflate (8) are supported`);
  }
  return name;
}

/**
 * Reads an entry's data, counting as it inflates: past the declared size it stops at once (yauzl's own
 * check agrees), and the CRC-32 must match the central directory's.
 */
async function* entryChunks(zip: ZipFile, entry: Entry): AsyncGenerator<Buffer> {
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(entry);
  } catch (error) {
    throw new Error(`zip entry '${entry.fileName}' cannot be read: ${(error as Error).message}`);
  }
  let bytes = 0;
  let crc = 0;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      bytes += buffer.length;
      if (bytes > entry.uncompressedSize) {
        throw new Error(`zip entry '${entry.fileName}' inflates past its declared ${entry.uncompressedSize} bytes; `
          + 'the archive is corrupt or a zip bomb, not one the CDK wrote');
      }
      crc = zlib.crc32(buffer, crc);
      yield buffer;
    }
  } catch (error) {
    stream.unpipe();
    stream.destroy();
    const message = (error as Error).message;
    throw new Error(message.startsWith('zip entry') ? message : `zip entry '${entry.fileName}' cannot be inflated: ${message}`);
  }
  if (bytes !== entry.uncompressedSize) {
    throw new Error(`zip entry '${entry.fileName}' inflated to ${bytes} bytes, not its declared ${entry.uncompressedSize}; the archive is corrupt`);
  }
  if (crc !== entry.crc32) { // both unsigned
    throw new Error(`zip entry '${entry.fileName}' fails its CRC-32 check; the archive is corrupt`);
  }
}

interface UploadContext {
  readonly client: S3Client;
  readonly zip: ZipFile;
  readonly bucket: string;
  readonly options: UnpackOptions;
  readonly now: () => number;
  readonly hardDeadline: number;
}

class DeadlineReached extends Error {}

async function openArchive(reader: S3RangeReader, size: number, source: string): Promise<ZipFile> {
  try {
    return await openZip(reader, size);
  } catch (error) {
    throw new Error(`${source} is not a zip archive the unpacker can read: ${(error as Error).message}`);
  }
}

async function putSmall(ctx: UploadContext, entry: Entry, key: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of entryChunks(ctx.zip, entry)) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  await withRetry(() => ctx.client.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: body, ContentLength: body.length })), ctx.options);
}

/** A multipart upload S3 holds for a key. */
interface PendingUpload {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated: number;
}

/** The multipart uploads under a key prefix (every key that starts with it). */
async function listUploads(client: S3Client, bucket: string, prefix: string, options: RetryOptions): Promise<PendingUpload[]> {
  const found: PendingUpload[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await withRetry(() => client.send(new ListMultipartUploadsCommand({
      Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker,
    })), options);
    for (const upload of page?.Uploads ?? []) {
      if (upload.Key !== undefined && upload.UploadId !== undefined) {
        found.push({ key: upload.Key, uploadId: upload.UploadId, initiated: upload.Initiated?.getTime() ?? 0 });
      }
    }
    if (!page?.IsTruncated) return found;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

/** The parts an upload holds: part number -> size and ETag. */
interface ListedPart {
  readonly size: number;
  readonly etag?: string;
}

async function listParts(client: S3Client, bucket: string, upload: PendingUpload, options: RetryOptions): Promise<Map<number, ListedPart>> {
  const parts = new Map<number, ListedPart>();
  let marker: string | undefined;
  for (;;) {
    const page = await withRetry(() => client.send(new ListPartsCommand({
      Bucket: bucket, Key: upload.key, UploadId: upload.uploadId, PartNumberMarker: marker,
    })), options);
    for (const part of page?.Parts ?? []) {
      if (part.PartNumber !== undefined) parts.set(part.PartNumber, { size: part.Size ?? -1, etag: part.ETag });
    }
    if (!page?.IsTruncated) return parts;
    marker = page.NextPartNumberMarker;
  }
}

async function abortUpload(
  ctx: { client: S3Client; options: RetryOptions }, bucket: string, upload: { key: string; uploadId: string },
): Promise<void> {
  await withRetry(() => ctx.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId })), ctx.options)
    .catch((error) => console.error({ notice: 'could not abort a multipart upload', key: upload.key, error: String(error) }));
}

/**
 * Aborts every multipart upload under a prefix, so that nothing is left billing once a run has finished or
 * failed for good. Best effort: a failure is logged, the answer stays what it was.
 */
export async function abortUploadsUnder(client: S3Client, bucket: string, prefix: string, options: RetryOptions = {}): Promise<number> {
  let uploads: PendingUpload[];
  try {
    uploads = await listUploads(client, bucket, prefix, options);
  } catch (error) {
    console.error({ notice: 'could not list the multipart uploads left', prefix, error: String(error) });
    return 0;
  }
  for (const upload of uploads) await abortUpload({ client, options }, bucket, upload);
  if (uploads.length > 0) console.log({ notice: 'aborted multipart uploads left', prefix, count: uploads.length });
  return uploads.length;
}

/** The size of each part of an entry under a plan: every part `partBytes`, the last one the rest. */
function partSize(entrySize: number, partBytes: number, partNumber: number): number | undefined {
  const count = Math.max(1, Math.ceil(entrySize / partBytes));
  if (partNumber < 1 || partNumber > count) return undefined;
  return partNumber < count ? partBytes : entrySize - (count - 1) * partBytes;
}

/**
 * The upload an earlier invocation left for this key, to resume: the newest one (any older ones are aborted),
 * with its parts, when every part it holds has the size this plan gives its number. Parts are deterministic
 * (same entry, same part size, same bytes), so such a part need not be sent again. An upload that does not fit
 * the plan (another part size, a short part) is aborted and the entry starts over.
 */
async function resumableUpload(ctx: UploadContext, entry: Entry, key: string, partBytes: number):
Promise<{ uploadId: string; parts: Map<number, string | undefined> } | undefined> {
  const { client, bucket, options } = ctx;
  let uploads: PendingUpload[];
  try {
    uploads = (await listUploads(client, bucket, key, options)).filter((u) => u.key === key);
  } catch (error) {
    // without s3:ListBucketMultipartUploads (a role from before the resume) the entry starts from byte 0
    console.error({ notice: 'could not list multipart uploads; the entry starts over', key, error: String(error) });
    return undefined;
  }
  if (uploads.length === 0) return undefined;
  uploads.sort((a, b) => b.initiated - a.initiated);
  const [newest, ...older] = uploads;
  for (const upload of older) await abortUpload(ctx, bucket, upload);
  let listed: Map<number, ListedPart>;
  try {
    listed = await listParts(client, bucket, newest, options);
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchUpload') return undefined;
    throw error;
  }
  const parts = new Map<number, string | undefined>();
  for (const [partNumber, part] of listed) {
    if (part.size !== partSize(entry.uncompressedSize, partBytes, partNumber)) {
      console.log({ notice: 'multipart upload does not fit the plan; the entry starts over', key, partNumber, size: part.size, partBytes });
      await abortUpload(ctx, bucket, newest);
      return undefined;
    }
    parts.set(partNumber, part.etag);
  }
  console.log({ notice: 'resuming a multipart upload', key, partsKept: parts.size, partBytes });
  return { uploadId: newest.uploadId, parts };
}

/** How long, at the hard deadline, the parts in flight may take to finish before they are left to S3. */
const PARTS_IN_FLIGHT_GRACE_MS = 15_000;

async function putLarge(ctx: UploadContext, entry: Entry, key: string, partBytes: number, partsInFlight: number): Promise<void> {
  const { client, bucket, options } = ctx;
  const resumed = await resumableUpload(ctx, entry, key, partBytes);
  const uploadId = resumed?.uploadId
    ?? (await withRetry(() => client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })), options)).UploadId!;
  const kept = resumed?.parts ?? new Map<number, string | undefined>();
  const parts: Array<{ PartNumber: number; ETag?: string }> = [];
  const inFlight: Array<Promise<void>> = [];
  const every: Array<Promise<void>> = [];
  const send = (partNumber: number, body: Buffer) => withRetry(() => client.send(new UploadPartCommand({
    Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length,
  })), options).then((answer) => { parts.push({ PartNumber: partNumber, ETag: answer.ETag }); });
  try {
    let part = Buffer.allocUnsafe(partBytes);
    let filled = 0;
    let partNumber = 0;
    const flush = async () => {
      if (ctx.now() > ctx.hardDeadline) throw new DeadlineReached();
      partNumber++;
      if (kept.has(partNumber)) {
        // uploaded by an earlier invocation: inflated again (deflate cannot seek), not sent again
        parts.push({ PartNumber: partNumber, ETag: kept.get(partNumber) });
        filled = 0;
        return;
      }
      const body = part.subarray(0, filled);
      const upload = send(partNumber, body);
      inFlight.push(upload);
      every.push(upload);
      upload.finally(() => inFlight.splice(inFlight.indexOf(upload), 1)).catch(() => undefined);
      part = Buffer.allocUnsafe(partBytes);
      filled = 0;
      while (inFlight.length >= partsInFlight) await Promise.race(inFlight);
    };
    // the whole entry is read, so its size and CRC-32 are checked whatever was kept
    for await (const chunk of entryChunks(ctx.zip, entry)) {
      let at = 0;
      while (at < chunk.length) {
        const n = Math.min(chunk.length - at, partBytes - filled);
        chunk.copy(part, filled, at, at + n);
        filled += n;
        at += n;
        if (filled === partBytes) await flush();
      }
    }
    if (filled > 0 || partNumber === 0) await flush();
    // every part, not only those still in flight: a part that failed early must fail the entry
    await Promise.all(every);
    parts.sort((a, b) => a.PartNumber - b.PartNumber);
    await withRetry(() => client.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts },
    })), options);
  } catch (error) {
    if (error instanceof DeadlineReached) {
      // keep the upload for the next invocation: the parts in flight finish if they are quick, else S3 drops them
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(every),
        new Promise((resolve) => { timer = setTimeout(resolve, PARTS_IN_FLIGHT_GRACE_MS); timer.unref?.(); }),
      ]);
      clearTimeout(timer);
      console.log({ notice: 'deadline: multipart upload left to resume', key, partsDone: parts.length });
      throw error;
    }
    await Promise.allSettled(every);
    await abortUpload(ctx, bucket, { key, uploadId });
    throw error;
  }
}

/**
 * Unpacks the archive unless the marker says it is already there. Files already in the prefix with their
 * full size are kept, and a multipart upload left under way resumes with the parts S3 holds (a retry
 * resumes). Throws `UnpackDeadlineError` when it stops at its deadline.
 */
export async function unpack(client: S3Client, props: InputAssetProperties, options: UnpackOptions = {}): Promise<UnpackOutcome> {
  const markerKey = `${props.destinationPrefix}${INPUT_ASSET_MARKER}`;
  if (await exists(client, props.destinationBucket, markerKey, options)) {
    const marker = await withRetry(() => client.send(new GetObjectCommand({ Bucket: props.destinationBucket, Key: markerKey })), options);
    const text = await marker.Body?.transformToString() ?? '{}';
    const recorded = JSON.parse(text);
    console.log({ notice: 'already unpacked', destination: `s3://${props.destinationBucket}/${props.destinationPrefix}` });
    const fileCount = Number(recorded.fileCount ?? 0);
    const bytes = Number(recorded.bytes ?? 0);
    return { complete: true, fileCount, uploaded: 0, kept: fileCount, bytesDone: bytes, bytesTotal: bytes };
  }
  const now = options.now ?? Date.now;
  const softDeadline = options.softDeadline ?? Infinity;
  const hardDeadline = options.hardDeadline ?? Infinity;
  const maxBytes = options.maxBytes ?? INPUT_ASSET_MAX_BYTES;
  const maxFiles = options.maxFiles ?? INPUT_ASSET_MAX_FILES;
  const multipartThreshold = options.multipartThresholdBytes ?? DEFAULTS.multipartThresholdBytes;
  const partsInFlight = options.partsInFlight ?? DEFAULTS.partsInFlight;
  const dataPrefix = `${props.destinationPrefix}${INPUT_ASSET_DATA_DIR}`;
  const source = `s3://${props.sourceBucket}/${props.sourceKey}`;

  const head = await withRetry(() => client.send(new HeadObjectCommand({ Bucket: props.sourceBucket, Key: props.sourceKey })), options);
  const size = head.ContentLength ?? 0;
  const existing = await listSizes(client, props.destinationBucket, dataPrefix, options);
  const reader = new S3RangeReader(client, props.sourceBucket, props.sourceKey, size, { blockBytes: options.blockBytes });
  // First pass, over the central directory only: names, kinds and sizes, so an archive over the limits (or
  // one that lies about itself) is refused before anything is inflated.
  let zip = await openArchive(reader, size, source);
  let fileCount = 0;
  let bytesTotal = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      if (entryPath(entry) === undefined) continue;
      fileCount++;
      bytesTotal += entry.uncompressedSize;
    }
  } catch (error) {
    throw new Error(`${source} cannot be unpacked: ${(error as Error).message}`);
  } finally {
    zip.close();
  }
  if (fileCount > maxFiles || bytesTotal > maxBytes) {
    throw new Error(`${source} holds ${fileCount} files, ${formatMiB(bytesTotal)} uncompressed; fromAsset unpacks at most `
      + `${maxFiles} files and ${formatMiB(maxBytes)}. Upload the data to S3 and use TrainingInput.fromBucket`);
  }
  zip = await openArchive(reader, size, source);
  const budgetBytes = Math.max(options.budgetBytes ?? DEFAULTS.budgetBytes, 2 * reader.cacheBytes) - reader.cacheBytes;
  const budget = new ByteBudget(budgetBytes, options.maxConcurrency ?? DEFAULTS.maxConcurrency);
  const ctx: UploadContext = { client, zip, bucket: props.destinationBucket, options, now, hardDeadline };

  let uploaded = 0;
  let kept = 0;
  let bytesDone = 0;
  let stopped = false;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();
  try {
    for await (const entry of zip.eachEntry()) {
      if (failure !== undefined) break;
      const name = entryPath(entry);
      if (name === undefined) continue;
      const key = `${dataPrefix}${name}`;
      if (existing.get(key) === entry.uncompressedSize) {
        // written by an earlier attempt: an object exists only once its upload completed
        kept++;
        bytesDone += entry.uncompressedSize;
        continue;
      }
      if (now() > softDeadline) {
        stopped = true;
        break;
      }
      const large = entry.uncompressedSize > multipartThreshold;
      const partBytes = Math.max(options.partBytes ?? DEFAULTS.partBytes, Math.ceil(entry.uncompressedSize / MAX_PARTS / MiB) * MiB);
      const cost = large ? partBytes * (partsInFlight + 1) : Math.max(entry.uncompressedSize, MIN_ENTRY_COST);
      const charged = await budget.acquire(cost);
      const upload = (large ? putLarge(ctx, entry, key, partBytes, partsInFlight) : putSmall(ctx, entry, key))
        .then(() => {
          uploaded++;
          bytesDone += entry.uncompressedSize;
        })
        .catch((error) => { failure ??= error; })
        .finally(() => {
          budget.release(charged);
          inFlight.delete(upload);
        });
      inFlight.add(upload);
    }
  } catch (error) {
    failure ??= error;
  } finally {
    await Promise.all(inFlight);
    zip.close();
  }
  const outcome = { complete: false, fileCount, uploaded, kept, bytesDone, bytesTotal };
  console.log({ notice: 'unpack progress', source, ...outcome, archiveGets: reader.stats.gets, archiveBytesRead: reader.stats.bytes });
  if (failure instanceof DeadlineReached || (failure === undefined && stopped)) {
    throw new UnpackDeadlineError(outcome, props);
  }
  if (failure !== undefined) {
    throw failure;
  }
  // Uploads an earlier attempt left for entries that are now whole (a raced retry): nothing left billing.
  await abortUploadsUnder(client, props.destinationBucket, dataPrefix, options);
  // The marker goes last: without it, the next attempt resumes.
  await withRetry(() => client.send(new PutObjectCommand({
    Bucket: props.destinationBucket,
    Key: markerKey,
    Body: JSON.stringify({ source, fileCount, bytes: bytesDone }),
    ContentType: 'application/json',
  })), options);
  console.log({ notice: 'unpacked', fileCount, uploaded, kept, destination: `s3://${props.destinationBucket}/${dataPrefix}` });
  return { ...outcome, complete: true };
}

function physicalId(props: InputAssetProperties): string {
  return `s3://${props.destinationBucket}/${props.destinationPrefix}${INPUT_ASSET_DATA_DIR}`;
}

/** Runs the lifecycle for any event. Create and Update unpack; Delete keeps the files. */
export async function onEvent(
  event: CloudFormationCustomResourceEvent,
  client: S3Client,
  options: UnpackOptions = {},
): Promise<ResourceResult> {
  if (event.RequestType === 'Delete') {
    return { physicalResourceId: event.PhysicalResourceId };
  }
  const props = parseInputAssetProperties(event.ResourceProperties);
  const outcome = await unpack(client, props, options);
  return {
    physicalResourceId: physicalId(props),
    data: {
      [TrainingInputAssetAttribute.S3_URI]: physicalId(props),
      [TrainingInputAssetAttribute.FILE_COUNT]: String(outcome.fileCount),
    },
  };
}

/** Runs the event and builds CloudFormation's answer, without delivering it. */
export async function respond(
  event: CloudFormationCustomResourceEvent,
  client: S3Client,
  options: UnpackOptions = {},
): Promise<CloudFormationCustomResourceResponse> {
  try {
    return buildResponse(event, await onEvent(event, client, options), event.LogicalResourceId);
  } catch (error) {
    console.error(error);
    return buildResponse(event, error instanceof Error ? error : new Error(String(error)), event.LogicalResourceId);
  }
}

/** How long before Lambda's timeout no new entry is started, and no new part (uploads under way are left to resume). */
export const SOFT_DEADLINE_MARGIN_MS = 90_000;
export const HARD_DEADLINE_MARGIN_MS = 30_000;

/** The clients of one invocation. */
export interface InputAssetClients {
  readonly s3: S3Client;
  readonly lambda: LambdaClient;
}

/**
 * Runs one invocation: answers CloudFormation, or, at the deadline with invocations left, hands the same
 * event over to a fresh invocation of this function (which answers in its turn) and returns.
 *
 * @returns the answer delivered, or undefined when the work was handed over
 */
export async function runInvocation(
  event: CloudFormationCustomResourceEvent,
  context: Pick<Context, 'getRemainingTimeInMillis'> & Partial<Pick<Context, 'invokedFunctionArn'>>,
  clients: InputAssetClients,
  options: UnpackOptions = {},
): Promise<CloudFormationCustomResourceResponse | undefined> {
  const now = options.now ?? Date.now;
  const remaining = context.getRemainingTimeInMillis();
  const timed: UnpackOptions = {
    softDeadline: now() + remaining - SOFT_DEADLINE_MARGIN_MS,
    hardDeadline: now() + remaining - HARD_DEADLINE_MARGIN_MS,
    ...options,
  };
  const invocation = Number((event as unknown as { [key: string]: unknown })[INPUT_ASSET_CONTINUATION_KEY] ?? 0) + 1;
  let outcome: ResourceResult | Error;
  try {
    outcome = await onEvent(event, clients.s3, timed);
  } catch (error) {
    if (error instanceof UnpackDeadlineError && invocation < INPUT_ASSET_MAX_INVOCATIONS) {
      try {
        await withRetry(() => clients.lambda.send(new InvokeCommand({
          // the ServiceToken is this function's ARN too, for a runner whose context has no invokedFunctionArn
          FunctionName: context.invokedFunctionArn || event.ServiceToken,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify({ ...event, [INPUT_ASSET_CONTINUATION_KEY]: invocation })),
        })), options);
        console.log({ notice: 'deadline: handed over to a fresh invocation', invocation, next: invocation + 1, ...error.outcome });
        return undefined;
      } catch (invokeError) {
        console.error({ notice: 'could not hand over to a fresh invocation', error: String(invokeError) });
        outcome = new Error(`${error.message} (handing over to a fresh invocation failed: ${(invokeError as Error).message})`);
      }
    } else if (error instanceof UnpackDeadlineError) {
      outcome = new Error(`${error.message} (after ${invocation} invocations of up to 15 minutes each)`);
    } else {
      console.error(error);
      outcome = error instanceof Error ? error : new Error(String(error));
    }
  }
  if (outcome instanceof Error && event.RequestType !== 'Delete') {
    // failed for good: no invocation will resume the multipart uploads left, so none is left billing
    const props = tryParse(event.ResourceProperties);
    if (props) await abortUploadsUnder(clients.s3, props.destinationBucket, `${props.destinationPrefix}${INPUT_ASSET_DATA_DIR}`, options);
  }
  const response = buildResponse(event, outcome, event.LogicalResourceId);
  await putJson(event.ResponseURL, response);
  return response;
}

function tryParse(properties: { [key: string]: unknown }): InputAssetProperties | undefined {
  try {
    return parseInputAssetProperties(properties);
  } catch {
    return undefined;
  }
}

/** Keep-alive sockets enough for the uploads in flight. */
function requestHandler(): NodeHttpHandler {
  const sockets = DEFAULTS.maxConcurrency + 8;
  return new NodeHttpHandler({
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: sockets }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: sockets }),
    requestTimeout: 120_000,
  });
}

/** Lambda entry point. */
export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  console.log(JSON.stringify({ ...event, ResponseURL: redactUrl(event.ResponseURL) }));
  await runInvocation(event, context, {
    s3: new S3Client({ maxAttempts: 5, requestHandler: requestHandler() }),
    lambda: new LambdaClient({ maxAttempts: 3 }),
  });
}
