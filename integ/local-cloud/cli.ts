/**
 * Deploys the stacks of a synthesized cloud assembly into a local moto cloud, prints what
 * SageMaker reports, and deletes them again.
 *
 *   npx ts-node integ/local-cloud/cli.ts <cdk.out> [--stack NAME]... [--keep-running]
 */
import { LocalCloud } from './local-cloud';
import { describeReadBack } from './readback';

async function main(argv: string[]): Promise<number> {
  const dir = argv.find((a) => !a.startsWith('--'));
  if (!dir) {
    process.stderr.write('usage: cli.ts <cloud assembly dir> [--stack NAME]...\n');
    return 2;
  }
  const only = argv.flatMap((a, i) => (a === '--stack' ? [argv[i + 1]] : []));
  const t0 = Date.now();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const cloud = await LocalCloud.start({ log: (l) => say(`  [${((Date.now() - t0) / 1000).toFixed(1)}s] ${l}`) });
  let failures = 0;
  try {
    say(`local AWS API: moto server at ${cloud.endpoint} (account ${cloud.account}, ${cloud.region}), started in ${cloud.startMs} ms`);
    const stacks = cloud.stacksOf(dir).filter((s) => only.length === 0 || only.includes(s.stackName) || only.includes(s.artifactId));
    if (stacks.length === 0) throw new Error(`no stacks to deploy in ${dir}`);
    for (const stack of stacks) {
      say('');
      say(`== ${stack.stackName}: deploying ${stack.templateFile}`);
      try {
        const result = await cloud.deploy(stack);
        say(`stack ${result.stackName}: ${result.status} after ${result.phases} phase(s) (moto reports ${result.motoStatus})`);
        for (const [from, to] of Object.entries(result.substitutedInstanceTypes)) {
          say(`moto refused ${from} (its instance type list is old): deployed with ${to} instead`);
        }
        for (const img of result.imagesNotPushed) say(`image not built or pushed (no Docker engine): ${img}`);
        if (result.unsupported.length) say(`not modelled by moto (no resource created): ${result.unsupported.join(', ')}`);
        for (const r of result.customResources) {
          say(`custom resource ${r.logicalId} (${r.resourceType}): ${r.status} by ${r.functionName}${r.providerFramework ? ' via the Provider framework' : ''} in ${r.durationMs} ms`);
        }
        for (const w of result.waitConditions) {
          say(`wait condition ${w.logicalId}: signalled by ${w.functionName} (rule ${w.ruleName} matched ${w.event['detail-type']} ${w.event.detail.TrainingJobStatus})`);
        }
        say('');
        say('SageMaker reports:');
        for (const line of describeReadBack(result.readBack)) say(`  ${line}`);
        for (const [k, v] of Object.entries(result.outputs)) say(`output ${k} = ${v}`);
        say('');
        const destroyed = await cloud.destroy(result);
        say(`deleted ${result.stackName}: stack ${destroyed.stackGone ? 'gone' : 'STILL PRESENT'}, ${destroyed.remaining.length ? `left: ${destroyed.remaining.join(', ')}` : 'no SageMaker resources left'} (${destroyed.durationMs} ms)`);
        say(`timings: assets ${result.timings.assetsMs} ms, create ${result.timings.createMs} ms, read-back ${result.timings.readBackMs} ms, total ${result.timings.totalMs} ms`);
        if (!destroyed.stackGone || destroyed.remaining.length) failures++;
      } catch (e) {
        failures++;
        say(`FAILED: ${(e as Error).message}`);
      }
    }
  } finally {
    await cloud.stop();
  }
  say('');
  say(`local-cloud: ${cloud.deployCount} stack(s) deployed, ${failures} failure(s), ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return failures ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
