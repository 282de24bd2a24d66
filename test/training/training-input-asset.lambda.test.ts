import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import * as zlib from 'zlib';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { putJson } from '../../src/training/private/cfn-response';
import { readZipEntries } from '../../src/private/training-zip';
import { onEvent, respond } from '../../src/training/training-input-asset.lambda';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1' });
const noSleep = { sleep: async () => undefined };
const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures', 'streamed.zip'));

/** The two methods of an SDK response body the handler uses. */
function body(data: Buffer | string): any {
  const bytes = Buffer.from(data);
  return {
    transformToByteArray: async () => new Uint8Array(bytes),
    transformToString: async () => bytes.toString('utf8'),
  };
}

function createEvent(): CloudFormationCustomResourceCreateEvent {
  return {
    RequestType: 'Create',
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:unpack',
    ResponseURL: 'http://localhost/response',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/guid',
    RequestId: 'req',
    LogicalResourceId: 'TrainInputvalidation',
    ResourceType: 'Custom::SageMakerTrainingInputAsset',
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:unpack',
      SourceBucket: 'cdk-assets',
      SourceKey: 'abc.zip',
      DestinationBucket: 'out',
      DestinationPrefix: 'training-jobs/inputs/abc/',
    },
  };
}

beforeEach(() => {
  s3.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

describe('zip reader', () => {
  test('reads deflated and stored entries of a streamed archive (data descriptors), skipping directories', () => {
    const entries = readZipEntries(FIXTURE);
    expect(entries.map((e) => e.name)).toEqual(['a.csv', 'sub/b.csv', 'stored.txt']);
    expect(entries[0].read().toString()).toBe('1,2\n'.repeat(100));
    expect(entries[1].read().toString()).toBe('3,4\n');
    expect(entries[2].read().toString()).toBe('plain');
  });

  test('fails on something that is not a zip', () => {
    expect(() => readZipEntries(zlib.gzipSync('hello'))).toThrow(/not a zip archive/);
  });

  test('fails on an entry that escapes the destination', () => {
    const evil = Buffer.from(FIXTURE);
    // rename 'sub/b.csv' to '../ab.csv' (same length) in the central directory
    const at = evil.lastIndexOf(Buffer.from('sub/b.csv'));
    evil.write('../ab.csv', at);
    expect(() => readZipEntries(evil)).toThrow(/escapes the destination/);
  });
});

describe('input asset handler', () => {
  test('unpacks every file under <prefix>data/ and writes the marker last', async () => {
    // GIVEN
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }));
    s3.on(GetObjectCommand, { Bucket: 'cdk-assets', Key: 'abc.zip' }).resolves({ Body: body(FIXTURE) });
    s3.on(PutObjectCommand).resolves({});

    // WHEN
    const result = await onEvent(createEvent(), client, noSleep);

    // THEN
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Key)).toEqual([
      'training-jobs/inputs/abc/data/a.csv',
      'training-jobs/inputs/abc/data/sub/b.csv',
      'training-jobs/inputs/abc/data/stored.txt',
      'training-jobs/inputs/abc/.complete',
    ]);
    expect(puts.every((p) => p.Bucket === 'out')).toBe(true);
    expect(Buffer.from(puts[0].Body as Buffer).toString()).toBe('1,2\n'.repeat(100));
    expect(result).toEqual({
      physicalResourceId: 's3://out/training-jobs/inputs/abc/data/',
      data: { S3Uri: 's3://out/training-jobs/inputs/abc/data/', FileCount: '3' },
    });
  });

  test('skips the unpack when the marker is there (retry, second job, redeploy)', async () => {
    s3.on(HeadObjectCommand).resolves({});
    s3.on(GetObjectCommand, { Bucket: 'out', Key: 'training-jobs/inputs/abc/.complete' }).resolves({ Body: body(JSON.stringify({ fileCount: 3 })) });
    const result = await onEvent(createEvent(), client, noSleep);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    expect(s3).not.toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'cdk-assets' });
    expect(result.data?.FileCount).toBe('3');
  });

  test('keeps the files on Delete', async () => {
    const event = { ...createEvent(), RequestType: 'Delete' as const, PhysicalResourceId: 's3://out/training-jobs/inputs/abc/data/' };
    await expect(onEvent(event, client, noSleep)).resolves.toEqual({ physicalResourceId: 's3://out/training-jobs/inputs/abc/data/' });
    expect(s3.calls()).toHaveLength(0);
  });

  test('answers FAILED when the archive cannot be read', async () => {
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }));
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const response = await respond(createEvent(), client, noSleep);
    expect(response).toEqual(expect.objectContaining({ Status: 'FAILED', Reason: 'Access Denied', PhysicalResourceId: 'TrainInputvalidation' }));
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
