import { Readable } from 'stream';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand,
  HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand, PutObjectCommand, S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import * as yazl from 'yazl';

/** A zip archive written by yazl (the same family of writer as the CDK CLI's archiver: deflate, zip64 when needed). */
export function makeZip(files: Array<[string, Buffer | string]>, options: { zip64?: boolean; store?: boolean } = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of files) {
    zip.addBuffer(Buffer.from(data), name, { compress: !options.store, forceZip64Format: options.zip64 ?? false });
  }
  zip.end({ forceZip64Format: options.zip64 ?? false, comment: '' });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** Offsets of the central directory headers of an archive (to forge corrupt or lying archives). */
export function centralHeaders(archive: Buffer): number[] {
  const found: number[] = [];
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = archive.indexOf(signature); at >= 0; at = archive.indexOf(signature, at + 4)) {
    found.push(at);
  }
  return found;
}

/** An SDK response body: a stream with the SDK's mixins the handler may use. */
export function body(data: Buffer | string): any {
  const bytes = Buffer.from(data);
  const stream: any = Readable.from([bytes], { objectMode: false });
  stream.transformToString = async () => bytes.toString('utf8');
  stream.transformToByteArray = async () => new Uint8Array(bytes);
  return stream;
}

/** Options of the in-memory S3. */
export interface FakeS3Options {
  /** Called when an upload starts and ends (bytes in flight), to observe concurrency. */
  readonly onUpload?: (deltaBytes: number) => void;
  /** Fails the n-th UploadPart (1-based). */
  readonly failPart?: number;
}

/** An in-memory S3 behind aws-sdk-client-mock: objects, ranged GETs, listings, multipart uploads. */
export class FakeS3 {
  public readonly objects = new Map<string, Buffer>();
  public readonly aborted: string[] = [];
  /** Multipart uploads under way: upload id -> key, when it was initiated, its parts. */
  public readonly uploads = new Map<string, { key: string; initiated: Date; parts: Map<number, Buffer> }>();
  /** UploadPart calls that succeeded. */
  public partsUploaded = 0;
  private parts = 0;
  private uploadIds = 0;

  constructor(mock: AwsClientStub<S3Client>, options: FakeS3Options = {}) {
    const notFound = () => Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    const slow = async <T>(bytes: number, fn: () => T): Promise<T> => {
      options.onUpload?.(bytes);
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      options.onUpload?.(-bytes);
      return fn();
    };
    mock.on(HeadObjectCommand).callsFake((input) => {
      const object = this.objects.get(`${input.Bucket}/${input.Key}`);
      if (!object) throw notFound();
      return { ContentLength: object.length };
    });
    mock.on(GetObjectCommand).callsFake((input) => {
      const object = this.objects.get(`${input.Bucket}/${input.Key}`);
      if (!object) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
      const range = /^bytes=(\d+)-(\d+)$/.exec(input.Range ?? '');
      return { Body: body(range ? object.subarray(Number(range[1]), Number(range[2]) + 1) : object) };
    });
    mock.on(ListObjectsV2Command).callsFake((input) => {
      const keys = [...this.objects.keys()].filter((k) => k.startsWith(`${input.Bucket}/${input.Prefix ?? ''}`)).sort();
      const start = Number(input.ContinuationToken ?? 0);
      const page = keys.slice(start, start + 1000);
      const truncated = start + 1000 < keys.length;
      return {
        Contents: page.map((k) => ({ Key: k.slice(`${input.Bucket}/`.length), Size: this.objects.get(k)!.length })),
        IsTruncated: truncated,
        NextContinuationToken: truncated ? String(start + 1000) : undefined,
      };
    });
    mock.on(PutObjectCommand).callsFake((input) => {
      const data = Buffer.from(input.Body as Buffer | string);
      return slow(data.length, () => {
        this.objects.set(`${input.Bucket}/${input.Key}`, data);
        return { ETag: '"e"' };
      });
    });
    mock.on(CreateMultipartUploadCommand).callsFake((input) => {
      const id = `upload-${++this.uploadIds}`;
      this.uploads.set(id, { key: `${input.Bucket}/${input.Key}`, initiated: new Date(1_700_000_000_000 + this.uploadIds * 1000), parts: new Map() });
      return { UploadId: id, Bucket: input.Bucket, Key: input.Key };
    });
    mock.on(UploadPartCommand).callsFake((input) => {
      const data = Buffer.from(input.Body as Buffer);
      const n = ++this.parts;
      return slow(data.length, () => {
        if (n === options.failPart) throw Object.assign(new Error('InternalError'), { name: 'InternalError' });
        const upload = this.uploads.get(input.UploadId!);
        if (!upload) throw Object.assign(new Error('NoSuchUpload'), { name: 'NoSuchUpload' });
        upload.parts.set(input.PartNumber!, data);
        this.partsUploaded++;
        return { ETag: `"p${input.PartNumber}"` };
      });
    });
    mock.on(CompleteMultipartUploadCommand).callsFake((input) => {
      const parts = this.uploads.get(input.UploadId!)!.parts;
      const ordered = (input.MultipartUpload?.Parts ?? []).map((p: { PartNumber?: number }) => parts.get(p.PartNumber!)!);
      this.objects.set(`${input.Bucket}/${input.Key}`, Buffer.concat(ordered));
      this.uploads.delete(input.UploadId!);
      return {};
    });
    mock.on(ListMultipartUploadsCommand).callsFake((input) => {
      const uploads = [...this.uploads.entries()].filter(([, u]) => u.key.startsWith(`${input.Bucket}/${input.Prefix ?? ''}`));
      return {
        Uploads: uploads.map(([id, u]) => ({ Key: u.key.slice(`${input.Bucket}/`.length), UploadId: id, Initiated: u.initiated })),
        IsTruncated: false,
      };
    });
    mock.on(ListPartsCommand).callsFake((input) => {
      const upload = this.uploads.get(input.UploadId!);
      if (!upload) throw Object.assign(new Error('NoSuchUpload'), { name: 'NoSuchUpload' });
      const numbers = [...upload.parts.keys()].sort((a, b) => a - b);
      return { Parts: numbers.map((n) => ({ PartNumber: n, Size: upload.parts.get(n)!.length, ETag: `"p${n}"` })), IsTruncated: false };
    });
    mock.on(AbortMultipartUploadCommand).callsFake((input) => {
      this.aborted.push(input.Key!);
      this.uploads.delete(input.UploadId!);
      return {};
    });
  }

  /** Keys (without the bucket) under a prefix of a bucket, sorted. */
  public keys(bucket: string, prefix = ''): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`)).map((k) => k.slice(bucket.length + 1)).sort();
  }
}
