/**
 * The benchmark runner (issue 8). Start it with `bash scripts/bench.sh`, which transpiles the apps and the
 * library into bench/out/build and runs this file from there. Writes bench/RESULTS.md, bench/results.json and
 * bench/synth-time.png (BENCH_QUICK=1: a short trial into bench/out/ instead, without the 1 GiB data).
 *
 * Every synth runs in a fresh node process; the variants take turns (a different order each round), so
 * a change in the machine's load falls on all of them alike.
 */
import { spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { AssemblyFacts } from './apps/assembly-facts';
import { PAIRS_PER_STACK } from './apps/common';
import { renderPng, renderSvg } from './chart';
import { JobLifecycleCounts, simulateWithBundles, simulateWithMock, synthesizeJob } from './handler/simulate-job';
import { StandIn, standInEnvironment } from './handler/stand-in';
import { Measured, renderResults, Results } from './report';
import { UnpackerResults, withUnpackerSection } from './unpacker/report';

/** bench/out/build/bench -> the repository. */
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const BUILD = path.join(ROOT, 'bench', 'out', 'build');
const QUICK = process.env.BENCH_QUICK === '1';
const OUT = path.join(ROOT, 'bench', 'out');
const SCRATCH = path.join(OUT, 'synth');

const NS = QUICK ? [1, 10] : [1, 10, 50, 100];
const SWEEP_REPS = Number(process.env.BENCH_REPS ?? (QUICK ? 2 : 5));
const DATA_REPS = QUICK ? 1 : 3;
const COLD_STARTS = QUICK ? 3 : 15;
const DATA_BYTES = QUICK ? 64 * 2 ** 20 : 2 ** 30;
const DATA_FILES = 8;
const SWEEP_VARIANTS = ['pairs-ours', 'pairs-l1', 'hosting-ours', 'hosting-l1', 'hosting-alpha'];

interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

function runNode(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, wallMs: Number(process.hrtime.bigint() - start) / 1e6 }));
  });
}

