/**
 * The local-mode command, `cdk-sagemaker-containers local train|serve`, on an integ app's synthesized
 * cloud assembly (integ.train-and-deploy-gpu: a GPU training job on a rendered PyTorch DLC image with a
 * local data channel, and a GPU endpoint serving inference.py with the inference toolkit). The
 * toolkits come from the test venvs (--toolkit-python), so nothing is installed from the package index.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { EntryPoint, InstanceType, SageMakerImage, TrainingInput, TrainingJob } from '../../src';
import { main } from '../../src/local/cli';
import { describeWithVenv, SERVING_VENV, TOOLKIT_VENV } from '../contract/harness';

const ASSEMBLY = path.resolve(__dirname, '..', '..', 'integ', 'integ.train-and-deploy-gpu.ts.snapshot');
const TRAINING_PYTHON = path.join(TOOLKIT_VENV, 'bin', 'python');
const SERVING_PYTHON = path.join(SERVING_VENV, 'bin', 'python');
const hasGpu = !!process.env.CUDA_VISIBLE_DEVICES || fs.existsSync('/dev/nvidia0');

async function command(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-command-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

describeWithVenv('cdk-sagemaker-containers local train and serve on an integ app', TOOLKIT_VENV, 'sagemaker_training', () => {
  let train: { code: number; out: string; err: string };
  beforeAll(async () => {
    train = await command('local', 'train', ASSEMBLY, 'TrainAndDeployGpu/Train', '--toolkit-python', TRAINING_PYTHON, '--out', outDir);
  }, 120_000);

  test('trains the job with the toolkit, the job\'s hyperparameters and its local data channel, and packs model.tar.gz', () => {
    // THEN the run completed and reported its progress
    expect({ code: train.code, err: train.err }).toEqual({ code: 0, err: '' });
    expect(train.out).toMatch(/local-train: channel train: 1 file\(s\), \d+ bytes from the local asset/);
    expect(train.out).toMatch(/Invoking script with the following command:/);
    expect(train.out).toMatch(/local-train: packing: 1 file\(s\) of \/opt\/ml\/model/);
    const summary = /training job (\S+): Completed in [\d.]+ s\nmodel\.tar\.gz: (\d+) bytes at (\S+) \(model\.json\)/.exec(train.out);
    expect(summary).not.toBeNull();
    // AND the archive holds what train.py wrote: the hyperparameter and the channel's file
    const extracted = fs.mkdtempSync(path.join(outDir, 'x-'));
    execFileSync('tar', ['-xzf', summary![3], '-C', extracted]);
    expect(JSON.parse(fs.readFileSync(path.join(extracted, 'model.json'), 'utf8'))).toEqual({ epochs: 10, files: ['part-0000.csv'] });
    expect(train.out).toMatch(/in SageMaker it would be s3:\/\/<\w+ bucket>\/[^ ]*\/output\/model\.tar\.gz/);
  });

  (hasGpu ? test.skip : test)('runs a GPU instance type on the CPU with a warning when the machine has no GPU', () => {
    expect(train.out).toMatch(/WARNING: ml\.g5\.2xlarge has GPUs, this machine none: training runs on the CPU \(SM_NUM_GPUS=0\)/);
    expect(train.out).toMatch(/Number of GPUs: 0|"num_gpus": 0/);
  });

  describeWithVenv('and the endpoint', SERVING_VENV, 'sagemaker_inference', () => {
    test('serves the trained model with the inference toolkit and inference.py', async () => {
      // WHEN the endpoint is served with the model local train left, and called once
      const served = await command('local', 'serve', ASSEMBLY, 'TrainAndDeployGpu/Endpoint', '--toolkit-python', SERVING_PYTHON,
        '--out', outDir, '--invoke', '{"x": 1}', '--content-type', 'application/json');

      // THEN inference.py's predict_fn answered with the model train.py wrote
      expect({ code: served.code, err: served.err }).toEqual({ code: 0, err: '' });
      expect(served.out).toMatch(/serving TrainAndDeployGpu\/Endpoint \(model \w+\) with sagemaker-inference \(SAGEMAKER_PROGRAM=inference\.py\) at http:\/\/127\.0\.0\.1:\d+/);
      const answer = /invocation: 200 (.*)/.exec(served.out);
      expect(JSON.parse(answer![1])).toEqual({ model: { epochs: 10, files: ['part-0000.csv'] }, input: { x: 1 } });
    }, 120_000);
  });
});

describe('cdk-sagemaker-containers local', () => {
  test('fails with the jobs the assembly has when the named job does not exist', async () => {
    const r = await command('local', 'train', ASSEMBLY, 'Nope', '--out', outDir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no training job 'Nope' in the assembly; it has: TrainAndDeployGpu\/Train \(Train\w+\)/);
  });

  test('fails serving a job\'s model before the job was trained locally, saying what to run', async () => {
    const empty = fs.mkdtempSync(path.join(outDir, 'empty-'));
    const r = await command('local', 'serve', ASSEMBLY, 'TrainAndDeployGpu/Endpoint', '--out', empty);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/does not exist: run 'cdk-sagemaker-containers local train .* Train\w+' first, or pass --model FILE/);
  });

  test('fails with the usage on an unknown command or option', async () => {
    expect((await command('local', 'deploy', ASSEMBLY, 'Train')).code).toBe(2);
    const r = await command('local', 'train', ASSEMBLY, 'Train', '--bogus', '1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option --bogus[\s\S]*usage:/);
  });

  /** Synthesizes a job whose image directory holds its own Dockerfile. */
  function ownDockerfileApp(): string {
    const code = fs.mkdtempSync(path.join(outDir, 'own-'));
    fs.writeFileSync(path.join(code, 'Dockerfile'), 'FROM python:3.11\nCOPY train.py /opt/ml/code/train.py\n');
    fs.writeFileSync(path.join(code, 'train.py'), 'print("hi")\n');
    const app = new App({ outdir: fs.mkdtempSync(path.join(outDir, 'cdkout-')) });
    const stack = new Stack(app, 'Own');
    new TrainingJob(stack, 'Train', {
      image: SageMakerImage.fromDirectory(code, { entryPoint: EntryPoint.program('train.py') }),
      instanceType: InstanceType.ML_M5_LARGE,
      inputs: [TrainingInput.fromAsset('train', path.join(__dirname, '..', '..', 'examples', 'train-and-deploy', 'data'))],
    });
    return app.synth().directory;
  }

  (fs.existsSync('/usr/bin/docker') ? test.skip : test)('fails an image built from the user\'s own Dockerfile without Docker, saying what local mode runs', async () => {
    // GIVEN
    const dir = ownDockerfileApp();

    // WHEN / THEN
    const r = await command('local', 'train', dir, 'Own/Train', '--out', outDir, '--toolkit-python', TRAINING_PYTHON);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/runs an image built from your own Dockerfile \(.*Dockerfile\), and there is no Docker engine here to build it\. Without Docker, local mode runs the images the library renders/);
  });

  test('builds and runs an image from the user\'s own Dockerfile with Docker when Docker is there', async () => {
    // GIVEN a docker command that records what it is asked and plays the container: its train writes
    // the environment it got and the channel files it sees under the mounted /opt/ml
    const bin = fs.mkdtempSync(path.join(outDir, 'fake-docker-'));
    const record = path.join(bin, 'calls.jsonl');
    fs.writeFileSync(path.join(bin, 'docker'), `#!${TRAINING_PYTHON}
import json, os, sys
args = sys.argv[1:]
open(${JSON.stringify(record)}, "a").write(json.dumps(args) + "\\n")
if args[0] == "info": print("27.0"); sys.exit(0)
if args[0] == "build": print("Successfully built"); sys.exit(0)
mounts = {args[i + 1].split(":")[1]: args[i + 1].split(":")[0] for i, a in enumerate(args) if a == "-v"}
env = dict(args[i + 1].split("=", 1) for i, a in enumerate(args) if a == "-e")
seen = sorted(os.listdir(os.path.join(mounts["/opt/ml/input"], "data", "train")))
json.dump({"env": env, "train": seen, "image": args[-2], "cmd": args[-1]}, open(os.path.join(mounts["/opt/ml/model"], "model.json"), "w"))
`, { mode: 0o755 });
    const dir = ownDockerfileApp();
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath}`;
    let r: { code: number; out: string; err: string };
    try {
      // WHEN
      r = await command('local', 'train', dir, 'Own/Train', '--out', outDir, '--toolkit-python', TRAINING_PYTHON);
    } finally {
      process.env.PATH = savedPath;
    }

    // THEN the image was built from the staged context and run with train, the job's environment and the channel
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    const calls = fs.readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const build = calls.find((c) => c[0] === 'build');
    expect(build.slice(0, 3)).toEqual(['build', '-t', expect.stringMatching(/^cdk-sagemaker-local:[0-9a-f]{32}$/)]);
    const archive = /model\.tar\.gz: \d+ bytes at (\S+)/.exec(r.out)![1];
    const extracted = fs.mkdtempSync(path.join(outDir, 'x-'));
    execFileSync('tar', ['-xzf', archive, '-C', extracted]);
    const model = JSON.parse(fs.readFileSync(path.join(extracted, 'model.json'), 'utf8'));
    expect(model).toEqual({
      env: expect.objectContaining({ SAGEMAKER_PROGRAM: 'train.py', TRAINING_JOB_NAME: expect.stringMatching(/^train-/), AWS_REGION: 'us-east-1' }),
      train: ['train.csv'],
      image: build[2],
      cmd: 'train',
    });
  });
});
