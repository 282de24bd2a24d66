/**
 * One benchmark synth, run in a fresh node process by the runner:
 *   node synth-app.js <variant> <n> <outdir>
 * Prints one JSON line: the process's CPU time and peak RSS (getrusage of the whole process, node's own start
 * included), the phases (module load, construction, synth) and what the assembly holds.
 */
import { performance } from 'perf_hooks';
/* eslint-disable import/order */
import { App, Stack } from 'aws-cdk-lib';
import { VARIANTS } from './variants';
import { ENV, PAIRS_PER_STACK } from './common';
import { assemblyFacts } from './assembly-facts';
/* eslint-enable import/order */

function main(): void {
  const [variantName, nArg, outdir] = process.argv.slice(2);
  const variant = VARIANTS[variantName];
  const n = Number(nArg);
  if (!variant || !Number.isInteger(n) || n < 1 || !outdir) {
    throw new Error(`usage: synth-app <${Object.keys(VARIANTS).join('|')}> <n >= 1> <outdir>`);
  }
  const loaded = performance.now();

  const app = new App({ outdir, context: variant.context });
  if (variant.kind === 'pairs') {
    let stack: Stack | undefined;
    for (let i = 0; i < n; i++) {
      if (i % PAIRS_PER_STACK === 0) {
        stack = new Stack(app, `Bench${Math.floor(i / PAIRS_PER_STACK)}`, { env: ENV });
        variant.setupStack?.(stack);
      }
      variant.addPair!(stack!, i);
    }
  } else {
    variant.build!(app, n);
  }
  const constructed = performance.now();
  app.synth();
  const synthesized = performance.now();

  const usage = process.resourceUsage();
  process.stdout.write(JSON.stringify({
    variant: variantName,
    n,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    userMs: usage.userCPUTime / 1000,
    systemMs: usage.systemCPUTime / 1000,
    maxRssMiB: usage.maxRSS / 1024,
    phasesMs: {
      // imports are hoisted: node's start and the eager module loads come before the first statement
      startAndLoad: loaded,
      construct: constructed - loaded,
      synth: synthesized - constructed,
    },
    assembly: assemblyFacts(outdir),
  }) + '\n');
}

main();
