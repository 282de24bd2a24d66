import * as crypto from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import {
  CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { makeZip } from './input-asset-helpers';
import { MotoServer } from '../../integ/local-cloud/moto-server';
import { unpack } from '../../src/training/training-input-asset.lambda';
import { localCloudAvailable } from '../local-cloud/local-cloud-support';

/**
 * The unpacker against moto's S3: the wire format of ranged GETs, listings and multipart uploads, with a
 * zip64 archive, from the source and from the bundled handler.
 */
const run = localCloudAvailable() ? describe : describe.skip;
const MiB = 2 ** 20;

run('input asset unpacker against a real S3 API', () => {
  let moto: MotoServer;
  let client: S3Client;
  const saved = { ...process.env };

  beforeAll(async () => {
    moto = await MotoServer.start();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1',
    });
    client = new S3Client({ forcePathStyle: true });
    await client.send(new CreateBucketCommand({ Bucket: 'cdk-assets' }));
    await client.send(new CreateBucketCommand({ Bucket: 'out' }));
  }, 90_000);

  afterAll(async () => {
    process.env = saved;
    await moto?.stop();
  });

  beforeEach(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  async function read(key: string): Promise<Buffer> {
    const object = await client.send(new GetObjectCommand({ Bucket: 'out', Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  async function keys(prefix: string): Promise<string[]> {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'out', Prefix: prefix }));
    return (listed.Contents ?? []).map((o) => o.Key!).sort();
  }

  test('unpacks a zip64 archive (a multipart entry among small ones), then resumes after a file is lost', async () => {
    // GIVEN
    const big = crypto.randomBytes(20 * MiB);
    const archive = await makeZip([['train/big.bin', big], ['train/a.csv', '1,2\n'.repeat(500)], ['readme.txt', 'plain']], { zip64: true });
    await client.send(new PutObjectCommand({ Bucket: 'cdk-assets', Key: 'z64.zip', Body: archive }));
    const props = { sourceBucket: 'cdk-assets', sourceKey: 'z64.zip', destinationBucket: 'out', destinationPrefix: 'inputs/z64/' };

    // WHEN
    const first = await unpack(client, props, { multipartThresholdBytes: 8 * MiB, partBytes: 5 * MiB });

    // THEN
    expect(first).toEqual(expect.objectContaining({ complete: true, fileCount: 3, uploaded: 3 }));
    expect(await keys('inputs/z64/')).toEqual(['inputs/z64/.complete', 'inputs/z64/data/readme.txt', 'inputs/z64/data/train/a.csv', 'inputs/z64/data/train/big.bin']);
    expect((await read('inputs/z64/data/train/big.bin')).equals(big)).toBe(true);
    expect((await read('inputs/z64/data/train/a.csv')).toString()).toBe('1,2\n'.repeat(500));

    // WHEN an attempt died before its marker and one file
    await client.send(new DeleteObjectCommand({ Bucket: 'out', Key: 'inputs/z64/.complete' }));
    await client.send(new DeleteObjectCommand({ Bucket: 'out', Key: 'inputs/z64/data/readme.txt' }));
    const second = await unpack(client, props, { multipartThresholdBytes: 8 * MiB, partBytes: 5 * MiB });

    // THEN only that file is uploaded again
    expect(second).toEqual(expect.objectContaining({ complete: true, fileCount: 3, uploaded: 1, kept: 2 }));
    expect((await read('inputs/z64/data/readme.txt')).toString()).toBe('plain');
  }, 120_000);

  test('the bundled handler unpacks and answers CloudFormation', async () => {
    // GIVEN the handler as projen bundles it, and a stand-in for the response URL
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bundle = require(path.resolve(__dirname, '..', '..', 'assets', 'training', 'training-input-asset.lambda', 'index.js'));
    await client.send(new PutObjectCommand({ Bucket: 'cdk-assets', Key: 'b.zip', Body: await makeZip([['x/y.txt', 'yes']], { zip64: true }) }));
    const received: any[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => { received.push(JSON.parse(Buffer.concat(chunks).toString())); res.end(); });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      // WHEN
      await bundle.handler({
        RequestType: 'Create',
        ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:unpack',
        ResponseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/r?X-Amz-Signature=s`,
        StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/guid',
        RequestId: 'req',
        LogicalResourceId: 'Input',
        ResourceType: 'Custom::SageMakerTrainingInputAsset',
        ResourceProperties: { ServiceToken: 'x', SourceBucket: 'cdk-assets', SourceKey: 'b.zip', DestinationBucket: 'out', DestinationPrefix: 'inputs/b/' },
      }, { getRemainingTimeInMillis: () => 900_000, invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:unpack' });
    } finally {
      server.close();
    }

    // THEN
    expect(received).toEqual([expect.objectContaining({ Status: 'SUCCESS', Data: { S3Uri: 's3://out/inputs/b/data/', FileCount: '1' } })]);
    expect((await read('inputs/b/data/x/y.txt')).toString()).toBe('yes');
  }, 60_000);
});
