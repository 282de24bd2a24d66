/**
 * Contract-test harness: takes what an app synthesizes (the staged image build context in cdk.out and
 * the resources' properties in the template) and hands it to the real SageMaker toolkits through
 * scripts/contract/run_training.py and run_serving.py.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(__dirname, 'fixtures');
/** Where scripts/setup-test-env.sh puts the venvs (overridable to test the missing-venv path). */
const TEST_ENV = process.env.CONTRACT_TEST_ENV_DIR ?? path.join(REPO_ROOT, '.test-env');
export const TOOLKIT_VENV = path.join(TEST_ENV, 'venv');
export const SERVING_VENV = path.join(TEST_ENV, 'serving-venv');
const RUNNERS = path.join(REPO_ROOT, 'scripts', 'contract');

const temporaryDirectories: string[] = [];

/** A fresh temporary directory, removed by `removeTemporaryDirectories`. */
function temporaryDirectory(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporaryDirectories.push(dir);
  return dir;
}

/**
 * Removes the cdk.out, run and index directories this file created; CONTRACT_KEEP=1 keeps them to
 * look at a run (each result names its base directory).
 */
export function removeTemporaryDirectories(): void {
  if (process.env.CONTRACT_KEEP) return;
  for (const dir of temporaryDirectories.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Contract runs made by this test file (a run = one toolkit process started on synthesized output). */
export const contractRuns = { training: 0, serving: 0, inference: 0 };

/**
 * Whether a venv holds a Python module. The answer decides between running, failing (CI) and skipping.
 */
export function venvProblem(venv: string, module: string): string | undefined {
  const python = path.join(venv, 'bin', 'python');
  if (!fs.existsSync(python)) {
    return `${python} does not exist; run scripts/setup-test-env.sh`;
  }
  const probe = spawnSync(python, ['-W', 'ignore', '-c', `import ${module}`], { encoding: 'utf-8' });
  if (probe.status !== 0) {
    return `${python} cannot import ${module}: ${probe.stderr.trim().split('\n').pop()}; run scripts/setup-test-env.sh`;
  }
  return undefined;
}

/**
 * `describe` when the venv is ready. Without it: under CI=true a describe whose one test fails with the
 * reason (a missing toolkit must never pass as green); locally a skipped describe with a warning.
 */
export function describeWithVenv(name: string, venv: string, module: string, fn: () => void): void {
  const problem = venvProblem(venv, module);
  if (!problem) {
    describe(name, fn);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      test('fails because the toolkit environment is missing', () => {
        throw new Error(`contract tests need the toolkit: ${problem}`);
      });
    });
  } else {
    // eslint-disable-next-line no-console
    console.warn(`skipping contract tests '${name}': ${problem}`);
    describe.skip(name, fn);
  }
}

/** A synthesized app, read back from its cloud assembly. */
export interface Synthesized {
  readonly outdir: string;
  readonly template: any;
  /** Docker image assets: hash to staged build context directory. */
  readonly dockerImages: { [hash: string]: { directory: string; dockerfile: string } };
  /** File assets: hash to staged file or directory. */
  readonly files: { [hash: string]: string };
}

/** Synthesizes the app into a fresh directory and reads the stack's template and asset manifest. */
export function synthesize(app: App, stack: Stack): Synthesized {
  const assembly = app.synth();
  const outdir = assembly.directory;
  const template = JSON.parse(fs.readFileSync(path.join(outdir, `${stack.artifactId}.template.json`), 'utf-8'));
  const dockerImages: Synthesized['dockerImages'] = {};
  const files: Synthesized['files'] = {};
  for (const name of fs.readdirSync(outdir).filter((f) => f.endsWith('.assets.json'))) {
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, name), 'utf-8'));
    for (const [hash, entry] of Object.entries<any>(manifest.dockerImages ?? {})) {
      dockerImages[hash] = {
        directory: path.join(outdir, entry.source.directory),
        dockerfile: entry.source.dockerFile ?? 'Dockerfile',
      };
    }
    for (const [hash, entry] of Object.entries<any>(manifest.files ?? {})) {
      files[hash] = path.join(outdir, entry.source.path);
    }
  }
  return { outdir, template, dockerImages, files };
}

/** A fresh App whose cloud assembly goes to a temporary directory. */
export function newApp(): App {
  return new App({ outdir: temporaryDirectory('contract-cdkout-') });
}

/**
 * Flattens CloudFormation intrinsics into readable placeholders, so a JSON document built with
 * `Stack.toJsonString` (an `Fn::Join` of literal pieces and tokens) can be parsed.
 */
