/**
 * Contract tests with the real SageMaker training toolkit (sagemaker-training): what a TrainingJob
 * synthesizes (the staged image build context and the job's request) must make the user code run.
 *
 * Each test builds a small app with the library, synthesizes it (no Docker: the image's build context
 * is staged into cdk.out), and hands the staged context plus the job's Environment, HyperParameters
 * and InputDataConfig to scripts/contract/run_training.py, which lays them out under
 * SAGEMAKER_BASE_DIR the way SageMaker lays out /opt/ml and runs the toolkit's `train`.
 * The deviations from a real container are listed in run_training.py.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import {
  buildFixtureIndex, contractRuns, describeWithVenv, FIXTURES, newApp, parseEnvLines, pythonPackageVersion, removeTemporaryDirectories,
  runTraining, synthesize, SynthesizedTrainingJob, TOOLKIT_VENV, trainingJobOf, TrainingRun,
} from './harness';
import { InstanceType } from '../../src/compute';
import { BaseImage, EntryPoint, SageMakerImage } from '../../src/image';
import { TrainingDistribution, TrainingInput, TrainingJob } from '../../src/training';

const BASE_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.5.1-cpu-py311-ubuntu22.04-sagemaker';

interface Built {
  readonly stack: Stack;
  readonly job: SynthesizedTrainingJob;
}

/** An app with one TrainingJob on a directory image rendered from the base image, one channel per data dir. */
function buildJob(fixture: string, entryPoint: EntryPoint, hyperparameters: { [key: string]: string }, channels: string[],
  environment?: { [key: string]: string }): Built {
  const app = newApp();
  const stack = new Stack(app, 'Contract', { env: { account: '123456789012', region: 'us-east-1' } });
  const directory = path.join(FIXTURES, fixture);
  new TrainingJob(stack, 'Train', {
    image: SageMakerImage.fromDirectory(directory, { entryPoint, baseImage: BaseImage.fromRegistry(BASE_IMAGE) }),
    instanceType: InstanceType.ML_M5_XLARGE,
    hyperparameters,
    environment,
    inputs: channels.map((name) => TrainingInput.fromAsset(name, path.join(directory, 'data', name))),
  });
  return { stack, job: trainingJobOf(synthesize(app, stack)) };
}

function explain(run: TrainingRun): string {
  return [
    `exit ${run.exitCode}${run.timedOut ? ' (timed out)' : ''}`,
    run.buildError ? `build error: ${run.buildError}` : '',
    run.failure ? `failure file: ${run.failure}` : '',
    `stdout:\n${run.stdout?.slice(-4000)}`,
    `stderr:\n${run.stderr?.slice(-4000)}`,
  ].filter(Boolean).join('\n');
}

/** Asserts the run succeeded, printing the toolkit's own output when it did not. */
function expectSuccess(run: TrainingRun): void {
  if (run.exitCode !== 0 || run.success === null) {
    throw new Error(`the training toolkit did not succeed:\n${explain(run)}`);
  }
  expect(run.failure).toBeNull();
}

/** The training-module fixture: the framework module runs train.py with the hyperparameters and both channels. */
function runTrainingModule(findLinks: string, environment: { [key: string]: string } | undefined): void {
  // GIVEN
  const { job } = buildJob('training-module',
    EntryPoint.trainingModule('contract_framework.training:main', { program: 'train.py' }),
    { 'max-depth': '4' }, ['train', 'validation'], environment);
  expect(job.environment).toMatchObject({
    SAGEMAKER_TRAINING_MODULE: 'contract_framework.training:main',
    SAGEMAKER_PROGRAM: 'train.py',
  });

  // WHEN
  const run = runTraining(job, { findLinks });

  // THEN
  expectSuccess(run);
  expect(run.stdout + run.stderr).toContain('Imported framework contract_framework.training');
  const framework = JSON.parse(run.model('contract/framework.json'));
  expect(framework).toMatchObject({
    userEntryPoint: 'train.py',
    programEnv: 'train.py',
    hyperparameters: { 'max-depth': 4 },
    channels: ['train', 'validation'],
  });
  const evidence = JSON.parse(run.model('contract/run.json'));
  expect(evidence.argv).toEqual(['--max-depth', '4']);
  expect(evidence.channels).toEqual({ train: ['x', 'y'], validation: ['z'] });
  expect(evidence.env).toMatchObject({
    SM_FRAMEWORK_MODULE: 'contract_framework.training:main',
    SM_CHANNEL_VALIDATION: path.join(run.baseDir, 'input', 'data', 'validation'),
  });
  expect(JSON.parse(run.model('model.json'))).toEqual({ max_depth: 4, rows: 2 });
}

