/**
 * The input-asset unpacker benchmark (issue 11): 1 GiB of incompressible data in 8 files, and 100,000 small
 * files, each zipped, put into moto's S3 and unpacked by the bundled handler in a process of its own.
 * Start it with `bash bench/unpacker/run.sh`; it records its figures under `unpacker` in bench/results.json
 * and in its section of bench/RESULTS.md, and touches nothing else (the other benchmarks are not re-run).
 * BENCH_QUICK=1: 64 MiB and 2,000 files, figures printed only.
 */
import { spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, ListObjectsV2Command, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import * as yazl from 'yazl';
import { UnpackerCase, UnpackerResults, withUnpackerSection } from './report';
import { MotoServer } from '../../integ/local-cloud/moto-server';

const ROOT = process.env.BENCH_ROOT ?? path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'bench', 'out', 'unpacker');
const BUNDLE = path.join(ROOT, 'assets', 'training', 'training-input-asset.lambda', 'index.js');
const QUICK = process.env.BENCH_QUICK === '1';
const BIG_BYTES = QUICK ? 64 * 2 ** 20 : 2 ** 30;
const BIG_FILES = 8;
const SMALL_FILES = Number(process.env.BENCH_SMALL_FILES ?? (QUICK ? 2_000 : 100_000));
const SMALL_BYTES = 1024;
const RSS_TARGET_MIB = 512;
/** BENCH_CASES=big or small runs one case (each is recorded on its own); both by default. */
const CASES = (process.env.BENCH_CASES ?? 'big,small').split(',');