function lastJsonLine(out: string): any {
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** One synth in a fresh process; the assembly is deleted afterwards. */
/** The home directory of the sweep's synths: the CDK's fingerprint cache lives there, warmed by the warm-up. */
const SWEEP_HOME = path.join(OUT, 'home-sweep');

async function synth(variant: string, n: number, env: NodeJS.ProcessEnv = { ...process.env, HOME: SWEEP_HOME }): Promise<Measured> {
  const outdir = path.join(SCRATCH, `${variant}-${n}-${process.hrtime.bigint()}`);
  try {
    const result = await runNode([path.join(BUILD, 'bench', 'apps', 'synth-app.js'), variant, String(n), outdir], env);
    if (result.code !== 0) {
      throw new Error(`synth ${variant} N=${n} failed (${result.code}):\n${result.stderr.slice(-3000)}`);
    }
    const child = lastJsonLine(result.stdout);
    return {
      wallMs: result.wallMs,
      cpuMs: child.cpuMs,
      maxRssMiB: child.maxRssMiB,
      phasesMs: child.phasesMs,
      assembly: child.assembly as AssemblyFacts,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function rotate<T>(items: T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

async function sweep(): Promise<{ [variant: string]: { [n: string]: Measured[] } }> {
  const runs: { [variant: string]: { [n: string]: Measured[] } } = {};
  log('warm-up: one synth of each variant at N=1 (not counted)');
  for (const variant of SWEEP_VARIANTS) await synth(variant, 1);
  for (let rep = 0; rep < SWEEP_REPS; rep++) {
    for (const n of NS) {
      for (const variant of rotate(SWEEP_VARIANTS, rep + n)) {
        const m = await synth(variant, n);
        ((runs[variant] ??= {})[String(n)] ??= []).push(m);
      }
      log(`round ${rep + 1}/${SWEEP_REPS} N=${n} done (load ${os.loadavg()[0].toFixed(2)})`);
    }
  }
  return runs;
}

/** The code directory of the data benchmark: a Dockerfile, train.py, and (with data) data/ of random bytes. */
function makeCodeDir(dir: string, dataBytes: number): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM python:3.11-slim\nCOPY . /opt/ml/code\nENV SAGEMAKER_PROGRAM=train.py\n');
  fs.writeFileSync(path.join(dir, 'train.py'), 'import os\nprint(sorted(os.listdir(os.environ.get("SM_CHANNEL_TRAIN", "."))))\n');
  if (dataBytes === 0) return;
  fs.mkdirSync(path.join(dir, 'data'));
  const per = dataBytes / DATA_FILES;
  const chunk = Buffer.alloc(16 * 2 ** 20);
  for (let i = 0; i < DATA_FILES; i++) {
    const fd = fs.openSync(path.join(dir, 'data', `part-${String(i).padStart(3, '0')}.bin`), 'w');
    for (let written = 0; written < per; written += chunk.length) {
      crypto.randomFillSync(chunk);
      fs.writeSync(fd, chunk, 0, Math.min(chunk.length, per - written));
    }
    fs.closeSync(fd);
  }
}

async function dataBenchmark(): Promise<{ [label: string]: Measured[] }> {
  const base = path.join(OUT, 'data-app');
  const withData = path.join(base, 'with-data');
  const withoutData = path.join(base, 'without-data');
  const runs: { [label: string]: Measured[] } = {};
  try {
    log(`data: writing ${DATA_BYTES / 2 ** 20} MiB of random training data under ${path.relative(ROOT, withData)}/data`);
    makeCodeDir(withData, DATA_BYTES);
    makeCodeDir(withoutData, 0);
    const cases: Array<[string, string, string]> = [
      ['ours, with data', 'data-ours', withData],
      ['ours, with data, asset staging disabled', 'data-ours-nostaging', withData],
      ['alpha fromAsset, with data', 'data-alpha', withData],
      ['ours, without data', 'data-ours', withoutData],
      ['alpha fromAsset, without data', 'data-alpha', withoutData],
    ];
    // The CDK keeps file fingerprints (by inode, mtime and size) in ~/.cdk/cache/fingerprints: a first synth
    // reads and hashes every byte, a repeat synth of unchanged files does not. Both are measured: "first" with
    // an empty home directory each time, "repeat" with one home directory warmed by an untimed synth per case.
    const warmHome = path.join(OUT, 'home-data');
    fs.rmSync(warmHome, { recursive: true, force: true });
    for (const [, variant, dir] of cases) await synth(variant, 1, { ...process.env, HOME: warmHome, BENCH_CODE_DIR: dir });
    for (let rep = 0; rep < DATA_REPS; rep++) {
      for (const [label, variant, dir] of rotate(cases, rep)) {
        const coldHome = fs.mkdtempSync(path.join(OUT, 'home-cold-'));
        try {
          (runs[`${label} (first synth)`] ??= []).push(await synth(variant, 1, { ...process.env, HOME: coldHome, BENCH_CODE_DIR: dir }));
        } finally {
          fs.rmSync(coldHome, { recursive: true, force: true });
        }
        (runs[`${label} (repeat synth)`] ??= []).push(await synth(variant, 1, { ...process.env, HOME: warmHome, BENCH_CODE_DIR: dir }));
      }
      log(`data round ${rep + 1}/${DATA_REPS} done`);
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
    fs.rmSync(path.join(OUT, 'home-data'), { recursive: true, force: true });
  }
  return runs;
}

interface HandlerResults {
  readonly bundles: Array<{ name: string; bytes: number; gzipBytes: number }>;
  readonly coldStarts: any[];
  readonly sdkOnly: any[];
  readonly lifecycles: JobLifecycleCounts[];
}

async function handlerBenchmark(): Promise<HandlerResults> {
  // the bundles the build uses: projen's (working tree) or built from the commit (BENCH_SOURCE=HEAD)
  const assets = path.join(BUILD, 'assets', 'training');
  const bundles = fs.readdirSync(assets).sort().map((name) => {
    const content = fs.readFileSync(path.join(assets, name, 'index.js'));
    return { name: `assets/training/${name}/index.js`, bytes: content.length, gzipBytes: zlib.gzipSync(content, { level: 9 }).length };
  });
  const jobBundle = path.join(assets, 'training-job.lambda', 'index.js');
  const signalBundle = path.join(assets, 'training-job-signal.lambda', 'index.js');

  const standIn = new StandIn();
  const base = await standIn.start();
  const coldStarts: any[] = [];
  const sdkOnly: any[] = [];
  try {
    for (let i = 0; i < COLD_STARTS; i++) {
      const result = await runNode([path.join(BUILD, 'bench', 'handler', 'cold-start.js'), jobBundle, base],
        { ...process.env, ...standInEnvironment(base), NODE_NO_WARNINGS: '1' });
      if (result.code !== 0) throw new Error(`cold start failed:\n${result.stderr.slice(-2000)}`);
      coldStarts.push({ ...lastJsonLine(result.stdout), wallMs: result.wallMs });
    }
    for (let i = 0; i < COLD_STARTS; i++) {
      const result = await runNode([path.join(BUILD, 'bench', 'handler', 'cold-start.js'), '--sdk-only'],
        { ...process.env, ...standInEnvironment(base), NODE_NO_WARNINGS: '1' });
      if (result.code !== 0) throw new Error(`SDK cold start failed:\n${result.stderr.slice(-2000)}`);
      sdkOnly.push(lastJsonLine(result.stdout));
    }
  } finally {
    await standIn.stop();
  }
  log(`handler: ${COLD_STARTS} cold starts done; simulating jobs`);

  const resources = synthesizeJob();
  const quiet = console.log;
  console.log = () => undefined;
  const lifecycles: JobLifecycleCounts[] = [];
  try {
    lifecycles.push(await simulateWithMock(resources, 10));
    lifecycles.push(await simulateWithMock(resources, 1));
    lifecycles.push(await simulateWithBundles(resources, 10, jobBundle, signalBundle));
  } finally {
    console.log = quiet;
  }
  return { bundles, coldStarts, sdkOnly, lifecycles };
}

function machine(): Results['machine'] {
  const version = (pkg: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', ...pkg.split('/'), 'package.json'), 'utf8')).version;
  return {
    date: new Date().toISOString(),
    nproc: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    library: process.env.BENCH_LIBRARY ?? 'unknown',
    awsCdkLib: version('aws-cdk-lib'),
    alpha: version('@aws-cdk/aws-sagemaker-alpha'),
    loadAtStart: os.loadavg(),
    loadAtEnd: os.loadavg(),
  };
}

/** Writes RESULTS.md (with the notes) and the chart from a run's results. */
function writeReport(results: Results, target: string): void {
  const { markdown, chart } = renderResults(results);
  const notes = path.join(ROOT, 'bench', 'NOTES.md');
  // the unpacker benchmark (bench/unpacker/run.sh) runs apart; its section follows the notes
  const unpacker = (results as Results & { unpacker?: UnpackerResults }).unpacker;
  fs.writeFileSync(path.join(target, 'RESULTS.md'),
    withUnpackerSection(markdown + (fs.existsSync(notes) ? `\n${fs.readFileSync(notes, 'utf8')}` : ''), unpacker));
  fs.mkdirSync(OUT, { recursive: true });
  renderPng(renderSvg(chart.title, chart.subtitle, chart.panels, chart.yLabel), path.join(OUT, 'synth-time.svg'), path.join(target, 'synth-time.png'));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--report-only') {
    // Re-renders bench/RESULTS.md and the chart from bench/results.json (after editing NOTES.md or the report).
    const target = path.join(ROOT, 'bench');
    writeReport(JSON.parse(fs.readFileSync(path.join(target, 'results.json'), 'utf8')), target);
    log('re-rendered bench/RESULTS.md and bench/synth-time.png from bench/results.json');
    return;
  }
  fs.mkdirSync(SCRATCH, { recursive: true });
  fs.rmSync(SWEEP_HOME, { recursive: true, force: true });
  const started = Date.now();
  const facts = machine();
  log(`machine: ${facts.nproc} x ${facts.cpuModel}, load ${facts.loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);
  const handler = await handlerBenchmark();
  const sweepRuns = await sweep();
  const dataRuns = await dataBenchmark();
  const results: Results = {
    quick: QUICK,
    command: `${QUICK ? 'BENCH_QUICK=1 ' : ''}${process.env.BENCH_SOURCE === 'HEAD' ? 'BENCH_SOURCE=HEAD ' : ''}bash scripts/bench.sh`,
    machine: { ...facts, loadAtEnd: os.loadavg() },
    durationS: (Date.now() - started) / 1000,
    settings: { ns: NS, sweepReps: SWEEP_REPS, dataReps: DATA_REPS, coldStarts: COLD_STARTS, dataBytes: DATA_BYTES, pairsPerStack: PAIRS_PER_STACK },
    sweep: sweepRuns,
    data: dataRuns,
    handler,
  };
  const target = QUICK ? OUT : path.join(ROOT, 'bench');
  // keeps the unpacker's figures, which this run does not measure
  const previousFile = path.join(ROOT, 'bench', 'results.json');
  const unpacker = fs.existsSync(previousFile) ? JSON.parse(fs.readFileSync(previousFile, 'utf8')).unpacker : undefined;
  const recorded = unpacker ? { ...results, unpacker } : results;
  fs.writeFileSync(path.join(target, 'results.json'), JSON.stringify(recorded, null, 1) + '\n');
  writeReport(recorded, target);
  fs.rmSync(SCRATCH, { recursive: true, force: true });
  fs.rmSync(SWEEP_HOME, { recursive: true, force: true });
  log(`done in ${results.durationS.toFixed(0)} s: ${path.relative(ROOT, path.join(target, 'RESULTS.md'))}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