export function flatten(value: any): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object') {
    if ('Fn::Join' in value) {
      const [sep, parts] = value['Fn::Join'];
      return (parts as any[]).map(flatten).join(sep);
    }
    if ('Ref' in value) return `{{Ref:${value.Ref}}}`;
    if ('Fn::GetAtt' in value) {
      const att = value['Fn::GetAtt'];
      return `{{GetAtt:${Array.isArray(att) ? att.join('.') : att}}}`;
    }
    if ('Fn::Sub' in value) return flatten(Array.isArray(value['Fn::Sub']) ? value['Fn::Sub'][0] : value['Fn::Sub']);
    const key = Object.keys(value)[0];
    return `{{${key}}}`;
  }
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

/** Flattens the intrinsics inside a JSON value (objects and arrays kept, tokens become placeholders). */
export function flattenValues(value: any): any {
  if (Array.isArray(value)) return value.map(flattenValues);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return flatten(value);
    const out: any = {};
    for (const [k, v] of Object.entries(value)) out[k] = flattenValues(v);
    return out;
  }
  return value;
}

/** One channel as the container sees it. */
export interface ContractChannel {
  readonly name: string;
  /** The channel's entry in inputdataconfig.json, as SageMaker writes it. */
  readonly config: { [key: string]: string };
  /** The S3 URI in the request (with placeholders for tokens). */
  readonly s3Uri: string;
  /** The staged asset directory that the S3 prefix is unpacked from, when the channel comes from a local asset. */
  readonly dataDir?: string;
}

/** A `Custom::SageMakerTrainingJob` resource read back from the template. */
export interface SynthesizedTrainingJob {
  readonly logicalId: string;
  readonly jobName: string;
  /** The CreateTrainingJob request (tokens flattened to placeholders). */
  readonly request: any;
  readonly environment: { [key: string]: string };
  readonly hyperparameters: { [key: string]: string };
  readonly instanceType: string;
  readonly channels: ContractChannel[];
  /** The staged build context of the image the job runs. */
  readonly imageContext: string;
  readonly dockerfile: string;
}

/** Reads the only (or the named) training job of a synthesized stack. */
export function trainingJobOf(synth: Synthesized, logicalIdPrefix?: string): SynthesizedTrainingJob {
  const resources = Object.entries<any>(synth.template.Resources)
    .filter(([id, r]) => r.Type === 'Custom::SageMakerTrainingJob' && (!logicalIdPrefix || id.startsWith(logicalIdPrefix)));
  if (resources.length !== 1) {
    throw new Error(`expected one Custom::SageMakerTrainingJob, found ${resources.map(([id]) => id).join(', ') || 'none'}`);
  }
  const [logicalId, resource] = resources[0];
  const props = resource.Properties;
  // The request is a JSON string (Fn::Join of literal pieces and tokens) or an object whose values may be tokens.
  const request = props.Request && typeof props.Request === 'object' && !('Fn::Join' in props.Request)
    ? flattenValues(props.Request) : JSON.parse(flatten(props.Request));
  const trainingImage: string = request.AlgorithmSpecification.TrainingImage;
  const imageHash = Object.keys(synth.dockerImages).find((hash) => trainingImage.endsWith(`:${hash}`));
  if (!imageHash) {
    throw new Error(`TrainingImage ${trainingImage} is not one of the app's image assets (${Object.keys(synth.dockerImages).join(', ')})`);
  }
  const channels: ContractChannel[] = (request.InputDataConfig ?? []).map((c: any) => {
    const s3 = c.DataSource.S3DataSource;
    const assetHash = Object.keys(synth.files).find((hash) => s3.S3Uri.includes(hash));
    const config: { [key: string]: string } = {
      TrainingInputMode: c.InputMode ?? request.AlgorithmSpecification.TrainingInputMode,
      S3DistributionType: s3.S3DataDistributionType ?? 'FullyReplicated',
      RecordWrapperType: c.RecordWrapperType ?? 'None',
    };
    if (c.ContentType) config.ContentType = c.ContentType;
    if (c.CompressionType) config.CompressionType = c.CompressionType;
    return { name: c.ChannelName, config, s3Uri: s3.S3Uri, dataDir: assetHash ? synth.files[assetHash] : undefined };
  });
  return {
    logicalId,
    jobName: flatten(props.TrainingJobName),
    request,
    environment: request.Environment ?? {},
    hyperparameters: request.HyperParameters ?? {},
    instanceType: request.ResourceConfig.InstanceType,
    channels,
    imageContext: synth.dockerImages[imageHash].directory,
    dockerfile: synth.dockerImages[imageHash].dockerfile,
  };
}

/** An `AWS::SageMaker::Model` read back from the template. */
export interface SynthesizedModel {
  readonly logicalId: string;
  readonly environment: { [key: string]: string };
  readonly imageContext: string;
  readonly dockerfile: string;
  /** The staged model archive the ModelDataUrl points at, when it is a local asset. */
  readonly modelArchive?: string;
}

