/**
 * Turns the runner's measurements into bench/RESULTS.md and the chart's series.
 */
import { AssemblyFacts } from './apps/assembly-facts';
import { Panel } from './chart';
import { JobLifecycleCounts } from './handler/simulate-job';

/** One synth, as the runner measured it. */
export interface Measured {
  /** Wall time of the whole child process, measured by the runner. */
  readonly wallMs: number;
  /** User + system CPU time of the child process (getrusage). */
  readonly cpuMs: number;
  /** Peak resident set size of the child process. */
  readonly maxRssMiB: number;
  readonly phasesMs: { startAndLoad: number; construct: number; synth: number };
  readonly assembly: AssemblyFacts;
}

/** Everything one run measured. */
export interface Results {
  readonly quick: boolean;
  readonly command: string;
  readonly machine: {
    date: string;
    library: string;
    nproc: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    os: string;
    awsCdkLib: string;
    alpha: string;
    loadAtStart: number[];
    loadAtEnd: number[];
  };
  readonly durationS: number;
  readonly settings: { ns: number[]; sweepReps: number; dataReps: number; coldStarts: number; dataBytes: number; pairsPerStack: number };
  readonly sweep: { [variant: string]: { [n: string]: Measured[] } };
  readonly data: { [label: string]: Measured[] };
  readonly handler: {
    bundles: Array<{ name: string; bytes: number; gzipBytes: number }>;
    coldStarts: Array<{ [key: string]: number }>;
    sdkOnly: Array<{ [key: string]: number }>;
    lifecycles: JobLifecycleCounts[];
  };
}

