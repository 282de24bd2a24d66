/**
 * Local mode inside the local deploy: the training jobs the handlers create in moto run for real and
 * the endpoints moto creates are served locally, both by the package's local runner (src/local/,
 * local/: DESIGN decision 9, the same code as `cdk-sagemaker-containers local train|serve`).
 *
 * - CreateTrainingJob (seen by the recording proxy, fully resolved): the job runs with the training
 *   toolkit; its channels are downloaded from moto's S3, its model.tar.gz uploaded to moto's S3 at the
 *   job's artifact path. The harness delivers the job's state-change event when the run ends, with the
 *   run's status (Completed, or Failed with the script's FailureReason) over moto's (Completed at once).
 * - AWS::SageMaker::Endpoint (read back after the deploy): the first variant's model is served on a
 *   loopback port; InvokeEndpoint (POST /endpoints/<name>/invocations) through the proxy reaches it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AssemblyStack } from './cloud-assembly';
import { defaultVenvDir } from './moto-server';
import { EndpointReadBack, ModelReadBack } from './readback';
import { LocalModelServer, LocalTrainingResult, runLocalTraining, startLocalModel } from '../../src/local/runner';

/** Options of local mode in the local deploy. */
export interface LocalModeOptions {
  /** The Python with the training toolkit. @default .test-env/venv */
  readonly trainingPython?: string;
  /** The Python with the serving toolkits. @default .test-env/serving-venv */
  readonly servingPython?: string;
  /** Whether the images' pip lines may use the package index. @default false (the test venvs hold the pins) */
  readonly pipIndex?: boolean;
  /** Receives the runs' output lines. @default the cloud's log */
  readonly onLine?: (line: string) => void;
}

/** A model served for an endpoint. */
export interface LocalEndpoint {
  readonly endpointName: string;
  readonly modelName: string;
  readonly url: string;
  readonly toolkit: string;
}

/** The runs of one local cloud. */
export class LocalMode {
  private readonly jobs = new Map<string, Promise<LocalTrainingResult>>();
  private readonly finished = new Map<string, LocalTrainingResult>();
  private readonly servers = new Map<string, { server: LocalModelServer; endpoint: LocalEndpoint }>();
  private readonly workRoot: string;
  private readonly env: Record<string, string>;

  constructor(motoEndpoint: string, private readonly account: string, private readonly region: string,
    private readonly options: LocalModeOptions, private readonly log: (line: string) => void) {
    this.workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'local-mode-'));
    // The runner's boto3 reads and writes moto's S3.
    this.env = { AWS_ENDPOINT_URL: motoEndpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: region, AWS_DEFAULT_REGION: region };
  }

  private get trainingPython(): string {
    return this.options.trainingPython ?? path.join(defaultVenvDir(), 'bin', 'python');
  }

  private get servingPython(): string {
    return this.options.servingPython ?? path.join(path.dirname(defaultVenvDir()), 'serving-venv', 'bin', 'python');
  }

  /** Starts a created training job; `stacks` supply its staged image. */
  public startTraining(request: any, stacks: AssemblyStack[]): void {
    const name: string = request.TrainingJobName;
    if (this.jobs.has(name)) return;
    const uri: string = request.AlgorithmSpecification?.TrainingImage ?? '';
    const asset = stacks.flatMap((s) => s.imageAssets).find((a) => uri.endsWith(`:${a.imageTag}`));
    const say = (l: string) => (this.options.onLine ?? this.log)(`[${name}] ${l}`);
    const run = asset
      ? runLocalTraining({ request, image: { hash: asset.hash, directory: asset.directory, dockerfile: asset.dockerFile } }, {
        workDir: path.join(this.workRoot, 'train', name),
        artifactFile: path.join(this.workRoot, 'artifacts', name, 'model.tar.gz'),
        upload: true,
        toolkitPython: this.trainingPython,
        pipIndex: this.options.pipIndex ?? false,
        env: this.env,
        account: this.account,
        region: this.region,
        onLine: say,
      })
      : Promise.reject(new Error(`training job ${name}: its image ${uri} is not an image asset of the deployed stacks`));
    const settled = run.catch((e): LocalTrainingResult => ({
      jobName: name,
      status: 'Failed',
      failureReason: `ClientError: ${(e as Error).message}`,
      seconds: 0,
      artifactS3Uri: '',
      notes: [],
      log: '',
      baseDir: '',
    })).then((r) => {
      this.finished.set(name, r);
      return r;
    });
    this.log(`local mode: training job ${name} started`);
    this.jobs.set(name, settled);
  }

  /** The run of a job, once it has ended (undefined when local mode did not start it). */
  public async result(jobName: string): Promise<LocalTrainingResult | undefined> {
    return this.jobs.get(jobName);
  }

  /** Every finished run, in the order they ended. */
  public get results(): LocalTrainingResult[] {
    return [...this.finished.values()];
  }

  /** Serves the first variant's model of each endpoint. */
  public async serve(endpoints: EndpointReadBack[], models: ModelReadBack[], stacks: AssemblyStack[]): Promise<LocalEndpoint[]> {
    const served: LocalEndpoint[] = [];
    for (const ep of endpoints) {
      const variant = ep.variants.find((v) => v.modelName);
      const model = models.find((m) => m.name === variant?.modelName);
      if (!model) {
        this.log(`local mode: endpoint ${ep.name} has no model of the stack to serve`);
        continue;
      }
      const asset = stacks.flatMap((s) => s.imageAssets).find((a) => (model.image ?? '').endsWith(`:${a.imageTag}`));
      if (!asset) throw new Error(`endpoint ${ep.name}: its model's image ${model.image} is not an image asset of the deployed stacks`);
      const server = await startLocalModel({
        image: { hash: asset.hash, directory: asset.directory, dockerfile: asset.dockerFile },
        environment: model.environment,
        modelS3Uri: model.modelDataUrl,
      }, {
        workDir: path.join(this.workRoot, 'serve', ep.name),
        toolkitPython: this.servingPython,
        pipIndex: this.options.pipIndex ?? false,
        env: this.env,
        onLine: (l) => (this.options.onLine ?? this.log)(`[${ep.name}] ${l}`),
      });
      const endpoint = { endpointName: ep.name, modelName: model.name, url: server.url, toolkit: server.toolkit };
      this.servers.set(ep.name, { server, endpoint });
      this.log(`local mode: endpoint ${ep.name} served by ${server.toolkit} at ${server.url}`);
      served.push(endpoint);
    }
    return served;
  }

  /** The local server of an endpoint. */
  public endpointUrl(endpointName: string): string | undefined {
    return this.servers.get(endpointName)?.endpoint.url;
  }

  /** Stops the servers of these endpoints. */
  public async stopEndpoints(names: string[]): Promise<void> {
    for (const name of names) {
      const s = this.servers.get(name);
      this.servers.delete(name);
      await s?.server.stop();
    }
  }

  /** Waits for running jobs, stops every server and removes the scratch directories. */
  public async stop(): Promise<void> {
    await Promise.all([...this.jobs.values()]);
    await this.stopEndpoints([...this.servers.keys()]);
    if (!process.env.LOCAL_MODE_KEEP) fs.rmSync(this.workRoot, { recursive: true, force: true });
  }
}
