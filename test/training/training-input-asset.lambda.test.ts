import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import * as zlib from 'zlib';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand,
  ListMultipartUploadsCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { centralHeaders, FakeS3, makeZip } from './input-asset-helpers';
import { putJson } from '../../src/training/private/cfn-response';
import { onEvent, respond, runInvocation, unpack, UnpackDeadlineError } from '../../src/training/training-input-asset.lambda';

const s3 = mockClient(S3Client);
const lambda = mockClient(LambdaClient);
const client = new S3Client({ region: 'us-east-1' });
const lambdaClient = new LambdaClient({ region: 'us-east-1' });
const noSleep = { sleep: async () => undefined };
/** A streamed archive (data descriptors, deflated and stored entries, a directory entry). */
const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures', 'streamed.zip'));
const PREFIX = 'training-jobs/inputs/abc/';
const PROPS = { sourceBucket: 'cdk-assets', sourceKey: 'abc.zip', destinationBucket: 'out', destinationPrefix: PREFIX };
const MiB = 2 ** 20;

function createEvent(responseUrl = 'http://localhost/response'): CloudFormationCustomResourceCreateEvent {
  return {
    RequestType: 'Create',
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:unpack',
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/guid',
    RequestId: 'req',
    LogicalResourceId: 'TrainInputvalidation',
    ResourceType: 'Custom::SageMakerTrainingInputAsset',
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:unpack',
      SourceBucket: 'cdk-assets',
      SourceKey: 'abc.zip',
      DestinationBucket: 'out',
      DestinationPrefix: PREFIX,
    },
  };
}