/** The issue's figures for the alpha module (hosting only, N = 100), measured on this machine before. */
const ISSUE_ALPHA_CPU_RATIO = 1.26;
const TARGET_OVERHEAD = 1.10;
const TARGET_COLD_START_MS = 300;
const TARGET_DATA_SECONDS = 1;

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Least-squares line through the points, with R². */
export function linearFit(points: Array<[number, number]>): { slope: number; intercept: number; r2: number } {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const syy = points.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

const s2 = (ms: number) => (ms / 1000).toFixed(2);
const x2 = (r: number) => `${r.toFixed(2)}x`;
const mib = (bytes: number) => `${(Math.abs(bytes) < 0.05 * 2 ** 20 ? 0 : bytes / 2 ** 20).toFixed(1)} MiB`;
const signed = (text: string) => (text.startsWith('-') ? text : `+${text}`);
const yes = (ok: boolean) => (ok ? '**met**' : '**missed**');

const LABELS: { [variant: string]: string } = {
  'pairs-ours': 'ours (train + endpoint)',
  'pairs-l1': 'raw L1 (train + endpoint)',
  'hosting-ours': 'ours (hosting only)',
  'hosting-l1': 'raw L1 (hosting only)',
  'hosting-alpha': 'alpha module (hosting only)',
};

/** The markdown of bench/RESULTS.md (without the notes) and the chart. */
export function renderResults(r: Results): { markdown: string; chart: { title: string; subtitle: string; yLabel: string; panels: Panel[] } } {
  const ns = r.settings.ns;
  const variants = Object.keys(LABELS).filter((v) => r.sweep[v]);
  const med = (v: string, n: number, f: (m: Measured) => number) => median(r.sweep[v][String(n)].map(f));
  const wall = (v: string, n: number) => med(v, n, (m) => m.wallMs);
  const cpu = (v: string, n: number) => med(v, n, (m) => m.cpuMs);
  const nMax = ns[ns.length - 1];
  const lines: string[] = [];
  const out = (...l: string[]) => lines.push(...l);

  out('# Benchmarks', '');
  out('What the library costs at synth time, for data beside the code, and at deploy time (issue 8). This file is '
    + `written by the benchmark runner; the command below reproduces every figure.${r.quick ? ' **QUICK TRIAL RUN: not the full benchmark.**' : ''}`, '');
  out('```', r.command, '```', '');
  out('## Machine', '');
  out('| | |', '| --- | --- |');
  out(`| date | ${r.machine.date} |`);
  out(`| CPUs (nproc) | ${r.machine.nproc} x ${r.machine.cpuModel} |`);
  out(`| memory | ${r.machine.memoryGiB.toFixed(1)} GiB |`);
  out(`| OS | ${r.machine.os} |`);
  out(`| node | ${r.machine.node} |`);
  out(`| library measured | ${r.machine.library} |`);
  out(`| aws-cdk-lib / alpha module | ${r.machine.awsCdkLib} / @aws-cdk/aws-sagemaker-alpha ${r.machine.alpha} |`);
  out(`| load average (1, 5, 15 min) at start / end | ${r.machine.loadAtStart.map((l) => l.toFixed(2)).join(', ')} / ${r.machine.loadAtEnd.map((l) => l.toFixed(2)).join(', ')} |`);
  out(`| run time of the whole benchmark | ${(r.durationS / 60).toFixed(1)} min |`, '');

  // ---- targets first: the summary
  const pairsCpu = cpu('pairs-ours', nMax) / cpu('pairs-l1', nMax);
  const pairsWall = wall('pairs-ours', nMax) / wall('pairs-l1', nMax);
  const hostCpu = cpu('hosting-ours', nMax) / cpu('hosting-l1', nMax);
  const hostWall = wall('hosting-ours', nMax) / wall('hosting-l1', nMax);
  const alphaCpu = cpu('hosting-alpha', nMax) / cpu('hosting-l1', nMax);
  const alphaWall = wall('hosting-alpha', nMax) / wall('hosting-l1', nMax);
  const growth = Object.fromEntries(variants.map((v) => {
    const points = ns.map((n) => [n, cpu(v, n)] as [number, number]);
    const fit = linearFit(points);
    const marginal = (a: number, b: number) => (cpu(v, b) - cpu(v, a)) / (b - a);
    const early = ns.length >= 3 ? marginal(ns[1], ns[2]) : NaN;
    const late = ns.length >= 4 ? marginal(ns[2], ns[3]) : NaN;
    return [v, { ...fit, early, late }];
  }));
  // Linear means no super-linear term: an added pair costs no more at large N than at small N. (R² is reported
  // too, but it also drops for a curve that bends the other way, as V8 warms up at larger N.)
  const linear = (v: string) => Number.isNaN(growth[v].late) || growth[v].late <= 1.25 * growth[v].early;

  const data = r.data;
  const dmed = (label: string, f: (m: Measured) => number) => (data[label] ? median(data[label].map(f)) : NaN);
  const kindBytes = (m: Measured, kind: string) => Object.entries(m.assembly.assetBytes)
    .filter(([name]) => m.assembly.assetKinds[name] === kind).reduce((s, [, b]) => s + b, 0);
  const oursWith = 'ours, with data';
  const oursWithout = 'ours, without data';
  const alphaWith = 'alpha fromAsset, with data';
  const alphaWithout = 'alpha fromAsset, without data';
  const noStaging = 'ours, with data, asset staging disabled';
  const REGIMES = ['repeat synth', 'first synth'];
  const at = (label: string, regime: string) => `${label} (${regime})`;
  /** What the data adds to a case (with minus without): seconds of wall time, bytes staged into cdk.out, bytes in the image context. */
  const dataCost = (withLabel: string, withoutLabel: string, regime: string) => ({
    seconds: (dmed(at(withLabel, regime), (m) => m.wallMs) - dmed(at(withoutLabel, regime), (m) => m.wallMs)) / 1000,
    // the image context and the channel asset (the handler bundles are the same with and without data)
    bytes: dmed(at(withLabel, regime), (m) => kindBytes(m, 'image') + kindBytes(m, 'data'))
      - dmed(at(withoutLabel, regime), (m) => kindBytes(m, 'image') + kindBytes(m, 'data')),
    imageBytes: dmed(at(withLabel, regime), (m) => kindBytes(m, 'image')) - dmed(at(withoutLabel, regime), (m) => kindBytes(m, 'image')),
  });
  const hasData = data[at(oursWith, 'repeat synth')] !== undefined;

  const cold = r.handler.coldStarts;
  const coldFirst = median(cold.map((c) => c.requireAndFirstInvocationMs));
  const coldRequire = median(cold.map((c) => c.requireMs));
  const tenHours = r.handler.lifecycles.filter((l) => l.jobHours === 10);

  out('## Targets', '');
  out(`Ratios are ours (or the alpha module) over raw L1 at N = ${nMax}, medians; CPU time is the primary figure (the wall time `
    + 'of a 2-core machine shared with other work moves with the load).', '');
  out('| target (issue 8) | measured | |', '| --- | --- | --- |');
  out(`| synth overhead at most ${TARGET_OVERHEAD.toFixed(2)}x raw L1 at N = ${nMax}: train + endpoint | CPU ${x2(pairsCpu)}, wall ${x2(pairsWall)} | ${yes(pairsCpu <= TARGET_OVERHEAD)} |`);
  out(`| synth overhead at most ${TARGET_OVERHEAD.toFixed(2)}x raw L1 at N = ${nMax}: hosting only | CPU ${x2(hostCpu)}, wall ${x2(hostWall)} | ${yes(hostCpu <= TARGET_OVERHEAD)} |`);
  out(`| below the alpha module's ratio, hosting only: as measured in this run (${x2(alphaCpu)} CPU, ${x2(alphaWall)} wall) | ours ${x2(hostCpu)} CPU, ${x2(hostWall)} wall | ${yes(hostCpu < alphaCpu)} |`);
  out(`| below the alpha module's ratio, hosting only: as the issue measured it (${ISSUE_ALPHA_CPU_RATIO}x CPU) | ours ${x2(hostCpu)} CPU | ${yes(hostCpu < ISSUE_ALPHA_CPU_RATIO)} |`);
  out(`| linear growth: no super-linear term (the CPU cost of a pair added between N = ${ns[2]} and ${ns[3]} at most 1.25x that between ${ns[1]} and ${ns[2]}) | `
    + `${variants.filter((v) => v.endsWith('ours')).map((v) => `${LABELS[v]}: ${growth[v].early.toFixed(0)} then ${growth[v].late.toFixed(0)} ms per pair (straight-line fit R² ${growth[v].r2.toFixed(3)})`).join('; ')} | `
    + `${yes(variants.filter((v) => v.endsWith('ours')).every(linear))} |`);
  if (hasData) {
    const image = REGIMES.map((regime) => dataCost(oursWith, oursWithout, regime).imageBytes);
    out(`| data the image does not need: zero bytes copied into the image | ${REGIMES.map((regime, i) => `${regime}: ${signed(mib(image[i]))}`).join('; ')} `
      + `in the image build context with the data than without | ${yes(image.every((b) => b <= 0))} |`);
    const costs = REGIMES.map((regime) => ({ regime, ours: dataCost(oursWith, oursWithout, regime), off: dataCost(noStaging, oursWithout, regime) }));
    out(`| data the image does not need: under ${TARGET_DATA_SECONDS} s | with the data declared as a \`fromAsset\` channel: `
      + `${costs.map((c) => `${c.regime} ${signed(c.ours.seconds.toFixed(2))} s, ${signed(mib(c.ours.bytes))} in cdk.out`).join('; ')} (the channel's upload is staged and, on a first synth, hashed). `
      + `With asset staging disabled: ${costs.map((c) => `${c.regime} ${signed(c.off.seconds.toFixed(2))} s, ${signed(mib(c.off.bytes))}`).join('; ')} `
      + `| ${yes(costs.every((c) => c.ours.seconds < TARGET_DATA_SECONDS))} |`);
  }
  out(`| handler cold start under ${TARGET_COLD_START_MS} ms | ${coldRequire.toFixed(0)} ms to load the bundle; ${coldFirst.toFixed(0)} ms to load it and finish the first invocation (client built, CreateTrainingJob, answer PUT) | ${yes(coldFirst < TARGET_COLD_START_MS)} |`);
  out(`| (no target) a 10-hour job | ${tenHours.map((l) => `${Object.values(l.apiCallsToCompletion).reduce((a, b) => a + b, 0)} SageMaker call(s), ${Object.values(l.invocationsToCompletion).reduce((a, b) => a + b, 0)} Lambda invocations (${l.driver})`).join('; ')} | |`, '');

  // ---- 1. synth
  out('## 1. Synth time and memory against N', '');
  out(`Each figure is the median of ${r.settings.sweepReps} synths, each in a fresh \`node\` process (node's start, module loading, `
    + `construction and \`app.synth()\`), the variants taking turns; one warm-up synth of each is not counted. Apps of N > ${r.settings.pairsPerStack} `
    + `are split into stacks of ${r.settings.pairsPerStack} pairs (CloudFormation's 500-resource limit), the same for every variant. Images are prebuilt ECR `
    + 'images (no Docker build context), so the figures are the constructs\' cost. The raw-L1 apps declare the same resources, roles, '
    + 'policies, buckets and the same custom resource (served by the same handler bundles) as ours; resource counts below.', '');
  out('![synth CPU time against N](synth-time.png)', '', 'The chart plots CPU time, the figure the targets are judged on; the wall times are in the first table.', '');
  const table = (title: string, f: (v: string, n: number) => string) => {
    out(`**${title}**`, '');
    out(`| variant | ${ns.map((n) => `N = ${n}`).join(' | ')} |`, `| --- | ${ns.map(() => '---:').join(' | ')} |`);
    for (const v of variants) out(`| ${LABELS[v]} | ${ns.map((n) => f(v, n)).join(' | ')} |`);
    out('');
  };
  const range = (v: string, n: number, f: (m: Measured) => number) => {
    const values = r.sweep[v][String(n)].map(f);
    return `${s2(median(values))} (${s2(Math.min(...values))}-${s2(Math.max(...values))})`;
  };
  table('Wall time, s: median (min-max)', (v, n) => range(v, n, (m) => m.wallMs));
  table('CPU time (user + system), s: median (min-max)', (v, n) => range(v, n, (m) => m.cpuMs));
  table('Peak RSS, MiB: median', (v, n) => med(v, n, (m) => m.maxRssMiB).toFixed(0));
  table('Resources in the templates / stacks', (v, n) => `${r.sweep[v][String(n)][0].assembly.resources} / ${r.sweep[v][String(n)][0].assembly.stacks}`);

  out('**Ratios** (median over median)', '');
  out(`| ratio | ${ns.map((n) => `N = ${n}`).join(' | ')} |`, `| --- | ${ns.map(() => '---:').join(' | ')} |`);
  const ratioRow = (label: string, a: string, b: string) => {
    if (!r.sweep[a] || !r.sweep[b]) return;
    out(`| ${label}, CPU | ${ns.map((n) => x2(cpu(a, n) / cpu(b, n))).join(' | ')} |`);
    out(`| ${label}, wall | ${ns.map((n) => x2(wall(a, n) / wall(b, n))).join(' | ')} |`);
    out(`| ${label}, peak RSS | ${ns.map((n) => x2(med(a, n, (m) => m.maxRssMiB) / med(b, n, (m) => m.maxRssMiB))).join(' | ')} |`);
  };
  ratioRow('ours / raw L1, train + endpoint', 'pairs-ours', 'pairs-l1');
  ratioRow('ours / raw L1, hosting only', 'hosting-ours', 'hosting-l1');
  ratioRow('alpha / raw L1, hosting only', 'hosting-alpha', 'hosting-l1');
  ratioRow('ours / alpha, hosting only', 'hosting-ours', 'hosting-alpha');
  out('');

  out('**Growth with N** (CPU medians; a least-squares line through all N, and the cost of each added pair between neighbouring N)', '');
  out('| variant | per pair (slope) | fixed (intercept) | R² | per pair, N = ' + `${ns[1]}->${ns[2]} | per pair, N = ${ns[2]}->${ns[3]} |`, '| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const v of variants) {
    const g = growth[v];
    out(`| ${LABELS[v]} | ${g.slope.toFixed(1)} ms | ${s2(g.intercept)} s | ${g.r2.toFixed(4)} | ${Number.isNaN(g.early) ? '-' : `${g.early.toFixed(1)} ms`} | ${Number.isNaN(g.late) ? '-' : `${g.late.toFixed(1)} ms`} |`);
  }
  out('');
  out(`**Where the time goes at N = ${nMax}** (wall, medians; node's start and the eagerly imported modules, then construction, which also loads `
    + 'the aws-cdk-lib submodules on first use, then `app.synth()`)', '');
  out('| variant | start + load | construct | synth |', '| --- | ---: | ---: | ---: |');
  for (const v of variants) {
    out(`| ${LABELS[v]} | ${s2(med(v, nMax, (m) => m.phasesMs.startAndLoad))} s | ${s2(med(v, nMax, (m) => m.phasesMs.construct))} s | ${s2(med(v, nMax, (m) => m.phasesMs.synth))} s |`);
  }
  out('');

  // ---- 2. data
  out('## 2. A code directory that also holds the training data', '');
  if (!hasData) {
    out('Not run (quick trial).', '');
  } else {
    out(`The directory holds a Dockerfile, \`train.py\` and \`data/\`: ${r.settings.dataBytes / 2 ** 20} MiB of random bytes in 8 files, written under `
      + 'bench/out/ for the run and deleted after it. Ours: `SageMakerImage.fromDirectory(dir)` as the training image of a `TrainingJob` whose '
      + '`train` channel is `TrainingInput.fromAsset(\'train\', dir/data)` (the library leaves a channel\'s directory out of the image). '
      + 'Alpha: `ContainerImage.fromAsset(dir)` as a `Model`\'s image (the alpha module has no training job, so no channel). '
      + 'The CDK keeps file fingerprints (by inode, modification time and size) in `~/.cdk/cache/fingerprints`: a **first synth** reads and '
      + 'hashes every byte (measured with an empty home directory each time), a **repeat synth** of unchanged files only stats them '
      + `(one home directory, warmed by an untimed synth of each case). Medians of ${r.settings.dataReps}, fresh processes, the cases taking turns; `
      + 'the data is in the page cache in both.', '');
    out('| case | wall | CPU | peak RSS | bytes in cdk.out | image build context | channel (data) asset |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const regime of REGIMES) {
      for (const base of [oursWith, noStaging, alphaWith, oursWithout, alphaWithout]) {
        const label = at(base, regime);
        if (!data[label]) continue;
        out(`| ${label} | ${s2(dmed(label, (m) => m.wallMs))} s | ${s2(dmed(label, (m) => m.cpuMs))} s | ${dmed(label, (m) => m.maxRssMiB).toFixed(0)} MiB | `
          + `${mib(dmed(label, (m) => m.assembly.totalBytes))} | ${mib(dmed(label, (m) => kindBytes(m, 'image')))} | ${mib(dmed(label, (m) => kindBytes(m, 'data')))} |`);
      }
    }
    out('', 'What the data costs (with minus without):', '');
    out('| | ours (fromAsset channel) | ours, asset staging disabled | alpha fromAsset |', '| --- | --- | --- | --- |');
    for (const regime of REGIMES) {
      const fmt = (c: { seconds: number; bytes: number; imageBytes: number }) =>
        `${signed(c.seconds.toFixed(2))} s, ${signed(mib(c.bytes))} (image: ${signed(mib(c.imageBytes))})`;
      out(`| ${regime} | ${fmt(dataCost(oursWith, oursWithout, regime))} | ${fmt(dataCost(noStaging, oursWithout, regime))} | ${fmt(dataCost(alphaWith, alphaWithout, regime))} |`);
    }
    out('', 'The issue measured the alpha module here at 3.6-5.0 s and 1.07 GB with the data, against 0.66 s without it.', '');
  }

  // ---- 3. handler
  out('## 3. The training handler', '');
  out(`**Bundles** as deployed (${r.machine.library.includes('BENCH_SOURCE=HEAD') ? 'built from the commit with the command line of projen\'s bundle tasks' : 'projen\'s `npx projen bundle`'})`, '');
  out('| bundle | bytes | gzip -9 |', '| --- | ---: | ---: |');
  for (const b of r.handler.bundles) out(`| ${b.name} | ${b.bytes.toLocaleString('en-US')} | ${b.gzipBytes.toLocaleString('en-US')} |`);
  out('');
  out(`**Cold start** of \`training-job.lambda\`: ${cold.length} fresh node processes. Each \`require\`s the bundle, then runs its \`handler\` `
    + 'on a Create event: the handler builds its SageMaker client (region and credentials from the environment), calls CreateTrainingJob '
    + 'and PUTs CloudFormation\'s answer, both to a local stand-in HTTP server (so the network costs next to nothing).', '');
  const coldRow = (label: string, key: string) => {
    const values = cold.map((c) => c[key]);
    out(`| ${label} | ${median(values).toFixed(0)} ms | ${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)} ms |`);
  };
  out('| phase | median | min-max |', '| --- | ---: | ---: |');
  coldRow('node start until the first statement', 'processStartToRequireMs');
  coldRow('`require` of the bundle', 'requireMs');
  coldRow('first invocation (client built, one API call, answer PUT)', 'firstInvocationMs');
  coldRow('`require` + first invocation', 'requireAndFirstInvocationMs');
  coldRow('CPU time of the whole process', 'cpuMs');
  coldRow('wall time of the whole process (runner\'s view)', 'wallMs');
  out('');
  const sdk = r.handler.sdkOnly;
  if (sdk.length) {
    const sdkRow = (label: string, key: string) => {
      const values = sdk.map((c) => c[key]);
      out(`| ${label} | ${median(values).toFixed(0)} ms | ${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)} ms |`);
    };
    out(`For comparison, what a bundle that left the SDK to the Lambda runtime would load (${sdk.length} fresh processes): `
      + '`@aws-sdk/client-sagemaker` from node_modules, and a client built from it.', '');
    out('| phase | median | min-max |', '| --- | ---: | ---: |');
    sdkRow('`require(\'@aws-sdk/client-sagemaker\')`', 'requireMs');
    sdkRow('`new SageMakerClient(...)`', 'clientMs');
    sdkRow('both', 'requireAndClientMs');
    out('');
  }
  out('**A simulated training job**: CloudFormation creates the job resource, SageMaker emits one state-change event per status change '
    + '(Starting, Downloading, Training, Uploading, Completed), EventBridge matches each against the job\'s rule (pattern and input '
    + 'transformer read from the synthesized template), the signal function signals the WaitCondition; later the stack is deleted.', '');
  out('| driver | job length | state changes | delivered to the signal function | SageMaker calls to completion | Lambda invocations to completion | WaitCondition signals | SageMaker calls on stack delete |',
    '| --- | ---: | ---: | ---: | --- | --- | ---: | --- |');
  const kv = (o: { [k: string]: number }) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  for (const l of r.handler.lifecycles) {
    out(`| ${l.driver} | ${l.jobHours} h | ${l.stateChangeEvents} | ${l.eventsDelivered} | ${kv(l.apiCallsToCompletion)} | ${kv(l.invocationsToCompletion)} | ${l.signals} | ${kv(l.apiCallsOnDelete)} |`);
  }
  out('', 'The counts do not depend on the job\'s length: nothing polls. For comparison (arithmetic, not measured), a handler that polled '
    + 'DescribeTrainingJob once a minute would make 600 calls over 10 hours, and could not wait that long inside one custom-resource '
    + 'answer (one hour at most).', '');

  const colors: { [v: string]: string } = {
    'pairs-ours': '#d62728', 'pairs-l1': '#1f77b4', 'hosting-ours': '#d62728', 'hosting-l1': '#1f77b4', 'hosting-alpha': '#2ca02c',
  };
  const series = (v: string) => ({ label: LABELS[v].replace(/ \(.*\)$/, ''), color: colors[v], dashed: v.endsWith('l1'), points: ns.map((n) => [n, cpu(v, n) / 1000] as [number, number]) });
  const chart = {
    title: 'cdk synth time against app size',
    subtitle: `median CPU time (user + system) of ${r.settings.sweepReps} synths in fresh node processes; ${r.machine.nproc} x ${r.machine.cpuModel}, node ${r.machine.node}; ${r.machine.date.slice(0, 10)}`,
    yLabel: 'synth CPU time (s)',
    panels: [
      { title: 'training job + endpoint pairs', series: ['pairs-ours', 'pairs-l1'].filter((v) => r.sweep[v]).map(series) },
      { title: 'endpoints only (hosting)', series: ['hosting-ours', 'hosting-l1', 'hosting-alpha'].filter((v) => r.sweep[v]).map(series) },
    ],
  };
  return { markdown: lines.join('\n'), chart };
}
