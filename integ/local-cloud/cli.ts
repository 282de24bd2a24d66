/**
 * Deploys the stacks of a synthesized cloud assembly into a local moto cloud, prints what
 * SageMaker reports, and deletes them again.
 *
 *   npx ts-node integ/local-cloud/cli.ts <cdk.out> [--stack NAME]... [--local-mode [--sample BODY [--content-type T]]]
 *
 * --local-mode runs the training jobs for real and serves the endpoints locally (local-mode.ts);
 * --sample sends BODY to every served endpoint with InvokeEndpoint through the local API.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { LocalCloud } from './local-cloud';
import { describeReadBack } from './readback';

async function main(argv: string[]): Promise<number> {
  const dir = argv.find((a, i) => !a.startsWith('--') && !['--stack', '--sample', '--content-type'].includes(argv[i - 1]));
  if (!dir) {
    process.stderr.write('usage: cli.ts <cloud assembly dir> [--stack NAME]...\n');
    return 2;
  }
  const only = argv.flatMap((a, i) => (a === '--stack' ? [argv[i + 1]] : []));
  const valueOf = (flag: string) => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]] : [])).pop();
  const localMode = argv.includes('--local-mode');
  const sample = valueOf('--sample');
  const contentType = valueOf('--content-type') ?? 'text/csv';
  const t0 = Date.now();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const cloud = await LocalCloud.start({ log: (l) => say(`  [${((Date.now() - t0) / 1000).toFixed(1)}s] ${l}`), localMode });
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
        for (const run of result.localTraining) {
          // the artifact as the local S3 holds it
          const uri = new URL(run.artifactS3Uri);
          const head = await cloud.s3.send(new HeadObjectCommand({ Bucket: uri.host, Key: uri.pathname.slice(1) }));
          say(`trained: ${run.jobName} in ${run.seconds} s, model.tar.gz ${head.ContentLength} bytes at ${run.artifactS3Uri}`);
        }
        for (const ep of result.localEndpoints) {
          say(`endpoint ${ep.endpointName}: served locally by ${ep.toolkit}`);
          if (sample === undefined) continue;
          // InvokeEndpoint's wire request (POST /endpoints/<name>/invocations) to the local API
          const res = await fetch(`${cloud.proxy.url}/endpoints/${encodeURIComponent(ep.endpointName)}/invocations`, {
            method: 'POST', body: sample, headers: { 'content-type': contentType, 'accept': 'application/json' },
          });
          const answer = await res.text();
          say(`sample: ${JSON.stringify(sample)} (${contentType}) -> InvokeEndpoint ${ep.endpointName}: HTTP ${res.status}`);
          say(`prediction: ${answer}`);
          if (!res.ok) failures++;
        }
        if (result.localTraining.length || result.localEndpoints.length) say('');
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
