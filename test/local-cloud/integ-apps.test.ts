import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { localCloudAvailable, printDeploySummary, recordDeploy } from './local-cloud-support';
import { AssemblyStack } from '../../integ/local-cloud/cloud-assembly';
import { DeployResult, DestroyResult, LocalCloud } from '../../integ/local-cloud/local-cloud';

const integDir = path.resolve(__dirname, '..', '..', 'integ');

/**
 * The cloud assembly of an integ app: its committed snapshot (what integ-runner compares and
 * deploys), or, while an app has none yet, a fresh synth.
 */
function assemblyOf(app: string): string {
  const snapshot = path.join(integDir, `${app}.snapshot`);
  if (fs.existsSync(path.join(snapshot, 'manifest.json'))) return snapshot;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-local-cloud-'));
  execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(integDir, app)], {
    cwd: path.resolve(integDir, '..'),
    env: { ...process.env, CDK_OUTDIR: outdir, NODE_NO_WARNINGS: '1' },
    stdio: 'pipe',
  });
  return outdir;
}

/** The stacks an integ app tests (integ.json's test cases), without the assertion stacks. */
function stacksUnderTest(cloud: LocalCloud, dir: string): AssemblyStack[] {
  const stacks = cloud.stacksOf(dir);
  const integJson = path.join(dir, 'integ.json');
  if (!fs.existsSync(integJson)) return stacks.filter((s) => !/DeployAssert/.test(s.artifactId));
  const cases = Object.values<any>(JSON.parse(fs.readFileSync(integJson, 'utf8')).testCases ?? {});
  const wanted = new Set(cases.flatMap((c) => c.stacks ?? []));
  return stacks.filter((s) => wanted.has(s.artifactId) || wanted.has(s.stackName));
}

const apps = fs.readdirSync(integDir).filter((f) => /^integ\..+\.ts$/.test(f)).sort();

function literalEnvironment(model: any): Record<string, string> {
  const env = model.Properties?.PrimaryContainer?.Environment ?? model.Properties?.Containers?.[0]?.Environment ?? {};
  return Object.fromEntries(Object.entries<any>(env).filter(([, v]) => typeof v === 'string'));
}

const available = localCloudAvailable();
(available ? describe : describe.skip)('integ apps in the local cloud', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await LocalCloud.start();
  });
  afterAll(async () => {
    if (cloud) {
      printDeploySummary(__filename, cloud.deployCount, cloud.startMs);
      await cloud.stop();
    }
  });

  test('there are integ apps to deploy', () => {
    expect(apps.length).toBeGreaterThan(0);
  });

  test.each(apps)('%s deploys, reads back as synthesized, and deletes cleanly', async (app) => {
    // GIVEN
    const stacks = stacksUnderTest(cloud, assemblyOf(app));
    expect(stacks.length).toBeGreaterThan(0);

    for (const stack of stacks) {
      // WHEN
      const result: DeployResult = await cloud.deploy(stack);
      recordDeploy(__filename, `${app}:${result.stackName}`, result.timings.totalMs);
      const destroyed: DestroyResult = await cloud.destroy(result);

      // THEN
      // what moto cannot model (inference components) was left out and reported
      const resources = Object.entries<any>(stack.template.Resources ?? {}).filter(([id]) => !result.unsupported.includes(id));
      expect(result.status).toBe('CREATE_COMPLETE');
      const jobs = resources.filter(([, r]) => r.Type === 'Custom::SageMakerTrainingJob');
      expect(result.readBack.trainingJobs).toHaveLength(jobs.length);
      for (const job of result.readBack.trainingJobs) {
        expect(job.status).toBe('Completed');
        expect(job.modelArtifacts).toMatch(/^s3:\/\/.+\/output\/model\.tar\.gz$/);
        expect(Object.keys(job.environment)).toEqual(expect.arrayContaining([expect.stringMatching(/^SAGEMAKER_(PROGRAM|TRAINING_MODULE)$/)]));
      }
      const models = resources.filter(([, r]) => r.Type === 'AWS::SageMaker::Model');
      expect(result.readBack.models).toHaveLength(models.length);
      for (const [logicalId, model] of models) {
        const back = result.readBack.models.find((m) => m.logicalId === logicalId)!;
        expect(back.environment).toEqual(expect.objectContaining(literalEnvironment(model)));
        const wantsData = (model.Properties?.PrimaryContainer ?? model.Properties?.Containers?.[0])?.ModelDataUrl !== undefined;
        if (wantsData) expect(back.modelDataUrl).toMatch(/^s3:\/\/[^/]+\/.+/);
      }
      const endpoints = resources.filter(([, r]) => r.Type === 'AWS::SageMaker::Endpoint');
      expect(result.readBack.endpoints).toHaveLength(endpoints.length);
      for (const endpoint of result.readBack.endpoints) {
        expect(endpoint.status).toBe('InService');
        expect(endpoint.variants.length).toBeGreaterThan(0);
      }
      const configs = resources.filter(([, r]) => r.Type === 'AWS::SageMaker::EndpointConfig');
      const wantedTypes = configs.flatMap(([, c]) => (c.Properties.ProductionVariants ?? []).map((v: any) => v.InstanceType))
        .filter((t: any) => typeof t === 'string').map((t: string) => result.substitutedInstanceTypes[t] ?? t).sort();
      const gotTypes = result.readBack.endpoints.flatMap((e) => e.variants.map((v) => v.instanceType)).filter((t) => t).sort();
      expect(gotTypes).toEqual(wantedTypes);
      expect(destroyed.stackGone).toBe(true);
      expect(destroyed.remaining).toEqual([]);
    }
  });
});