describeWithVenv('the sagemaker-training toolkit runs what a TrainingJob synthesizes', TOOLKIT_VENV, 'sagemaker_training', () => {
  let findLinks: string;

  beforeAll(() => {
    findLinks = buildFixtureIndex();
  });

  afterAll(() => {
    removeTemporaryDirectories();
    // eslint-disable-next-line no-console
    console.log(`contract runs: ${contractRuns.training} with the real sagemaker-training `
      + `${pythonPackageVersion(TOOLKIT_VENV, 'sagemaker-training')}`);
  });

  test('a Python program gets its hyperparameters as arguments, its requirements installed and its channel data', () => {
    // GIVEN
    const { stack, job } = buildJob('python-program', EntryPoint.program('train.py'),
      { 'epochs': '3', 'learning-rate': '0.25' }, ['train']);

    // WHEN
    const run = runTraining(job, { findLinks });

    // THEN
    expectSuccess(run);
    const evidence = JSON.parse(run.model('contract/run.json'));
    expect(evidence.program).toEqual('train.py');
    expect(evidence.argv).toEqual(['--epochs', '3', '--learning-rate', '0.25']);
    expect(evidence.dependency).toEqual('contract_dep');
    expect(evidence.channels.train).toEqual([1, 2, 3, 6]);
    expect(evidence.env).toMatchObject({
      'SAGEMAKER_PROGRAM': 'train.py',
      'SM_HP_EPOCHS': '3',
      'SM_HP_LEARNING-RATE': '0.25',
      'SM_MODEL_DIR': path.join(run.baseDir, 'model'),
      'SM_CHANNEL_TRAIN': path.join(run.baseDir, 'input', 'data', 'train'),
      'SM_CHANNELS': '["train"]',
      'SM_USER_ENTRY_POINT': 'train.py',
      'SM_CURRENT_INSTANCE_TYPE': 'ml.m5.xlarge',
      'SM_NUM_GPUS': '0',
    });
    expect(JSON.parse(run.model('model.json'))).toEqual({ mean: 3, epochs: 3, learning_rate: 0.25 });
    // the rendered Dockerfile's dependency layer installed requirements.txt before the code was copied
    expect(run.buildRuns.map((r) => [r.run, r.exitCode])).toEqual([['pip install --no-cache-dir -r requirements.txt', 0]]);
    // the data channel lying inside the image directory stays out of the image
    expect(run.codeFiles).not.toContain('data/train/values.csv');
    expect(run.codeFiles).toEqual(expect.arrayContaining(['train.py', 'requirements.txt']));
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('a shell script runs through /bin/sh with the arguments and SM_ variables', () => {
    // GIVEN
    const { job } = buildJob('shell-script', EntryPoint.program('train.sh'), { epochs: '5', mode: 'fast lane' }, ['train']);

    // WHEN
    const run = runTraining(job, { findLinks });

    // THEN
    expectSuccess(run);
    expect(run.stdout + run.stderr).toContain('/bin/sh -c ./train.sh --epochs 5 --mode \'fast lane\'');
    expect(run.model('contract/argv.txt').split('\n').filter(Boolean)).toEqual(['--epochs', '5', '--mode', 'fast lane']);
    expect(run.model('contract/program.txt').trim()).toEqual('./train.sh');
    const env = parseEnvLines(run.model('contract/env.txt'));
    expect(env).toMatchObject({
      SAGEMAKER_PROGRAM: 'train.sh',
      SM_HP_EPOCHS: '5',
      SM_HP_MODE: 'fast lane',
      SM_MODEL_DIR: path.join(run.baseDir, 'model'),
      SM_CHANNEL_TRAIN: path.join(run.baseDir, 'input', 'data', 'train'),
    });
    expect(run.model('contract/channel-train.txt')).toEqual('a,1\nb,2\nc,3\n');
    expect(run.model('model.txt')).toEqual('rows=3\n');
  });

  test('a program without extension or shebang is made executable and runs as a shell script, as the library warns', () => {
    // GIVEN
    const { stack, job } = buildJob('executable', EntryPoint.program('bin/train'), { rounds: '2' }, ['train']);
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp("program 'bin/train'.*runs it through /bin/sh"));

    // WHEN
    const run = runTraining(job, { findLinks });

    // THEN
    expectSuccess(run);
    expect(run.stdout + run.stderr).toContain('/bin/sh -c ./bin/train --rounds 2');
    expect(run.model('contract/argv.txt')).toEqual('--rounds\n2\n');
    expect(run.model('model.txt')).toEqual('2\n');
  });

  test('a directory with setup.py is pip-installed and its program runs as a module', () => {
    // GIVEN
    const { stack, job } = buildJob('python-package', EntryPoint.program('train.py'),
      { 'batch-size': '64', 'optimizer': 'adam' }, ['train']);

    // WHEN
    const run = runTraining(job, { findLinks });

    // THEN
    expectSuccess(run);
    expect(run.stdout + run.stderr).toMatch(/python -m train --batch-size 64 --optimizer adam/);
    const evidence = JSON.parse(run.model('contract/run.json'));
    expect(evidence.module).toEqual('train');
    expect(evidence.installedVersion).toEqual('2.1.0');
    expect(evidence.argv).toEqual(['--batch-size', '64', '--optimizer', 'adam']);
    expect(evidence.env).toMatchObject({ 'SM_HP_OPTIMIZER': 'adam', 'SM_HP_BATCH-SIZE': '64' });
    expect(JSON.parse(run.model('model.json'))).toEqual({ total: 42, batch_size: 64, optimizer: 'adam' });
    // the library predicted it, and said so
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('setup.py.*python -m train'));
  });

  // FINDING, fixed: SageMaker starts the toolkit's `train` console script, whose sys.path holds its own
  // bin directory, not the working directory, so a module copied to /opt/ml/code failed with
  // "ModuleNotFoundError". The rendered Dockerfile now puts /opt/ml/code on PYTHONPATH.
  test('a training module in the code directory is imported and called, and runs the user program it names', () => {
    runTrainingModule(findLinks, undefined);
  });

  test('a training module runs its user program when the job puts /opt/ml/code on PYTHONPATH', () => {
    runTrainingModule(findLinks, { PYTHONPATH: '/opt/ml/code' });
  });

  test('hyperparameter values reach the script as the toolkit re-renders their JSON, not as written', () => {
    // GIVEN values that are valid JSON: the job passes them as written, the toolkit json-decodes each one
    const { job } = buildJob('shell-script', EntryPoint.program('train.sh'),
      { lr: '1e-3', flag: 'true', layers: '{"a": 1}', id: '007', name: 'x y' }, ['train']);
    expect(job.hyperparameters).toEqual({ lr: '1e-3', flag: 'true', layers: '{"a": 1}', id: '007', name: 'x y' });

    // WHEN
    const run = runTraining(job, { findLinks });

    // THEN arguments are sorted by key and re-rendered from the decoded values (Python's str of a bool,
    // a float's shortest form, a dict as k=v); SM_HP_* carry the decoded values as compact JSON
    expectSuccess(run);
    expect(run.model('contract/argv.txt').split('\n').filter(Boolean)).toEqual([
      '--flag', 'True', '--id', '007', '--layers', 'a=1', '--lr', '0.001', '--name', 'x y',
    ]);
    expect(parseEnvLines(run.model('contract/env.txt'))).toMatchObject({
      SM_HP_LR: '0.001', SM_HP_FLAG: 'true', SM_HP_LAYERS: '{"a":1}', SM_HP_ID: '007', SM_HP_NAME: 'x y',
    });
  });

  test('the library\'s distribution hyperparameters reach the toolkit as framework parameters, not as script arguments', () => {
    // GIVEN torch distributed training on one instance with 4 GPUs (the toolkit itself runs the program;
    // a PyTorch framework container would launch torchrun from the same parameters)
    const app = newApp();
    const stack = new Stack(app, 'Contract', { env: { account: '123456789012', region: 'us-east-1' } });
    const directory = path.join(FIXTURES, 'python-program');
    new TrainingJob(stack, 'Train', {
      image: SageMakerImage.fromDirectory(directory, {
        entryPoint: EntryPoint.program('train.py'),
        baseImage: BaseImage.fromRegistry(BASE_IMAGE.replace('-cpu-', '-gpu-')),
      }),
      instanceType: InstanceType.ML_G5_12XLARGE,
      distribution: TrainingDistribution.torchDistributed(),
      hyperparameters: { 'epochs': '1', 'learning-rate': '0.5' },
      inputs: [TrainingInput.fromAsset('train', path.join(directory, 'data', 'train'))],
    });
    const job = trainingJobOf(synthesize(app, stack));

    // WHEN
    const run = runTraining(job, { findLinks });

    // THEN train.py's strict argparse saw only its own arguments
    expectSuccess(run);
    const evidence = JSON.parse(run.model('contract/run.json'));
    expect(evidence.argv).toEqual(['--epochs', '1', '--learning-rate', '0.5']);
    expect(JSON.parse(evidence.env.SM_FRAMEWORK_PARAMS)).toEqual({ sagemaker_torch_distributed_enabled: true });
    expect(JSON.parse(evidence.env.SM_DISTRIBUTION_INSTANCE_GROUPS)).toEqual(['homogeneousCluster']);
    expect(evidence.env.SM_CURRENT_INSTANCE_TYPE).toEqual('ml.g5.12xlarge');
  });

  // FINDING (reported to the image owner): with the user's own Dockerfile, EntryPoint.program is checked
  // against the build directory, but the toolkit resolves it under /opt/ml/code, where the Dockerfile
  // may have copied a subfolder. Here 'scripts/run.sh' passes synth and fails at run time, and 'run.sh'
  // (what the toolkit would find) is refused at synth: this layout cannot be described.
  test('fails at run time when the user\'s Dockerfile copies a subfolder to /opt/ml/code and the program is named from the directory', () => {
    // GIVEN
    const app = newApp();
    const stack = new Stack(app, 'Contract', { env: { account: '123456789012', region: 'us-east-1' } });
    const directory = path.join(FIXTURES, 'own-dockerfile');
    new TrainingJob(stack, 'Train', {
      image: SageMakerImage.fromDirectory(directory, { entryPoint: EntryPoint.program('scripts/run.sh') }),
      instanceType: InstanceType.ML_M5_XLARGE,
      hyperparameters: { depth: '2' },
      inputs: [TrainingInput.fromAsset('train', path.join(directory, 'data', 'train'))],
    });
    const job = trainingJobOf(synthesize(app, stack));
    expect(fs.readFileSync(path.join(job.imageContext, job.dockerfile), 'utf-8'))
      .toEqual(fs.readFileSync(path.join(directory, 'Dockerfile'), 'utf-8'));

    // WHEN
    const run = runTraining(job, { findLinks });

    // THEN the program path is relative to the directory, but the user's Dockerfile copied scripts/ to
    // /opt/ml/code: the toolkit looks for /opt/ml/code/scripts/run.sh and does not find it
    expect(job.environment).toMatchObject({ SAGEMAKER_PROGRAM: 'scripts/run.sh' });
    expect(run.codeFiles).toEqual(['run.sh']);
    expect(run.exitCode).not.toEqual(0);
    expect(run.failure).toMatch(/scripts\/run\.sh/);
  });

  test('fails when the program the job names is not in the image', () => {
    // GIVEN a synthesized job whose image has train.sh, but whose environment names another program
    const { job } = buildJob('shell-script', EntryPoint.program('train.sh'), { epochs: '1' }, ['train']);
    const broken: SynthesizedTrainingJob = { ...job, environment: { ...job.environment, SAGEMAKER_PROGRAM: 'missing.sh' } };

    // WHEN
    const run = runTraining(broken, { findLinks });

    // THEN the toolkit reports the failure the way SageMaker would surface it
    expect(run.exitCode).not.toEqual(0);
    expect(run.success).toBeNull();
    expect(run.failure).toMatch(/missing\.sh/);
    expect(fs.existsSync(path.join(run.baseDir, 'model', 'model.txt'))).toBe(false);
  });
});
