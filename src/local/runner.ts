/**
 * The local runner (DESIGN decision 9): the TypeScript half of one piece of code that runs a
 * synthesized training job or model with the real SageMaker toolkits and no Docker. The user command
 * (`cdk-sagemaker-containers local train|serve`, cli.ts) and the local deploy (integ/local-cloud) both
 * call these functions; the Python half is the package's local/ folder (training.py, serving.py,
 * toolkit.py).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { StagedImage } from './assembly';
import { AcceleratorKind } from '../compute/accelerator';
import { InstanceType } from '../compute/instance-type';

/** The package's local/ folder (beside lib/ when installed, beside src/ in the repository). */
export const LOCAL_PYTHON_DIR = path.resolve(__dirname, '..', '..', 'local');

/** The first line of every Dockerfile the library renders. */
const RENDERED_MARKER = '# Rendered by cdk-sagemaker-containers';

/** Where toolkit environments are cached: CDK_SAGEMAKER_LOCAL_CACHE, else ~/.cache/cdk-sagemaker-containers. */
export function defaultCacheDir(): string {
  return process.env.CDK_SAGEMAKER_LOCAL_CACHE
    ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'cdk-sagemaker-containers');
}

/** The toolkit a local run needs. */
export type ToolkitKind = 'training' | 'serving-module' | 'inference';

/** Whether the staged Dockerfile is one the library rendered (local mode runs those without Docker). */
export function isRenderedImage(image: StagedImage): boolean {
  const file = path.join(image.directory, image.dockerfile);
  return fs.existsSync(file) && fs.readFileSync(file, 'utf8').startsWith(RENDERED_MARKER);
}

/** Whether a Docker engine answers on this machine. */
export function dockerAvailable(): boolean {
  const probe = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 20_000, env: process.env });
  return probe.status === 0;
}

/** The message for an image local mode cannot run without Docker. */
export function refusedImageMessage(image: StagedImage, what: string): string {
  return `${what} runs an image built from your own Dockerfile (${path.join(image.directory, image.dockerfile)}), `
    + 'and there is no Docker engine here to build it. Without Docker, local mode runs the images the library renders '
    + '(SageMakerImage.fromDirectory on a directory without a Dockerfile, with EntryPoint.program, trainingModule, '
    + 'servingModule or the inference toolkit): their code is copied as the Dockerfile says and their requirements are '
    + 'installed into a Python venv. Install Docker to run this image locally.';
}

/** Options shared by the training and the serving run. */
export interface ToolkitOptions {
  /** A Python whose environment already has the toolkit (skips the cached install). */
  readonly toolkitPython?: string;
  /** Where toolkit environments are cached. @default defaultCacheDir() */
  readonly cacheDir?: string;
  /** Extra environment for the runner (AWS_ENDPOINT_URL, credentials ...). */
  readonly env?: Record<string, string>;
  /** Whether the Dockerfile's pip lines may use the package index. @default true */
  readonly pipIndex?: boolean;
  /** Receives progress and log lines. */
  readonly onLine?: (line: string) => void;
}

/**
 * The Python of the toolkit environment for an image: the given one, or a venv from the base image's
 * Python with the toolkit and the image's requirements.txt, installed on first use and cached by content hash.
 */
export async function toolkitPython(kind: ToolkitKind, image: StagedImage,
  options: ToolkitOptions): Promise<{ python: string; cached: boolean; notes: string[] }> {
  if (options.toolkitPython) return { python: options.toolkitPython, cached: true, notes: [] };
  const cache = options.cacheDir ?? defaultCacheDir();
  fs.mkdirSync(cache, { recursive: true });
  const { code, stdout } = await runPython('python3', [path.join(LOCAL_PYTHON_DIR, 'toolkit.py'), kind, image.directory, image.dockerfile, cache],
    { ...process.env, ...options.env }, options.onLine, 'stderr');
  if (code !== 0) throw new Error(`installing the ${kind} toolkit into ${cache} failed (exit ${code}); see the lines above`);
  const last = JSON.parse(stdout.trim().split('\n').pop()!);
  return { python: last.python, cached: last.cached, notes: last.notes };
}

/** A synthesized (or recorded) training job to run locally. */
export interface LocalTrainingJob {
  /** The CreateTrainingJob request, resolved (the local deploy records the real one). */
  readonly request: any;
  /** The image the job runs. */
  readonly image: StagedImage;
  /** Channels taken from a local directory instead of their S3 URI, by channel name. */
  readonly localChannels?: Record<string, string>;
}

/** Options of one local training run. */
export interface LocalTrainingOptions extends ToolkitOptions {
  /** A scratch directory the run owns. */
  readonly workDir: string;
  /** The local file model.tar.gz is written to. */
  readonly artifactFile: string;
  /** Also upload model.tar.gz to the job's artifact S3 URI. @default false */
  readonly upload?: boolean;
  /** A directory of wheels for the Dockerfile's pip lines. */
  readonly findLinks?: string;
  readonly account?: string;
  readonly region?: string;
}