function log(message: string): void {
  process.stderr.write(`[unpacker ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Random bytes as a stream, 1 MiB at a time. */
function randomStream(bytes: number): Readable {
  let left = bytes;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, 2 ** 20);
      left -= n;
      this.push(crypto.randomBytes(n));
    },
  });
}

/** Writes a zip of `add`'s entries to a file; returns its size. */
function writeZip(file: string, add: (zip: yazl.ZipFile) => void): Promise<number> {
  const zip = new yazl.ZipFile();
  add(zip);
  zip.end();
  return new Promise((resolve, reject) => {
    const out = fs.createWriteStream(file);
    zip.outputStream.pipe(out);
    out.on('finish', () => resolve(fs.statSync(file).size));
    out.on('error', reject);
  });
}

function isZip64(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const tail = Buffer.alloc(22);
    fs.readSync(fd, tail, 0, 22, fs.statSync(file).size - 22);
    return tail.readUInt32LE(0) === 0x06054b50 && (tail.readUInt16LE(10) === 0xffff || tail.readUInt32LE(16) === 0xffffffff);
  } finally {
    fs.closeSync(fd);
  }
}

async function prefixContents(client: S3Client, bucket: string, prefix: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      files++;
      bytes += o.Size ?? 0;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { files, bytes };
}

/** Puts a file into S3 in 64 MiB parts (one PUT of a large body is slow on moto). */
async function putFile(client: S3Client, bucket: string, key: string, file: string): Promise<void> {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const parts: Array<{ PartNumber: number; ETag?: string }> = [];
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.statSync(file).size;
    const partBytes = 64 * 2 ** 20;
    for (let at = 0, n = 1; at < size; at += partBytes, n++) {
      const body = Buffer.alloc(Math.min(partBytes, size - at));
      fs.readSync(fd, body, 0, body.length, at);
      const answer = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n, Body: body }));
      parts.push({ PartNumber: n, ETag: answer.ETag });
    }
  } finally {
    fs.closeSync(fd);
  }
  await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
}

function runChild(event: unknown, env: NodeJS.ProcessEnv): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'child.js'), BUNDLE, JSON.stringify(event)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => {
      stderr += d;
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`unpacker exited with ${code}:\n${stderr.slice(-3000)}`));
        return;
      }
      const lines = stdout.trim().split('\n');
      resolve(JSON.parse(lines[lines.length - 1]));
    });
  });
}

/** Re-renders the section of bench/RESULTS.md from bench/results.json (after editing the report). */
function reportOnly(): void {
  const all = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench', 'results.json'), 'utf8'));
  const resultsMd = path.join(ROOT, 'bench', 'RESULTS.md');
  fs.writeFileSync(resultsMd, withUnpackerSection(fs.readFileSync(resultsMd, 'utf8'), all.unpacker));
  log('re-rendered the unpacker section of bench/RESULTS.md from bench/results.json');
}

async function main(): Promise<void> {
  if (process.argv[2] === '--report-only') {
    reportOnly();
    return;
  }
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx projen bundle:training/training-input-asset.lambda'`);
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const loadAtStart = os.loadavg();

  log(`writing the archives under ${path.relative(ROOT, OUT)}`);
  const bigZip = path.join(OUT, 'big.zip');
  const bigArchive = !CASES.includes('big') ? 0 : await writeZip(bigZip, (zip) => {
    for (let i = 0; i < BIG_FILES; i++) {
      zip.addReadStream(randomStream(BIG_BYTES / BIG_FILES), `data/part-${String(i).padStart(3, '0')}.bin`, { size: BIG_BYTES / BIG_FILES });
    }
  });
  const smallZip = path.join(OUT, 'small.zip');
  const smallArchive = !CASES.includes('small') ? 0 : await writeZip(smallZip, (zip) => {
    // lazily: yazl deflates an added buffer at once, and 100,000 deflate streams at once take gigabytes
    for (let i = 0; i < SMALL_FILES; i++) {
      zip.addReadStreamLazy(`shard-${String(i % 100).padStart(2, '0')}/${i}.txt`, { size: SMALL_BYTES }, (callback) => {
        callback(null, Readable.from([Buffer.from(crypto.randomBytes(SMALL_BYTES / 2).toString('hex'))]));
      });
    }
  });

  log('starting moto');
  const moto = await MotoServer.start();
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    NODE_NO_WARNINGS: '1',
  };
  const client = new S3Client({
    endpoint: moto.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  // one local server stands in for CloudFormation's response URL and for Lambda's asynchronous Invoke (the
  // unpacker hands over to a fresh invocation at its deadline): each Invoke starts another unpacker process
  const answers = new Map<string, any>();
  const invocations: Array<Promise<any>> = [];
  let childEnv: NodeJS.ProcessEnv = {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const payload = JSON.parse(Buffer.concat(chunks).toString());
      if (req.url?.startsWith('/response')) {
        answers.set(payload.RequestId, payload);
        res.end();
      } else {
        res.statusCode = 202;
        res.end();
        invocations.push(runChild(payload, childEnv));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const responseUrl = `${local}/response?X-Amz-Signature=bench`;
  childEnv = { ...env, AWS_ENDPOINT_URL_LAMBDA: local };
  const cases: UnpackerCase[] = [];
  try {
    await client.send(new CreateBucketCommand({ Bucket: 'assets' }));
    await client.send(new CreateBucketCommand({ Bucket: 'out' }));
    const runs: Array<[string, string, number, number, number]> = [
      [`${(BIG_BYTES / 2 ** 30).toFixed(BIG_BYTES < 2 ** 30 ? 2 : 0)} GiB of incompressible data in ${BIG_FILES} files`, bigZip, BIG_FILES, BIG_BYTES, bigArchive],
      [`${SMALL_FILES.toLocaleString('en-US')} small files (${SMALL_BYTES} B each)`, smallZip, SMALL_FILES, SMALL_FILES * SMALL_BYTES, smallArchive],
    ];
    for (const [label, file, files, bytes, archiveBytes] of runs.filter(([, f]) => CASES.includes(path.basename(f, '.zip')))) {
      const key = path.basename(file);
      log(`${label}: putting the ${(archiveBytes / 2 ** 20).toFixed(0)} MiB archive into moto`);
      await putFile(client, 'assets', key, file);
      const prefix = `inputs/${key}/`;
      invocations.length = 0;
      log(`${label}: unpacking`);
      const started = Date.now();
      const loadAtCase = os.loadavg()[0];
      invocations.push(runChild({
        RequestType: 'Create',
        ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:bench-unpacker',
        ResponseURL: responseUrl,
        StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Bench/guid',
        RequestId: key,
        LogicalResourceId: 'Input',
        ResourceType: 'Custom::SageMakerTrainingInputAsset',
        ResourceProperties: { ServiceToken: 'x', SourceBucket: 'assets', SourceKey: key, DestinationBucket: 'out', DestinationPrefix: prefix },
      }, childEnv));
      while (!answers.has(key)) await new Promise((r) => setTimeout(r, 200));
      const wallMs = Date.now() - started;
      const loadAtEnd = os.loadavg()[0];
      const measured = await Promise.all(invocations);
      const answer = answers.get(key);
      const inPrefix = await prefixContents(client, 'out', `${prefix}data/`);
      const c: UnpackerCase = {
        label,
        files,
        bytes,
        archiveBytes,
        zip64: isZip64(file),
        answer: answer?.Status ?? 'none',
        reason: answer?.Reason,
        filesInPrefix: inPrefix.files,
        bytesInPrefix: inPrefix.bytes,
        wallMs,
        cpuMs: measured.reduce((sum, m) => sum + m.cpuMs, 0),
        maxRssMiB: Math.max(...measured.map((m) => m.maxRssMiB)),
        invocations: measured.length,
        date: new Date(started).toISOString(),
        load: [loadAtCase, loadAtEnd],
      };
      cases.push(c);
      log(`${label}: ${c.answer}${c.reason ? ` (${c.reason})` : ''} in ${(c.wallMs / 1000).toFixed(1)} s, ${c.invocations} invocation(s), peak RSS ${c.maxRssMiB.toFixed(0)} MiB, `
        + `${c.filesInPrefix}/${files} files, ${(c.bytesInPrefix / 2 ** 20).toFixed(1)} MiB in the prefix`);
    }
  } finally {
    server.close();
    await moto.stop();
    fs.rmSync(OUT, { recursive: true, force: true });
  }

  const results: UnpackerResults = {
    date: new Date().toISOString(),
    command: `${QUICK ? 'BENCH_QUICK=1 ' : ''}bash bench/unpacker/run.sh`,
    library: process.env.BENCH_LIBRARY ?? 'working tree',
    machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
    loadAtStart,
    loadAtEnd: os.loadavg(),
    rssTargetMiB: RSS_TARGET_MIB,
    cases,
  };
  process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
  if (QUICK) return;
  const resultsFile = path.join(ROOT, 'bench', 'results.json');
  const all = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  // a case run alone replaces its own row only
  const kept = (all.unpacker?.cases ?? []).filter((c: UnpackerCase) => !cases.some((n) => n.label === c.label));
  const merged: UnpackerResults = { ...results, cases: [...cases, ...kept].sort((a, b) => b.bytes - a.bytes) };
  fs.writeFileSync(resultsFile, `${JSON.stringify({ ...all, unpacker: merged }, null, 1)}\n`);
  const resultsMd = path.join(ROOT, 'bench', 'RESULTS.md');
  fs.writeFileSync(resultsMd, withUnpackerSection(fs.readFileSync(resultsMd, 'utf8'), merged));
  log('recorded under "unpacker" in bench/results.json and in its section of bench/RESULTS.md');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