/** Reads the only model of a synthesized stack. */
export function modelOf(synth: Synthesized): SynthesizedModel {
  const models = Object.entries<any>(synth.template.Resources).filter(([, r]) => r.Type === 'AWS::SageMaker::Model');
  if (models.length !== 1) {
    throw new Error(`expected one AWS::SageMaker::Model, found ${models.map(([id]) => id).join(', ') || 'none'}`);
  }
  const [logicalId, resource] = models[0];
  const container = resource.Properties.PrimaryContainer;
  const image = flatten(container.Image);
  const imageHash = Object.keys(synth.dockerImages).find((hash) => image.endsWith(`:${hash}`));
  if (!imageHash) {
    throw new Error(`model image ${image} is not one of the app's image assets`);
  }
  const modelDataUrl = container.ModelDataUrl !== undefined ? flatten(container.ModelDataUrl) : undefined;
  const archiveHash = modelDataUrl ? Object.keys(synth.files).find((hash) => modelDataUrl.includes(hash)) : undefined;
  const environment: { [key: string]: string } = {};
  for (const [key, value] of Object.entries(container.Environment ?? {})) {
    environment[key] = flatten(value);
  }
  return {
    logicalId,
    environment,
    imageContext: synth.dockerImages[imageHash].directory,
    dockerfile: synth.dockerImages[imageHash].dockerfile,
    modelArchive: archiveHash ? synth.files[archiveHash] : undefined,
  };
}

/** Unpacks a model archive the way SageMaker does into /opt/ml/model, into a fresh directory. */
export function unpackModelArchive(archive: string): string {
  const dir = temporaryDirectory('contract-model-');
  const proc = spawnSync('tar', ['-xzf', archive, '-C', dir], { encoding: 'utf-8' });
  if (proc.status !== 0) {
    throw new Error(`tar -xzf ${archive} failed: ${proc.stderr}`);
  }
  return dir;
}

/** What run_training.py reports. */
export interface TrainingRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly buildError?: string;
  readonly timedOut?: boolean;
  readonly notes: string[];
  /** RUN lines of the Dockerfile that were executed (pip installs), with their exit codes. */
  readonly buildRuns: { run: string; cwd: string; exitCode: number; output: string }[];
  readonly dockerfile: string;
  readonly imageEnvironment: { [key: string]: string };
  readonly environment: { [key: string]: string };
  readonly baseDir: string;
  readonly modelFiles: string[];
  readonly codeFiles: string[];
  readonly success: string | null;
  readonly failure: string | null;
  /** Reads a file the user code wrote under model/. */
  readonly model: (file: string) => string;
}

export interface RunTrainingOptions {
  /** Data for channels that do not come from a local asset (e.g. an existing bucket), by channel name. */
  readonly channelData?: { [name: string]: string };
  /** A directory of wheels standing in for the package index. */
  readonly findLinks?: string;
  readonly timeoutSeconds?: number;
}

/** Runs sagemaker-training's `train` on a synthesized job. */
export function runTraining(job: SynthesizedTrainingJob, options: RunTrainingOptions = {}): TrainingRun {
  const workDir = temporaryDirectory('contract-train-');
  const channels = job.channels.map((c) => {
    const dataDir = c.dataDir ?? options.channelData?.[c.name];
    if (!dataDir) {
      throw new Error(`channel ${c.name} (${c.s3Uri}) has no local asset; pass its data in channelData`);
    }
    return { name: c.name, config: c.config, dataDir };
  });
  const spec = {
    workDir,
    toolkitVenv: TOOLKIT_VENV,
    imageContext: job.imageContext,
    dockerfile: job.dockerfile,
    environment: job.environment,
    hyperparameters: job.hyperparameters,
    channels,
    instanceType: job.instanceType,
    jobName: job.jobName,
    region: 'us-east-1',
    findLinks: options.findLinks,
    timeoutSeconds: options.timeoutSeconds ?? 90,
  };
  const result = runRunner('run_training.py', workDir, spec, (options.timeoutSeconds ?? 90) + 60);
  contractRuns.training++;
  return {
    ...result,
    model: (file: string) => fs.readFileSync(path.join(result.baseDir, 'model', file), 'utf-8'),
  };
}

/** One HTTP exchange with the serving container. */
export interface HttpExchange {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
}

/** What run_serving.py reports. */
export interface ServingRun {
  readonly ready: boolean;
  readonly exitCode: number | null;
  readonly buildError?: string;
  readonly notes: string[];
  readonly log: string;
  readonly dockerfile: string;
  readonly environment: { [key: string]: string };
  readonly responses: HttpExchange[];
  readonly codeFiles: string[];
}