/** A local server standing in for CloudFormation's pre-signed response URL. */
async function responseServer(): Promise<{ url: string; received: any[]; close: () => void }> {
  const received: any[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString()));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/response?X-Amz-Signature=s`, received, close: () => server.close() };
}

let store: FakeS3;
beforeEach(() => {
  s3.reset();
  lambda.reset();
  store = new FakeS3(s3);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

describe('input asset handler', () => {
  test('unpacks every file of a streamed archive under <prefix>data/ and writes the marker last', async () => {
    // GIVEN
    store.objects.set('cdk-assets/abc.zip', FIXTURE);

    // WHEN
    const result = await onEvent(createEvent(), client, noSleep);

    // THEN
    expect(store.keys('out')).toEqual([`${PREFIX}.complete`, `${PREFIX}data/a.csv`, `${PREFIX}data/stored.txt`, `${PREFIX}data/sub/b.csv`]);
    expect(store.objects.get(`out/${PREFIX}data/a.csv`)!.toString()).toBe('1,2\n'.repeat(100));
    expect(store.objects.get(`out/${PREFIX}data/sub/b.csv`)!.toString()).toBe('3,4\n');
    expect(store.objects.get(`out/${PREFIX}data/stored.txt`)!.toString()).toBe('plain');
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(puts[puts.length - 1]).toBe(`${PREFIX}.complete`);
    expect(result).toEqual({
      physicalResourceId: `s3://out/${PREFIX}data/`,
      data: { S3Uri: `s3://out/${PREFIX}data/`, FileCount: '3' },
    });
  });

  test('reads the archive through ranged GETs, never whole', async () => {
    store.objects.set('cdk-assets/abc.zip', FIXTURE);
    await onEvent(createEvent(), client, noSleep);
    const gets = s3.commandCalls(GetObjectCommand).filter((c) => c.args[0].input.Bucket === 'cdk-assets');
    expect(gets.length).toBeGreaterThan(0);
    expect(gets.every((c) => /^bytes=\d+-\d+$/.test(c.args[0].input.Range ?? ''))).toBe(true);
  });

  test('skips the unpack when the marker is there (retry, second job, redeploy)', async () => {
    store.objects.set(`out/${PREFIX}.complete`, Buffer.from(JSON.stringify({ fileCount: 3 })));
    const result = await onEvent(createEvent(), client, noSleep);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    expect(s3).not.toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'cdk-assets' });
    expect(result.data?.FileCount).toBe('3');
  });

  test('resumes a partial unpack: files already there with their full size are kept, the rest is uploaded', async () => {
    // GIVEN an earlier attempt that wrote a.csv whole and left sub/b.csv short (not from S3; a stand-in for a stale copy)
    store.objects.set('cdk-assets/abc.zip', FIXTURE);
    store.objects.set(`out/${PREFIX}data/a.csv`, Buffer.from('1,2\n'.repeat(100)));
    store.objects.set(`out/${PREFIX}data/sub/b.csv`, Buffer.from('3'));

    // WHEN
    const outcome = await unpack(client, PROPS, noSleep);

    // THEN
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(puts.slice(0, 2).sort()).toEqual([`${PREFIX}data/stored.txt`, `${PREFIX}data/sub/b.csv`]);
    expect(puts.slice(2)).toEqual([`${PREFIX}.complete`]);
    expect(store.objects.get(`out/${PREFIX}data/sub/b.csv`)!.toString()).toBe('3,4\n');
    expect(outcome).toEqual(expect.objectContaining({ complete: true, fileCount: 3, kept: 1, uploaded: 2 }));
  });

  test('stops taking entries at the soft deadline, writes no marker, and a second run resumes from there', async () => {
    // GIVEN ten entries and a clock that passes the deadline after the third entry started
    const files: Array<[string, string]> = Array.from({ length: 10 }, (_, i) => [`part-${i}.csv`, `${i},`.repeat(1000)]);
    store.objects.set('cdk-assets/abc.zip', await makeZip(files));
    let ticks = 0;
    const now = () => ticks++;

    // WHEN
    const first = await unpack(client, PROPS, { ...noSleep, now, softDeadline: 3, maxConcurrency: 1 }).catch((e) => e);

    // THEN
    expect(first).toBeInstanceOf(UnpackDeadlineError);
    expect(first.message).toMatch(/stopped at the Lambda deadline: \d+ of 10 files .* a redeploy resumes/);
    expect(store.keys('out', `${PREFIX}.complete`)).toEqual([]);
    const partial = store.keys('out', `${PREFIX}data/`).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(10);

    // WHEN a second run has time
    s3.resetHistory();
    const second = await unpack(client, PROPS, noSleep);

    // THEN only the rest is uploaded
    expect(second).toEqual(expect.objectContaining({ complete: true, fileCount: 10, kept: partial, uploaded: 10 - partial }));
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(10 - partial + 1);
    expect(store.objects.get(`out/${PREFIX}data/part-9.csv`)!.toString()).toBe('9,'.repeat(1000));
  });

  test('at the deadline hands the same event over to a fresh invocation of itself and answers nothing yet', async () => {
    // GIVEN
    store.objects.set('cdk-assets/abc.zip', FIXTURE);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const server = await responseServer();
    try {
      // WHEN the invocation starts with less time left than the deadline margin
      const answer = await runInvocation(createEvent(server.url), {
        getRemainingTimeInMillis: () => 60_000,
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:unpack',
      }, { s3: client, lambda: lambdaClient }, noSleep);

      // THEN
      expect(answer).toBeUndefined();
      expect(server.received).toEqual([]);
      const invoke = lambda.commandCalls(InvokeCommand)[0].args[0].input;
      expect(invoke).toEqual(expect.objectContaining({ FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:unpack', InvocationType: 'Event' }));
      const payload = JSON.parse(Buffer.from(invoke.Payload as Uint8Array).toString());
      expect(payload).toEqual(expect.objectContaining({ RequestType: 'Create', RequestId: 'req', CdkSageMakerUnpackContinuation: 1 }));
    } finally {
      server.close();
    }
  });

  test('hands over to the function the ServiceToken names when the context has no function ARN', async () => {
    store.objects.set('cdk-assets/abc.zip', FIXTURE);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const answer = await runInvocation(createEvent(), { getRemainingTimeInMillis: () => 60_000 }, { s3: client, lambda: lambdaClient }, noSleep);
    expect(answer).toBeUndefined();
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:unpack' });
  });

  test('fails with how far it got after the last invocation reaches its deadline, before Lambda times out', async () => {
    // GIVEN the third invocation of one event
    store.objects.set('cdk-assets/abc.zip', FIXTURE);
    const server = await responseServer();
    try {
      // WHEN
      const event = { ...createEvent(server.url), CdkSageMakerUnpackContinuation: 2 };
      const answer = await runInvocation(event, {
        getRemainingTimeInMillis: () => 60_000,
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:unpack',
      }, { s3: client, lambda: lambdaClient }, noSleep);

      // THEN
      expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
      expect(answer?.Status).toBe('FAILED');
      expect(server.received).toEqual([expect.objectContaining({
        Status: 'FAILED',
        Reason: expect.stringMatching(/0 of 3 files \(0\.0 MiB of 0\.0 MiB\).*TrainingInput\.fromBucket \(after 3 invocations/),
      })]);
    } finally {
      server.close();
    }
  });

  test('unpacks a zip64 archive', async () => {
    // GIVEN a zip64 end of central directory and zip64 extra fields (what the CDK CLI writes above 65,535 files)
    const archive = await makeZip([['a.txt', 'alpha'], ['dir/b.bin', crypto.randomBytes(3000)]], { zip64: true });
    expect(archive.readUInt16LE(archive.length - 22 + 10)).toBe(0xffff);
    store.objects.set('cdk-assets/abc.zip', archive);

    // WHEN
    const outcome = await unpack(client, PROPS, noSleep);

    // THEN
    expect(outcome).toEqual(expect.objectContaining({ complete: true, fileCount: 2 }));
    expect(store.objects.get(`out/${PREFIX}data/a.txt`)!.toString()).toBe('alpha');
  });

  test('uploads a large entry in parts and keeps the parts in flight within the budget', async () => {
    // GIVEN a 20 MiB entry, 4 MiB parts, 2 in flight
    const data = crypto.randomBytes(20 * MiB);
    store.objects.set('cdk-assets/abc.zip', await makeZip([['big.bin', data]]));

    // WHEN
    await unpack(client, PROPS, { ...noSleep, multipartThresholdBytes: 8 * MiB, partBytes: 4 * MiB, partsInFlight: 2 });

    // THEN
    expect(s3.commandCalls(UploadPartCommand)).toHaveLength(5);
    expect(s3).toHaveReceivedCommandTimes(CompleteMultipartUploadCommand, 1);
    expect(store.objects.get(`out/${PREFIX}data/big.bin`)!.equals(data)).toBe(true);
  });

  test('aborts the multipart upload of an entry whose part fails, and writes no marker', async () => {
    s3.reset();
    store = new FakeS3(s3, { failPart: 2 });
    store.objects.set('cdk-assets/abc.zip', await makeZip([['big.bin', crypto.randomBytes(12 * MiB)]]));
    await expect(unpack(client, PROPS, { ...noSleep, multipartThresholdBytes: 8 * MiB, partBytes: 4 * MiB })).rejects.toThrow(/InternalError/);
    expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { Key: `${PREFIX}data/big.bin` });
    expect(store.keys('out')).toEqual([]);
  });

  describe('resuming a large entry part by part', () => {
    /** 1 MiB parts of a 6 MiB entry, one in flight. */
    const PARTS = { ...noSleep, multipartThresholdBytes: MiB, partBytes: MiB, partsInFlight: 1 };
    let data: Buffer;

    /** A first invocation that reaches its hard deadline once three parts are in S3. */
    async function stopAfterThreeParts(): Promise<unknown> {
      data = crypto.randomBytes(6 * MiB);
      store.objects.set('cdk-assets/abc.zip', await makeZip([['big.bin', data]]));
      return unpack(client, PROPS, { ...PARTS, hardDeadline: 0, now: () => (store.partsUploaded >= 3 ? 1 : 0) }).catch((e) => e);
    }

    const partNumbers = () => s3.commandCalls(UploadPartCommand).map((c) => c.args[0].input.PartNumber);

    test('leaves the multipart upload under way at the hard deadline, and the next run uploads only the missing parts', async () => {
      // GIVEN a first invocation stopped mid-entry
      const first = await stopAfterThreeParts();
      expect(first).toBeInstanceOf(UnpackDeadlineError);
      expect(s3).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
      expect(store.keys('out')).toEqual([]);
      expect([...store.uploads.values()].map((u) => [...u.parts.keys()])).toEqual([[1, 2, 3]]);

      // WHEN the next one runs
      s3.resetHistory();
      const second = await unpack(client, PROPS, PARTS);

      // THEN it resumes that upload: parts 4 to 6 only, completed with all six, the entry whole and checked
      expect(second).toEqual(expect.objectContaining({ complete: true, fileCount: 1, uploaded: 1 }));
      expect(s3).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
      expect(partNumbers()).toEqual([4, 5, 6]);
      const completed = s3.commandCalls(CompleteMultipartUploadCommand)[0].args[0].input;
      expect(completed.UploadId).toBe('upload-1');
      expect(completed.MultipartUpload!.Parts!.map((p) => p.PartNumber)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(store.objects.get(`out/${PREFIX}data/big.bin`)!.equals(data)).toBe(true);
      expect(store.uploads.size).toBe(0);
    });

    test('resumes the newest upload of the key and aborts the older ones', async () => {
      // GIVEN the stopped upload and an older one of the same key (an earlier, raced attempt)
      await stopAfterThreeParts();
      store.uploads.set('older', { key: `out/${PREFIX}data/big.bin`, initiated: new Date(0), parts: new Map([[1, Buffer.alloc(MiB)]]) });

      // WHEN
      s3.resetHistory();
      await unpack(client, PROPS, PARTS);

      // THEN
      expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { UploadId: 'older' });
      expect(s3).not.toHaveReceivedCommandWith(AbortMultipartUploadCommand, { UploadId: 'upload-1' });
      expect(partNumbers()).toEqual([4, 5, 6]);
      expect(store.objects.get(`out/${PREFIX}data/big.bin`)!.equals(data)).toBe(true);
    });

    test('starts the entry over when a part S3 holds does not have the size of the plan', async () => {
      // GIVEN the stopped upload, its second part short
      await stopAfterThreeParts();
      const [left] = [...store.uploads.values()];
      left.parts.set(2, left.parts.get(2)!.subarray(0, 1000));

      // WHEN
      s3.resetHistory();
      await unpack(client, PROPS, PARTS);

      // THEN that upload is aborted and a new one carries every part
      expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { UploadId: 'upload-1' });
      expect(s3).toHaveReceivedCommandTimes(CreateMultipartUploadCommand, 1);
      expect(partNumbers()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(store.objects.get(`out/${PREFIX}data/big.bin`)!.equals(data)).toBe(true);
    });

    test('starts the entry over when the next run plans another part size', async () => {
      // GIVEN the stopped upload of 1 MiB parts
      await stopAfterThreeParts();

      // WHEN the next run cuts 2 MiB parts
      s3.resetHistory();
      await unpack(client, PROPS, { ...PARTS, partBytes: 2 * MiB });

      // THEN
      expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { UploadId: 'upload-1' });
      expect(partNumbers()).toEqual([1, 2, 3]);
      expect(store.objects.get(`out/${PREFIX}data/big.bin`)!.equals(data)).toBe(true);
    });

    test('aborts the upload left under way when the last invocation fails at its deadline, so nothing is left billing', async () => {
      // GIVEN the third invocation of one event, stopped mid-entry
      data = crypto.randomBytes(6 * MiB);
      store.objects.set('cdk-assets/abc.zip', await makeZip([['big.bin', data]]));
      const server = await responseServer();
      try {
        // WHEN
        const event = { ...createEvent(server.url), CdkSageMakerUnpackContinuation: 2 };
        const answer = await runInvocation(event, { getRemainingTimeInMillis: () => 900_000 }, { s3: client, lambda: lambdaClient },
          { ...PARTS, hardDeadline: 0, now: () => (store.partsUploaded >= 3 ? 1 : 0) });

        // THEN
        expect(answer?.Status).toBe('FAILED');
        expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { Key: `${PREFIX}data/big.bin`, UploadId: 'upload-1' });
        expect(store.uploads.size).toBe(0);
      } finally {
        server.close();
      }
    });

    test('still unpacks, starting the entry over, under a role that may not list multipart uploads', async () => {
      // GIVEN a first invocation stopped mid-entry, and a role without s3:ListBucketMultipartUploads
      await stopAfterThreeParts();
      s3.resetHistory();
      s3.on(ListMultipartUploadsCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

      // WHEN the next run unpacks
      const second = await unpack(client, PROPS, PARTS);

      // THEN it uploads the entry whole in a new upload and completes: the resume is an optimisation, never a failure
      expect(second).toEqual(expect.objectContaining({ complete: true, fileCount: 1, uploaded: 1 }));
      expect(s3).toHaveReceivedCommandTimes(CreateMultipartUploadCommand, 1);
      expect(partNumbers()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(store.objects.get(`out/${PREFIX}data/big.bin`)!.equals(data)).toBe(true);
      expect(store.keys('out')).toEqual([`${PREFIX}.complete`, `${PREFIX}data/big.bin`]);
    });

    test('aborts uploads left under the prefix by an earlier attempt once the unpack completes', async () => {
      // GIVEN an upload of a key that this run writes whole
      store.objects.set('cdk-assets/abc.zip', FIXTURE);
      store.uploads.set('stale', { key: `out/${PREFIX}data/a.csv`, initiated: new Date(0), parts: new Map() });

      // WHEN
      await unpack(client, PROPS, noSleep);

      // THEN
      expect(s3).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { Key: `${PREFIX}data/a.csv`, UploadId: 'stale' });
      expect(store.uploads.size).toBe(0);
    });
  });

  test('keeps the bytes in flight within the budget, not a number of entries', async () => {
    // GIVEN 24 entries of 1 MiB and a budget of 3 MiB (the block cache's share on top)
    let inFlight = 0;
    let peak = 0;
    s3.reset();
    store = new FakeS3(s3, { onUpload: (d) => { inFlight += d; peak = Math.max(peak, inFlight); } });
    const files: Array<[string, Buffer]> = Array.from({ length: 24 }, (_, i) => [`p${i}.bin`, crypto.randomBytes(MiB)]);
    store.objects.set('cdk-assets/abc.zip', await makeZip(files));

    // WHEN
    await unpack(client, PROPS, { ...noSleep, budgetBytes: 3 * MiB + 256 * 1024 * 6, blockBytes: 256 * 1024 });

    // THEN at most three entries were uploading at once (today: eight)
    expect(peak).toBeGreaterThan(MiB);
    expect(peak).toBeLessThanOrEqual(3 * MiB);
    expect(store.keys('out', `${PREFIX}data/`)).toHaveLength(24);
  });
});