/** What a local training run reports. */
export interface LocalTrainingResult {
  readonly jobName: string;
  readonly status: 'Completed' | 'Failed';
  readonly failureReason?: string;
  readonly seconds: number;
  /** Where SageMaker would put model.tar.gz. */
  readonly artifactS3Uri: string;
  readonly artifactFile?: string;
  readonly artifactBytes?: number;
  readonly uploaded?: boolean;
  readonly exitCode?: number;
  readonly notes: string[];
  readonly modelFiles?: string[];
  readonly log: string;
  readonly baseDir: string;
}

/** SageMaker's artifact location: <S3OutputPath>/<job name>/output/model.tar.gz. */
export function artifactS3Uri(request: any): string {
  const out = String(request.OutputDataConfig?.S3OutputPath ?? '').replace(/\/+$/, '');
  return `${out}/${request.TrainingJobName}/output/model.tar.gz`;
}

/**
 * Runs a training job with the real training toolkit under SAGEMAKER_BASE_DIR. An image the library
 * rendered runs in a venv; one from the user's own Dockerfile is built and run by Docker when Docker is
 * there (input/, model/ and output/ mounted under /opt/ml), and refused otherwise.
 */
export async function runLocalTraining(job: LocalTrainingJob, options: LocalTrainingOptions): Promise<LocalTrainingResult> {
  const say = options.onLine ?? (() => undefined);
  const request = job.request;
  const jobName: string = request.TrainingJobName;
  const instanceType: string = request.ResourceConfig?.InstanceType ?? 'local';
  const gpuInstance = /^ml\./.test(instanceType) && InstanceType.of(instanceType).acceleratorKind === AcceleratorKind.NVIDIA_GPU;
  let dockerImage: string | undefined;
  let toolkit: { python: string; cached: boolean; notes: string[] };
  if (isRenderedImage(job.image)) {
    toolkit = await toolkitPython('training', job.image, options);
  } else {
    // The user's own Dockerfile: only Docker can build it.
    if (!dockerAvailable()) throw new Error(refusedImageMessage(job.image, `training job ${jobName}`));
    dockerImage = `cdk-sagemaker-local:${job.image.hash.slice(0, 32)}`;
    say(`local-train: docker build -t ${dockerImage} ${job.image.directory}`);
    const built = await runPython('docker', ['build', '-t', dockerImage, '-f', path.join(job.image.directory, job.image.dockerfile), job.image.directory],
      { ...process.env, ...options.env }, say, 'both');
    if (built.code !== 0) throw new Error(`docker build of ${job.image.directory} failed (exit ${built.code}); see the lines above`);
    // the runner itself only lays out /opt/ml, fetches channels (boto3 for S3) and packs the model
    toolkit = { python: options.toolkitPython ?? 'python3', cached: true, notes: [] };
  }
  const channels = (request.InputDataConfig ?? []).map((c: any) => {
    const s3 = c.DataSource?.S3DataSource ?? {};
    const config: Record<string, string> = {
      TrainingInputMode: c.InputMode ?? request.AlgorithmSpecification?.TrainingInputMode ?? 'File',
      S3DistributionType: s3.S3DataDistributionType ?? 'FullyReplicated',
      RecordWrapperType: c.RecordWrapperType ?? 'None',
    };
    if (c.ContentType) config.ContentType = c.ContentType;
    if (c.CompressionType) config.CompressionType = c.CompressionType;
    return { name: c.ChannelName, config, s3Uri: s3.S3Uri, s3DataType: s3.S3DataType, localDir: job.localChannels?.[c.ChannelName] };
  });
  const s3Uri = artifactS3Uri(request);
  fs.mkdirSync(options.workDir, { recursive: true });
  const spec = {
    workDir: options.workDir,
    toolkitPython: toolkit.python,
    imageContext: job.image.directory,
    dockerfile: job.image.dockerfile,
    jobName,
    region: options.region ?? 'us-east-1',
    account: options.account,
    instanceType,
    instanceCount: request.ResourceConfig?.InstanceCount ?? 1,
    gpuInstance,
    environment: request.Environment ?? {},
    hyperparameters: request.HyperParameters ?? {},
    channels,
    artifactS3Uri: s3Uri,
    artifactFile: options.artifactFile,
    upload: options.upload ?? false,
    pipIndex: options.pipIndex ?? true,
    findLinks: options.findLinks,
    timeoutSeconds: request.StoppingCondition?.MaxRuntimeInSeconds,
    dockerImage,
  };
  const specPath = path.join(options.workDir, 'training-spec.json');
  const resultPath = path.join(options.workDir, 'training-result.json');
  fs.writeFileSync(specPath, JSON.stringify(spec, undefined, 2));
  const { code, stdout } = await runPython(toolkit.python, [path.join(LOCAL_PYTHON_DIR, 'training.py'), specPath, resultPath],
    { ...process.env, ...options.env }, say, 'both');
  if (!fs.existsSync(resultPath)) {
    return { jobName, status: 'Failed', failureReason: `InternalServerError: the local runner exited with ${code} before it finished`, seconds: 0, artifactS3Uri: s3Uri, notes: toolkit.notes, log: stdout.slice(-20000), baseDir: path.join(options.workDir, 'opt', 'ml') };
  }
  const r = JSON.parse(fs.readFileSync(resultPath, 'utf8'));
  return {
    jobName,
    status: r.status,
    failureReason: r.failureReason ?? undefined,
    seconds: r.seconds,
    artifactS3Uri: s3Uri,
    artifactFile: r.artifactFile,
    artifactBytes: r.artifactBytes,
    uploaded: r.uploaded,
    exitCode: r.exitCode,
    notes: [...toolkit.notes, ...(r.notes ?? [])],
    modelFiles: r.modelFiles,
    log: r.log ?? stdout.slice(-20000),
    baseDir: r.baseDir,
  };
}