export interface ServingRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly accept?: string;
}

export interface RunServingOptions {
  readonly imageContext: string;
  readonly dockerfile?: string;
  readonly environment: { [key: string]: string };
  /** The unpacked model archive (what SageMaker puts in /opt/ml/model). */
  readonly modelDir?: string;
  readonly requests: ServingRequest[];
  readonly findLinks?: string;
}

/** Starts sagemaker-containers' `serve` on a free loopback port, sends the requests, stops it. */
export async function runServing(options: RunServingOptions): Promise<ServingRun> {
  const workDir = temporaryDirectory('contract-serve-');
  const spec = {
    workDir,
    toolkitVenv: SERVING_VENV,
    imageContext: options.imageContext,
    dockerfile: options.dockerfile ?? 'Dockerfile',
    environment: options.environment,
    modelDir: options.modelDir,
    port: await freePort(),
    requests: options.requests,
    findLinks: options.findLinks,
    startSeconds: 60,
  };
  const result = runRunner('run_serving.py', workDir, spec, 120);
  contractRuns.serving++;
  return result;
}

/** What run_inference.py reports. */
export interface InferenceRun {
  readonly exitCode: number;
  readonly buildError?: string;
  readonly stderr: string;
  readonly responses: HttpExchange[];
  readonly sysPath: string[];
  readonly environment: { [key: string]: string };
  readonly codeFiles: string[];
  readonly baseDir: string;
}

export interface RunInferenceOptions {
  readonly imageContext: string;
  readonly dockerfile?: string;
  readonly environment: { [key: string]: string };
  readonly modelDir?: string;
  readonly requests: { body: string; contentType?: string; accept?: string }[];
}

/** Runs sagemaker-inference's handler service (as a model server worker does) on a synthesized model. */
export function runInference(options: RunInferenceOptions): InferenceRun {
  const workDir = temporaryDirectory('contract-infer-');
  const spec = {
    workDir,
    toolkitVenv: SERVING_VENV,
    imageContext: options.imageContext,
    dockerfile: options.dockerfile ?? 'Dockerfile',
    environment: options.environment,
    modelDir: options.modelDir,
    requests: options.requests,
  };
  const result = runRunner('run_inference.py', workDir, spec, 150);
  contractRuns.inference++;
  return result;
}

function runRunner(script: string, workDir: string, spec: object, timeoutSeconds: number): any {
  const specPath = path.join(workDir, 'spec.json');
  const resultPath = path.join(workDir, 'result.json');
  fs.writeFileSync(specPath, JSON.stringify(spec, undefined, 2));
  const proc = spawnSync(path.join(TOOLKIT_VENV, 'bin', 'python'), [path.join(RUNNERS, script), specPath, resultPath], {
    encoding: 'utf-8',
    timeout: timeoutSeconds * 1000,
  });
  if (proc.status !== 0 || !fs.existsSync(resultPath)) {
    throw new Error(`${script} failed (${proc.status ?? proc.signal}): ${proc.stderr}\n${proc.stdout}`);
  }
  return JSON.parse(fs.readFileSync(resultPath, 'utf-8'));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Builds the wheels under fixtures/index-src into a directory that stands in for the package index
 * (pip's --find-links), with the toolkit venv's pip and setuptools, without network.
 */
export function buildFixtureIndex(): string {
  const dir = temporaryDirectory('contract-index-');
  const src = path.join(FIXTURES, 'index-src');
  for (const name of fs.readdirSync(src)) {
    // build from a copy: setuptools writes build/ and *.egg-info beside the sources
    const copy = path.join(temporaryDirectory('contract-src-'), name);
    fs.cpSync(path.join(src, name), copy, { recursive: true });
    const proc = spawnSync(path.join(TOOLKIT_VENV, 'bin', 'python'), [
      '-m', 'pip', 'wheel', '--quiet', '--no-deps', '--no-index', '--no-build-isolation', '--disable-pip-version-check',
      '--wheel-dir', dir, copy,
    ], { encoding: 'utf-8', cwd: dir });
    if (proc.status !== 0) {
      throw new Error(`building the fixture wheel ${name} failed: ${proc.stderr}`);
    }
  }
  return dir;
}

/** Parses `NAME=value` lines (the shell fixture's `env` output). */
export function parseEnvLines(text: string): { [key: string]: string } {
  const env: { [key: string]: string } = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/** The toolkit's version, for the run count line. */
export function pythonPackageVersion(venv: string, distribution: string): string {
  const proc = spawnSync(path.join(venv, 'bin', 'python'), ['-c',
    `import importlib.metadata as m; print(m.version('${distribution}'))`], { encoding: 'utf-8' });
  return proc.status === 0 ? proc.stdout.trim() : 'unknown';
}