describe('input asset handler refusals', () => {
  test('fails on an entry that inflates past its declared size, while inflating (zip bomb)', async () => {
    // GIVEN a 16 MiB entry of zeros (16 KiB deflated) whose central directory claims 1 KiB
    const archive = await makeZip([['bomb.bin', Buffer.alloc(16 * MiB)]]);
    const [at] = centralHeaders(archive);
    archive.writeUInt32LE(1024, at + 24);
    store.objects.set('cdk-assets/abc.zip', archive);

    // WHEN
    const error = await unpack(client, PROPS, noSleep).catch((e) => e);

    // THEN
    expect(error.message).toMatch(/bomb\.bin.*(inflates past its declared 1024 bytes|too many bytes)/);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  test('fails before inflating anything when the archive declares more than the limit (zip bomb)', async () => {
    // GIVEN a 1 KiB archive declaring 2 GiB
    const archive = await makeZip([['a.txt', 'a'], ['zeros.bin', Buffer.alloc(MiB)]]);
    const [, second] = centralHeaders(archive);
    archive.writeUInt32LE(2 ** 31, second + 24);
    store.objects.set('cdk-assets/abc.zip', archive);

    // WHEN
    const error = await unpack(client, PROPS, { ...noSleep, maxBytes: 1024 * MiB }).catch((e) => e);

    // THEN
    expect(error.message).toMatch(/holds 2 files, 2048\.0 MiB uncompressed; fromAsset unpacks at most \d+ files and 1024\.0 MiB\. Upload the data to S3 and use TrainingInput\.fromBucket/);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  test('fails on more files than the limit, naming the figures', async () => {
    store.objects.set('cdk-assets/abc.zip', FIXTURE);
    await expect(unpack(client, PROPS, { ...noSleep, maxFiles: 2 })).rejects.toThrow(/holds 3 files, .*at most 2 files/);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  test('fails on an entry whose data does not match its CRC-32', async () => {
    const archive = await makeZip([['a.txt', 'some text, some text']], { store: true });
    const [at] = centralHeaders(archive);
    archive.writeUInt32LE((archive.readUInt32LE(at + 16) + 1) % 2 ** 32, at + 16);
    store.objects.set('cdk-assets/abc.zip', archive);
    await expect(unpack(client, PROPS, noSleep)).rejects.toThrow(/a\.txt' fails its CRC-32 check/);
    expect(store.keys('out')).toEqual([]);
  });

  test('fails on an entry that escapes the destination', async () => {
    const evil = Buffer.from(FIXTURE);
    // rename 'sub/b.csv' to '../ab.csv' (same length) in the central directory
    const at = evil.lastIndexOf(Buffer.from('sub/b.csv'));
    evil.write('../ab.csv', at);
    store.objects.set('cdk-assets/abc.zip', evil);
    await expect(unpack(client, PROPS, noSleep)).rejects.toThrow(/escapes the destination|invalid relative path/);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  test('answers FAILED on something that is not a zip', async () => {
    store.objects.set('cdk-assets/abc.zip', zlib.gzipSync('hello'));
    const response = await respond(createEvent(), client, noSleep);
    expect(response).toEqual(expect.objectContaining({
      Status: 'FAILED',
      Reason: expect.stringMatching(/s3:\/\/cdk-assets\/abc\.zip is not a zip archive the unpacker can read/),
      PhysicalResourceId: 'TrainInputvalidation',
    }));
  });

  test('answers FAILED when the archive cannot be read', async () => {
    s3.reset();
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    s3.rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const response = await respond(createEvent(), client, noSleep);
    expect(response).toEqual(expect.objectContaining({ Status: 'FAILED', Reason: 'Access Denied', PhysicalResourceId: 'TrainInputvalidation' }));
  });

  test('keeps the files on Delete', async () => {
    const event = { ...createEvent(), RequestType: 'Delete' as const, PhysicalResourceId: `s3://out/${PREFIX}data/` };
    await expect(onEvent(event, client, noSleep)).resolves.toEqual({ physicalResourceId: `s3://out/${PREFIX}data/` });
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('response delivery', () => {
  test('PUTs the JSON answer to a pre-signed URL without a content type', async () => {
    // GIVEN a local server standing in for the pre-signed S3 URL
    const received: Array<{ method?: string; url?: string; contentType?: string; body: string }> = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString() });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      // WHEN
      await putJson(`http://127.0.0.1:${port}/handle?X-Amz-Signature=s`, { Status: 'SUCCESS', Reason: 'ok', UniqueId: 'j', Data: '' });
    } finally {
      server.close();
    }

    // THEN
    expect(received).toEqual([{ method: 'PUT', url: '/handle?X-Amz-Signature=s', contentType: '', body: '{"Status":"SUCCESS","Reason":"ok","UniqueId":"j","Data":""}' }]);
  });
});