/** A model to serve locally. */
export interface LocalModel {
  readonly image: StagedImage;
  /** The model's container Environment. */
  readonly environment: Record<string, string>;
  /** A local model.tar.gz, or the S3 URI it is downloaded from. */
  readonly modelArchive?: string;
  readonly modelS3Uri?: string;
}

/** Options of one local model server. */
export interface LocalServeOptions extends ToolkitOptions {
  readonly workDir: string;
  /** The loopback port. @default a free one */
  readonly port?: number;
  readonly findLinks?: string;
}

/** A model served on a loopback port. */
export interface LocalModelServer {
  readonly port: number;
  readonly url: string;
  /** Which toolkit serves it. */
  readonly toolkit: string;
  readonly notes: string[];
  /** Stops the server. */
  stop(): Promise<void>;
}

/** Which serving toolkit an image and model environment name. */
export function servingToolkit(image: StagedImage, environment: Record<string, string>): ToolkitKind {
  if (environment.SAGEMAKER_SERVING_MODULE) return 'serving-module';
  const dockerfile = fs.readFileSync(path.join(image.directory, image.dockerfile), 'utf8');
  return /SAGEMAKER_SERVING_MODULE/.test(dockerfile) ? 'serving-module' : 'inference';
}

/** Serves a model with the serving toolkit its image names; resolves once /ping answers 200. */
export async function startLocalModel(model: LocalModel, options: LocalServeOptions): Promise<LocalModelServer> {
  if (!isRenderedImage(model.image)) {
    throw new Error(dockerAvailable()
      ? `the model runs an image built from your own Dockerfile (${path.join(model.image.directory, model.image.dockerfile)}); local mode trains such images with Docker but does not serve them: serve the images the library renders (SageMakerImage.fromDirectory without a Dockerfile)`
      : refusedImageMessage(model.image, 'the model'));
  }
  const kind = servingToolkit(model.image, model.environment);
  const toolkit = await toolkitPython(kind, model.image, options);
  const port = options.port ?? await freePort();
  fs.mkdirSync(options.workDir, { recursive: true });
  const spec = {
    workDir: options.workDir,
    toolkitPython: toolkit.python,
    imageContext: model.image.directory,
    dockerfile: model.image.dockerfile,
    environment: model.environment,
    modelArchive: model.modelArchive,
    modelS3Uri: model.modelS3Uri,
    port,
    pipIndex: options.pipIndex ?? true,
    findLinks: options.findLinks,
  };
  const specPath = path.join(options.workDir, 'serving-spec.json');
  fs.writeFileSync(specPath, JSON.stringify(spec, undefined, 2));
  const child = spawn(toolkit.python, [path.join(LOCAL_PYTHON_DIR, 'serving.py'), specPath], {
    env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const say = options.onLine ?? (() => undefined);
  readline.createInterface({ input: child.stderr! }).on('line', say);
  const lines = readline.createInterface({ input: child.stdout! });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<any>((resolve) => {
    lines.on('line', (line) => {
      if (line.startsWith('{"event"')) {
        const e = JSON.parse(line);
        if (e.event === 'ready' || e.event === 'failed') resolve(e);
      } else {
        say(line);
      }
    });
    child.once('exit', (c) => resolve({ event: 'failed', reason: `the local server exited with ${c}` }));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  if (ready.event !== 'ready') {
    await stop();
    throw new Error(`the model did not start locally: ${ready.reason}`);
  }
  return { port, url: `http://127.0.0.1:${port}`, toolkit: ready.toolkit, notes: [...toolkit.notes, ...(ready.notes ?? [])], stop };
}

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs a program (Python scripts, docker), streaming its lines; resolves with its exit code and stdout. */
function runPython(python: string, args: string[], env: NodeJS.ProcessEnv, onLine: ((line: string) => void) | undefined,
  stream: 'stderr' | 'both'): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.once('error', reject);
    readline.createInterface({ input: child.stderr! }).on('line', (l) => onLine?.(l));
    readline.createInterface({ input: child.stdout! }).on('line', (l) => {
      stdout += `${l}\n`;
      if (stdout.length > 200_000) stdout = stdout.slice(-100_000);
      if (stream === 'both') onLine?.(l);
    });
    child.once('close', (code) => resolve({ code: code ?? 1, stdout }));
  });
}
