// The harness is test tooling: the AWS SDK clients are dev dependencies on purpose.
/* eslint-disable import/no-extraneous-dependencies */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CloudFormationClient, CreateStackCommand, DeleteStackCommand, DescribeStackEventsCommand,
  DescribeStacksCommand, ListStackResourcesCommand, StackResourceSummary, UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssemblyStack, readCloudAssembly } from './cloud-assembly';
import { describeRule, matchEvent, trainingJobStateChangeEvent } from './eventbridge';
import { invokeLocally, LocalFunction } from './lambda-runner';
import { LocalEndpoint, LocalMode, LocalModeOptions } from './local-mode';
import { defaultVenvDir, LOCAL_ACCOUNT, LOCAL_REGION, MotoServer } from './moto-server';
import { readBack, SageMakerReadBack, verifyGone } from './readback';
import { RecordingProxy } from './recording-proxy';
import { SignalServer } from './signal-server';
import {
  DeployPlan, isCustomResourceType, propertiesOutputId, stringifyScalars, Substitutions,
  WAIT_CONDITION, WAIT_CONDITION_HANDLE,
} from './template-plan';
import { withoutUnmodelled } from './unmodelled';
import { zipDirectory } from './zip';
import { InstanceType } from '../../src/compute';
import { LocalTrainingResult } from '../../src/local/runner';

/** The bootstrap version the harness pretends `cdk bootstrap` wrote. */
const BOOTSTRAP_VERSION = '30';
/** CloudFormation's limit on a custom resource response. */
const MAX_RESPONSE_BYTES = 4096;
/** CloudFormation's limits on a template: inline, and from S3. */
const MAX_TEMPLATE_BODY_BYTES = 51_200;
const MAX_TEMPLATE_URL_BYTES = 1_000_000;
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;

/** One custom resource request the harness answered by running the provider's code. */
export interface CustomResourceRun {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly requestType: 'Create' | 'Update' | 'Delete';
  /** The Lambda function that ran (for the Provider framework: the user's onEvent function). */
  readonly functionName: string;
  /** Whether the CDK Provider framework was emulated around the user's handler. */
  readonly providerFramework: boolean;
  readonly status: 'SUCCESS' | 'FAILED';
  readonly reason?: string;
  readonly physicalResourceId?: string;
  readonly data: Record<string, any>;
  readonly durationMs: number;
  readonly logs: string;
}

/** How one WaitCondition got its signal. */
export interface WaitConditionRun {
  readonly logicalId: string;
  readonly handleUrl: string;
  /** The rule whose target carried the handle URL. */
  readonly ruleName: string;
  /** The event the rule matched (built from the real DescribeTrainingJob answer). */
  readonly event: any;
  /** What the rule's target received. */
  readonly targetInput: any;
  /** The signal function that ran. */
  readonly functionName: string;
  /** The signals PUT to the handle URL. */
  readonly signals: any[];
  /** The WaitCondition's Data attribute (JSON object of UniqueId -> Data). */
  readonly data: string;
  readonly durationMs: number;
}

/** What a deploy did and what it left. */
export interface DeployResult {
  readonly stackName: string;
  readonly stackId: string;
  /** How many CreateStack/UpdateStack calls the dependency order needed. */
  readonly phases: number;
  /** The status the harness reached (CREATE_COMPLETE, or it throws). */
  readonly status: string;
  /** The status moto reported last. */
  readonly motoStatus: string;
  readonly customResources: CustomResourceRun[];
  readonly waitConditions: WaitConditionRun[];
  readonly resources: StackResourceSummary[];
  /** Resources in the template moto does not model (created by nothing). */
  readonly unsupported: string[];
  /** Image assets whose build context was staged but not built or pushed. */
  readonly imagesNotPushed: string[];
  readonly outputs: Record<string, string>;
  readonly timings: Record<string, number>;
  readonly readBack: SageMakerReadBack;
  /** The resolved properties each answered custom resource was created with. */
  readonly resolvedProperties: Record<string, any>;
  /** Instance types moto refused, and what the harness deployed instead. */
  readonly substitutedInstanceTypes: Record<string, string>;
  /** Local mode: the training jobs of this deploy that ran for real, and the endpoints served locally. */
  readonly localTraining: LocalTrainingResult[];
  readonly localEndpoints: LocalEndpoint[];
}

/** Options for one deploy. */
export interface DeployOptions {
  /**
   * When moto refuses an instance type it does not know (its EndpointConfig checks an old list;
   * ml.g5 is refused), redeploy with the first type it accepts that has the same accelerator
   * kind, and report the substitution. Template-level tests cover the real type.
   * @default true
   */
  readonly substituteRefusedInstanceTypes?: boolean;
}

/** What a delete did. */
export interface DestroyResult {
  readonly stackGone: boolean;
  readonly customResources: CustomResourceRun[];
  /** Resources that still exist after the delete (retained buckets and the like). */
  readonly remaining: string[];
  readonly durationMs: number;
}

/** Options for `LocalCloud.start`. */
export interface LocalCloudOptions {
  readonly venvDir?: string;
  /** Receives progress lines. @default - silent */
  readonly log?: (line: string) => void;
  /**
   * Local mode: run the training jobs the handlers create with the real training toolkit (their
   * completion event is delivered when the run ends, with its status) and serve the endpoints'
   * models locally, reachable by InvokeEndpoint through `proxy.url` (see local-mode.ts).
   * @default - off: moto's training jobs are Completed at once and nothing is served
   */
  readonly localMode?: LocalModeOptions | boolean;
}

/**
 * A local AWS cloud: a moto server plus the parts of CloudFormation moto leaves out (waiting
 * for custom resources and WaitConditions before creating their dependents, running custom
 * resource and signal handlers, asset publishing). Deploys synthesized stacks into it.
 */
export class LocalCloud {
  /** Starts moto and the signal server. */
  public static async start(options: LocalCloudOptions = {}): Promise<LocalCloud> {
    const started = Date.now();
    const moto = await MotoServer.start({ venvDir: options.venvDir });
    let signals: SignalServer | undefined;
    let proxy: RecordingProxy | undefined;
    try {
      signals = await SignalServer.start();
      proxy = await RecordingProxy.start(moto.endpoint);
    } catch (e) {
      await signals?.stop();
      await moto.stop();
      throw e;
    }
    const cloud = new LocalCloud(moto, signals, proxy, options);
    if (options.localMode) {
      const mode = new LocalMode(moto.endpoint, cloud.account, cloud.region, options.localMode === true ? {} : options.localMode, cloud.log);
      cloud.localMode = mode;
      proxy.onCall = (call) => {
        if (call.target === 'SageMaker.CreateTrainingJob' && call.status === 200) {
          mode.startTraining(call.request, [...cloud.deployed.values(), ...(cloud.deploying ? [cloud.deploying] : [])]);
        }
      };
      proxy.invocationTarget = (name) => mode.endpointUrl(name);
    }
    cloud.startMs = Date.now() - started;
    return cloud;
  }

  public readonly account = LOCAL_ACCOUNT;
  public readonly region = LOCAL_REGION;
  /** How long starting moto took. */
  public startMs = 0;
  /** How many stacks reached CREATE_COMPLETE in this cloud. */
  public deployCount = 0;
  /** Local mode's runs, when on. */
  public localMode?: LocalMode;
  /** The stack being deployed now. */
  private deploying?: AssemblyStack;

  public readonly cfn: CloudFormationClient;
  public readonly s3: S3Client;
  public readonly sagemaker: SageMakerClient;
  public readonly lambda: LambdaClient;
  private readonly ssm: SSMClient;
  private readonly ecr: ECRClient;
  private readonly python: string;
  private readonly log: (line: string) => void;
  /** Where each function's code was staged, by function name. */
  private readonly codeDirs = new Map<string, string>();
  /** The assembly stack behind each stack id this cloud deployed. */
  private readonly deployed = new Map<string, AssemblyStack>();

  private constructor(public readonly moto: MotoServer, private readonly signals: SignalServer,
    /** The AWS endpoint the handlers use: records their calls, forwards them to moto. */
    public readonly proxy: RecordingProxy, options: LocalCloudOptions) {
    const config = {
      endpoint: moto.endpoint,
      region: this.region,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
    };
    this.cfn = new CloudFormationClient(config);
    this.s3 = new S3Client({ ...config, forcePathStyle: true });
    this.sagemaker = new SageMakerClient(config);
    this.lambda = new LambdaClient(config);
    this.ssm = new SSMClient(config);
    this.ecr = new ECRClient(config);
    this.python = path.join(options.venvDir ?? defaultVenvDir(), 'bin', 'python');
    // LOCAL_CLOUD_VERBOSE=1 shows the progress of tests that pass no logger.
    this.log = options.log ?? (process.env.LOCAL_CLOUD_VERBOSE ? (l) => process.stderr.write(`local-cloud: ${l}\n`) : () => undefined);
  }

  /** The AWS endpoint URL handlers and clients use. */
  public get endpoint(): string {
    return this.moto.endpoint;
  }

  /** Stops the signal server and kills moto. */
  public async stop(): Promise<void> {
    try {
      await this.localMode?.stop();
      await this.signals.stop();
      await this.proxy.stop();
    } finally {
      await this.moto.stop();
    }
  }

  /** Reads the stacks of a cloud assembly directory for this cloud's account and region. */
  public stacksOf(assemblyDir: string): AssemblyStack[] {
    return readCloudAssembly(assemblyDir, this.account, this.region);
  }

  /**
   * Deploys one stack of a cloud assembly: publishes its assets, creates it in dependency
   * order, answers its custom resources and WaitConditions, and reads back what SageMaker holds.
   * On failure the stack is deleted again and the error rethrown.
   */
  public async deploy(stack: AssemblyStack, options: DeployOptions = {}): Promise<DeployResult> {
    const substituted: Record<string, string> = {};
    // what moto cannot model (inference components) is left out and reported as unsupported
    const { stack: modelled, unmodelled } = withoutUnmodelled(stack);
    for (const u of unmodelled) this.log(`moto cannot model ${u.logicalId} (${u.type}): ${u.reason}; not created`);
    for (;;) {
      try {
        const result = await this.deployOnce(withInstanceTypes(modelled, substituted), substituted);
        return unmodelled.length ? { ...result, unsupported: [...result.unsupported, ...unmodelled.map((u) => u.logicalId)] } : result;
      } catch (e) {
        const refused = refusedInstanceType((e as Error).message);
        if (!refused || options.substituteRefusedInstanceTypes === false || refused.type in substituted) throw e;
        const replacement = sameAcceleratorType(refused.type, refused.allowed);
        if (!replacement) throw e;
        this.log(`moto refused ${refused.type}; redeploying with ${replacement} into a reset local cloud`);
        substituted[refused.type] = replacement;
        // The failed attempt was rolled back, but what it made outlives it as in a real account (the training job,
        // retained buckets): the retry is a first deploy, so it starts from an empty account. Without the reset the
        // retry is a redeploy after destroy, whose training job the handler rightly refuses to adopt.
        await this.resetMoto();
      }
    }
  }

  /** Empties every moto backend (moto's own `/moto-api/reset`), as a fresh account would be. */
  private async resetMoto(): Promise<void> {
    const res = await fetch(`${this.moto.endpoint}/moto-api/reset`, { method: 'POST' });
    if (!res.ok) throw new Error(`moto did not reset (${res.status}): ${await res.text()}`);
  }

  private async deployOnce(stack: AssemblyStack, substituted: Record<string, string>): Promise<DeployResult> {
    const timings: Record<string, number> = {};
    const t0 = Date.now();
    this.deploying = stack;
    await this.bootstrap(stack);
    const imagesNotPushed = await this.publishAssets(stack);
    timings.assetsMs = Date.now() - t0;

    const plan = new DeployPlan(stack.template);
    const subs = new Substitutions();
    for (const h of plan.ofType((t) => t === WAIT_CONDITION_HANDLE)) {
      subs.refs.set(h, this.signals.urlFor(`wait/${stack.stackName}/${h}`));
    }
    const unsupported = plan.ofType((t) => t === WAIT_CONDITION || t === WAIT_CONDITION_HANDLE || t.startsWith('AWS::ApplicationAutoScaling::') || t === 'AWS::CDK::Metadata');

    const answered = new Set<string>();
    const customRuns: CustomResourceRun[] = [];
    const waitRuns: WaitConditionRun[] = [];
    const localEndpoints: LocalEndpoint[] = [];
    const resolvedProperties: Record<string, any> = {};
    const all = Object.keys(plan.resources);
    let stackId: string | undefined;
    let phases = 0;
    const tCreate = Date.now();
    try {
      for (;;) {
        const created = plan.createdAfter(answered);
        const pendingCustom = [...created].filter((id) => isCustomResourceType(plan.resources[id].Type) && !answered.has(id));
        const pendingWait = [...created].filter((id) => plan.resources[id].Type === WAIT_CONDITION && !answered.has(id));
        const template = plan.phaseTemplate(created, answered, subs, pendingCustom);
        phases++;
        this.log(`phase ${phases}: ${created.size}/${all.length} resources, waiting on ${[...pendingCustom, ...pendingWait].join(', ') || 'nothing'}`);
        stackId = await this.submit(stack, template, stackId);
        this.deployed.set(stackId, stack);
        this.log(`  moto: ${(await this.events(stackId))[0] ?? 'no events'}`);
        const outputs = await this.outputs(stackId);

        for (const id of pendingCustom) {
          const props = JSON.parse(outputs[propertiesOutputId(id)] ?? 'null');
          if (!props) throw new Error(`moto did not resolve the properties of ${id}`);
          resolvedProperties[id] = props;
          const run = await this.runCustomResource(stackId, id, plan.resources[id].Type, 'Create', props);
          customRuns.push(run);
          if (run.status !== 'SUCCESS') {
            throw new Error(`${id} (${run.resourceType}) CREATE_FAILED: ${run.reason}\n${run.logs}`);
          }
          this.checkAttributes(plan, id, run);
          // CloudFormation's Ref to a custom resource is the PhysicalResourceId it answered; moto's is its own.
          if (run.physicalResourceId) subs.refs.set(id, run.physicalResourceId);
          answered.add(id);
        }
        if (phases === 1) {
          // moto holds the stack in CREATE_IN_PROGRESS until every custom resource has answered.
          await this.waitForStatus(stackId, 'CREATE_COMPLETE');
        }
        for (const id of pendingWait) {
          const run = await this.runWaitCondition(stackId, plan, id, subs);
          waitRuns.push(run);
          subs.getAtts.set(`${id}.Data`, run.data);
          answered.add(id);
        }
        if (created.size === all.length && pendingCustom.length === 0 && pendingWait.length === 0) break;
        if (pendingCustom.length === 0 && pendingWait.length === 0) {
          const missing = all.filter((id) => !created.has(id));
          throw new Error(`cannot create ${missing.join(', ')}: they wait on resources that never answer`);
        }
      }
      if (this.localMode) {
        // An endpoint is InService once its container answers /ping; one that does not fails the deploy.
        const tServe = Date.now();
        const rb = await readBack(this.sagemaker, stack.template, await this.listResources(stackId!), customRuns, []);
        localEndpoints.push(...await this.localMode.serve(rb.endpoints, rb.models, [stack]));
        timings.localServeMs = Date.now() - tServe;
      }
    } catch (e) {
      await this.localMode?.stopEndpoints(localEndpoints.map((l) => l.endpointName));
      // moto keeps the stack of a CreateStack it refused (a resource failed in the first phase): delete that one too
      const leftover = stackId ?? await this.cfn.send(new DescribeStacksCommand({ StackName: stack.stackName }))
        .then((d) => d.Stacks?.[0]?.StackId, () => undefined);
      if (leftover) {
        this.log(`rolling back ${stack.stackName}`);
        await this.deleteStack(leftover, customRuns, resolvedProperties).catch((err) => this.log(`rollback failed: ${err}`));
        if (!await this.stackGone(leftover)) this.log(`rollback left ${stack.stackName} behind`);
      }
      throw e;
    }
    timings.createMs = Date.now() - tCreate;

    const desc = await this.cfn.send(new DescribeStacksCommand({ StackName: stackId }));
    const motoStatus = desc.Stacks?.[0]?.StackStatus ?? 'UNKNOWN';
    if (!/_COMPLETE$/.test(motoStatus) || /ROLLBACK|DELETE/.test(motoStatus)) {
      throw new Error(`stack ${stack.stackName} ended in ${motoStatus}`);
    }
    const resources = await this.listResources(stackId);
    const outputs = await this.outputs(stackId);
    for (const k of Object.keys(outputs)) if (k.startsWith('LocalCloudResolved')) delete outputs[k];
    const tRead = Date.now();
    const back = await readBack(this.sagemaker, stack.template, resources, customRuns, this.proxy.requests('SageMaker.CreateTrainingJob'));
    timings.readBackMs = Date.now() - tRead;
    timings.totalMs = Date.now() - t0;
    this.deployCount++;
    this.log(`${stack.stackName}: CREATE_COMPLETE in ${timings.totalMs} ms (${phases} phases)`);
    return {
      stackName: stack.stackName,
      stackId,
      phases,
      status: 'CREATE_COMPLETE',
      motoStatus,
      customResources: customRuns,
      waitConditions: waitRuns,
      resources,
      unsupported,
      imagesNotPushed,
      outputs,
      timings,
      readBack: back,
      resolvedProperties,
      substitutedInstanceTypes: { ...substituted },
      localTraining: (await Promise.all(back.trainingJobs.map((j) => this.localMode?.result(j.name)))).filter((r): r is LocalTrainingResult => !!r),
      localEndpoints,
    };
  }

  /** Deletes a deployed stack the way CloudFormation does and checks what is left. */
  public async destroy(result: DeployResult): Promise<DestroyResult> {
    const t0 = Date.now();
    await this.localMode?.stopEndpoints((result.localEndpoints ?? []).map((l) => l.endpointName));
    const runs = await this.deleteStack(result.stackId, result.customResources, result.resolvedProperties);
    const gone = await this.stackGone(result.stackId);
    const remaining = await verifyGone(this.sagemaker, result.readBack);
    return { stackGone: gone, customResources: runs, remaining, durationMs: Date.now() - t0 };
  }

  /** The stack's events, newest first (moto records stack-level events only). */
  public async events(stackId: string): Promise<string[]> {
    const res = await this.cfn.send(new DescribeStackEventsCommand({ StackName: stackId }));
    const events = [...(res.StackEvents ?? [])].sort((a, b) => (b.Timestamp?.getTime() ?? 0) - (a.Timestamp?.getTime() ?? 0));
    return events.map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}${e.ResourceStatusReason ? ` (${e.ResourceStatusReason})` : ''}`);
  }

  private async bootstrap(stack: AssemblyStack) {
    // What `cdk bootstrap` leaves: the version parameter the template's rule checks, the
    // assets bucket and the image repository.
    await this.ssm.send(new PutParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version', Value: BOOTSTRAP_VERSION, Type: 'String', Overwrite: true }));
    for (const bucket of new Set(stack.fileAssets.map((a) => a.bucketName))) {
      const exists = await this.s3.send(new HeadBucketCommand({ Bucket: bucket })).then(() => true, () => false);
      if (!exists) await this.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    }
    for (const repo of new Set(stack.imageAssets.map((a) => a.repositoryName))) {
      const exists = await this.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repo] })).then(() => true, () => false);
      if (!exists) await this.ecr.send(new CreateRepositoryCommand({ repositoryName: repo }));
    }
  }

  private async publishAssets(stack: AssemblyStack): Promise<string[]> {
    for (const asset of stack.fileAssets) {
      // Like cdk-assets: an object already published under its content hash is not uploaded again.
      const published = await this.s3.send(new HeadObjectCommand({ Bucket: asset.bucketName, Key: asset.objectKey })).then(() => true, () => false);
      if (published) continue;
      const body = asset.packaging === 'zip' ? zipDirectory(asset.sourcePath) : fs.readFileSync(asset.sourcePath);
      await this.s3.send(new PutObjectCommand({ Bucket: asset.bucketName, Key: asset.objectKey, Body: body }));
    }
    // No Docker engine: the build context is staged, the image is neither built nor pushed.
    return stack.imageAssets.map((a) => `${a.repositoryName}:${a.imageTag} (build context ${a.directory})`);
  }

  private async submit(stack: AssemblyStack, template: any, stackId?: string): Promise<string> {
    const body = JSON.stringify(template);
    let templateArgs: { TemplateBody?: string; TemplateURL?: string } = { TemplateBody: body };
    if (Buffer.byteLength(body) > MAX_TEMPLATE_URL_BYTES) {
      throw new Error(`template of ${stack.stackName} is ${Buffer.byteLength(body)} bytes; CloudFormation accepts at most ${MAX_TEMPLATE_URL_BYTES}`);
    }
    if (Buffer.byteLength(body) > MAX_TEMPLATE_BODY_BYTES) {
      // Like cdk deploy: a large template goes through the assets bucket.
      const bucket = stack.fileAssets[0]?.bucketName ?? `cdk-hnb659fds-assets-${this.account}-${this.region}`;
      const key = `local-cloud/${crypto.createHash('sha256').update(body).digest('hex')}.json`;
      await this.s3.send(new HeadBucketCommand({ Bucket: bucket })).catch(() => this.s3.send(new CreateBucketCommand({ Bucket: bucket })));
      await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      templateArgs = { TemplateURL: `${this.endpoint}/${bucket}/${key}` };
    }
    if (!stackId) {
      const res = await this.cfn.send(new CreateStackCommand({ StackName: stack.stackName, ...templateArgs, Capabilities: [...CAPABILITIES] }));
      return res.StackId!;
    }
    await this.cfn.send(new UpdateStackCommand({ StackName: stackId, ...templateArgs, Capabilities: [...CAPABILITIES] }));
    return stackId;
  }

  private async outputs(stackId: string): Promise<Record<string, string>> {
    const res = await this.cfn.send(new DescribeStacksCommand({ StackName: stackId }));
    const out: Record<string, string> = {};
    for (const o of res.Stacks?.[0]?.Outputs ?? []) out[o.OutputKey!] = o.OutputValue!;
    return out;
  }

  private async listResources(stackId: string): Promise<StackResourceSummary[]> {
    const out: StackResourceSummary[] = [];
    let token: string | undefined;
    do {
      const res = await this.cfn.send(new ListStackResourcesCommand({ StackName: stackId, NextToken: token }));
      out.push(...(res.StackResourceSummaries ?? []));
      token = res.NextToken;
    } while (token);
    return out;
  }

  /** Finds a function's settings in moto and its code in the published assets. */
  private async localFunction(stackId: string, functionArnOrName: string): Promise<LocalFunction> {
    const name = functionArnOrName.split(':').pop()!;
    const conf = await this.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    const codeDir = await this.codeDirOf(stackId, name);
    return {
      functionName: name,
      codeDir,
      handler: conf.Handler!,
      environment: conf.Environment?.Variables ?? {},
      timeoutSeconds: conf.Timeout ?? 3,
    };
  }

  private async codeDirOf(stackId: string, functionName: string): Promise<string> {
    const known = this.codeDirs.get(functionName);
    if (known) return known;
    const desc = await this.cfn.send(new DescribeStacksCommand({ StackName: stackId }));
    const stackName = desc.Stacks![0].StackName!;
    const resources = await this.listResources(stackId);
    const res = resources.find((r) => r.ResourceType === 'AWS::Lambda::Function' && r.PhysicalResourceId === functionName);
    if (!res) throw new Error(`function ${functionName} is not a resource of stack ${stackName}`);
    const stack = this.deployed.get(stackId);
    const fnJson = stack?.template.Resources[res.LogicalResourceId!];
    const key = fnJson?.Properties?.Code?.S3Key;
    const asset = stack?.fileAssets.find((a) => a.objectKey === key);
    if (!asset) throw new Error(`no staged asset holds the code of ${res.LogicalResourceId} (S3Key ${JSON.stringify(key)})`);
    this.codeDirs.set(functionName, asset.sourcePath);
    return asset.sourcePath;
  }

  private async runCustomResource(stackId: string, logicalId: string, resourceType: string, requestType: 'Create' | 'Delete',
    resolvedProps: any, physicalResourceId?: string): Promise<CustomResourceRun> {
    const props = stringifyScalars(resolvedProps);
    const requestId = crypto.randomUUID();
    const motoUrl = `${this.endpoint}/cloudformation_${this.region}/cfnresponse?stack=${encodeURIComponent(stackId)}`;
    const key = `cfn/${requestId}`;
    const event: any = {
      RequestType: requestType,
      ServiceToken: props.ServiceToken,
      ResponseURL: this.signals.urlFor(key, motoUrl),
      StackId: stackId,
      RequestId: requestId,
      LogicalResourceId: logicalId,
      ResourceType: resourceType,
      ResourceProperties: props,
    };
    if (physicalResourceId) event.PhysicalResourceId = physicalResourceId;
    this.log(`${requestType} ${logicalId} (${resourceType})`);

    const provider = await this.localFunction(stackId, props.ServiceToken);
    const userOnEvent = provider.environment.USER_ON_EVENT_FUNCTION_ARN;
    if (userOnEvent) {
      return this.runProviderFramework(stackId, event, userOnEvent, provider.environment.USER_IS_COMPLETE_FUNCTION_ARN);
    }
    const inv = await invokeLocally(provider, event, this.proxy.url, this.region, this.signals.port);
    const answers = this.signals.signals(key);
    if (answers.length === 0) {
      return {
        logicalId,
        resourceType,
        requestType,
        functionName: provider.functionName,
        providerFramework: false,
        status: 'FAILED',
        reason: `the handler ${inv.error ? `threw ${inv.error}` : 'returned'} without answering the ResponseURL (CloudFormation would wait for an hour)`,
        data: {},
        durationMs: inv.durationMs,
        logs: inv.logs,
      };
    }
    const last = answers[answers.length - 1].body;
    const answer = JSON.parse(last);
    if (Buffer.byteLength(last) > MAX_RESPONSE_BYTES) {
      // CloudFormation fails the resource: "Response object is too long."
      return {
        logicalId,
        resourceType,
        requestType,
        functionName: provider.functionName,
        providerFramework: false,
        status: 'FAILED',
        reason: `the response is ${Buffer.byteLength(last)} bytes; CloudFormation refuses more than ${MAX_RESPONSE_BYTES}`,
        data: {},
        durationMs: inv.durationMs,
        logs: inv.logs,
      };
    }
    return {
      logicalId,
      resourceType,
      requestType,
      functionName: provider.functionName,
      providerFramework: false,
      status: answer.Status,
      reason: answer.Reason,
      physicalResourceId: answer.PhysicalResourceId,
      data: answer.Data ?? {},
      durationMs: inv.durationMs,
      logs: inv.logs,
    };
  }

  /**
   * The CDK Provider framework's onEvent function invokes the user's onEvent function, then
   * (when given) the isComplete function until it says complete, and answers CloudFormation.
   * Its own code calls Lambda Invoke and Step Functions, which moto cannot run, so the harness
   * plays the framework and runs the user's functions.
   */
  private async runProviderFramework(stackId: string, event: any, onEventArn: string, isCompleteArn: string | undefined): Promise<CustomResourceRun> {
    const onEvent = await this.localFunction(stackId, onEventArn);
    const started = Date.now();
    let logs = '';
    const base = {
      logicalId: event.LogicalResourceId,
      resourceType: event.ResourceType,
      requestType: event.RequestType,
      functionName: onEvent.functionName,
      providerFramework: true,
    };
    const respond = async (status: 'SUCCESS' | 'FAILED', reason: string | undefined, physicalId: string, data: any): Promise<CustomResourceRun> => {
      const body = JSON.stringify({
        Status: status,
        Reason: reason ?? 'OK',
        PhysicalResourceId: physicalId,
        StackId: event.StackId,
        RequestId: event.RequestId,
        LogicalResourceId: event.LogicalResourceId,
        NoEcho: false,
        Data: data,
      });
      if (status === 'SUCCESS' && Buffer.byteLength(body) > MAX_RESPONSE_BYTES) {
        // CloudFormation fails the resource: "Response object is too long."
        return respond('FAILED', `the response is ${Buffer.byteLength(body)} bytes; CloudFormation refuses more than ${MAX_RESPONSE_BYTES}`, physicalId, {});
      }
      const res = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
      if (!res.ok) {
        const text = await res.text();
        // After a failed UpdateStack moto re-parses the failed resource on every response; during a
        // rollback the handler's work is what counts, not moto's bookkeeping.
        if (event.RequestType !== 'Delete') throw new Error(`moto refused the custom resource response (${res.status}): ${text}`);
        this.log(`moto refused the Delete response of ${event.LogicalResourceId} (${res.status}); continuing the delete`);
      }
      return { ...base, status, reason, physicalResourceId: physicalId, data, durationMs: Date.now() - started, logs };
    };
    const { ResponseURL: _omit, ...userEvent } = event;
    const first = await invokeLocally(onEvent, userEvent, this.proxy.url, this.region, this.signals.port);
    logs += first.logs;
    const fallbackId = event.PhysicalResourceId ?? event.RequestId;
    if (first.error) return respond('FAILED', first.error.split('\n')[0], fallbackId, {});
    const result = first.result ?? {};
    const physicalId = result.PhysicalResourceId ?? fallbackId;
    let data = result.Data ?? {};
    if (isCompleteArn && result.IsComplete !== true) {
      const isComplete = await this.localFunction(stackId, isCompleteArn);
      for (let attempt = 0; ; attempt++) {
        const isCompleteEvent = { ...userEvent, ...result, PhysicalResourceId: physicalId };
        const r = await invokeLocally(isComplete, isCompleteEvent, this.proxy.url, this.region, this.signals.port);
        logs += r.logs;
        if (r.error) return respond('FAILED', r.error.split('\n')[0], physicalId, {});
        if (r.result?.IsComplete) {
          data = { ...data, ...(r.result.Data ?? {}) };
          break;
        }
        if (attempt >= 30) return respond('FAILED', 'isComplete never reported completion (30 attempts)', physicalId, {});
        await new Promise((res) => setTimeout(res, 1000));
      }
    }
    return respond('SUCCESS', undefined, physicalId, data);
  }

  /** CloudFormation fails a GetAtt on a custom resource whose answer lacks the attribute. */
  private checkAttributes(plan: DeployPlan, id: string, run: CustomResourceRun) {
    const wanted = new Set<string>();
    const visit = (v: any) => {
      if (Array.isArray(v)) return v.forEach(visit);
      if (!v || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        if (k === 'Fn::GetAtt') {
          const [target, attr] = Array.isArray(x) ? x : String(x).split('.');
          if (target === id) wanted.add(String(attr));
        } else if (k === 'Fn::Sub') {
          const text = Array.isArray(x) ? x[0] : x;
          for (const m of String(text).matchAll(/\$\{([^!}.]+)\.([^}]+)\}/g)) if (m[1] === id) wanted.add(m[2]);
          visit(x);
        } else {
          visit(x);
        }
      }
    };
    visit(plan.template.Resources);
    visit(plan.template.Outputs ?? {});
    const missing = [...wanted].filter((a) => !(a in run.data));
    if (missing.length) {
      throw new Error(`${id}: CustomResource attribute error: the response has no ${missing.join(', ')} (it has ${Object.keys(run.data).join(', ') || 'no Data'})`);
    }
  }

  /**
   * A WaitCondition completes when its handle URL receives as many SUCCESS signals as its Count.
   * The harness finds the EventBridge rule whose target carries the handle URL, builds the
   * event SageMaker would emit from the job's real description in moto, checks the rule matches
   * it, and runs the rule's target function with what EventBridge would deliver.
   */
  private async runWaitCondition(stackId: string, plan: DeployPlan, id: string, subs: Substitutions): Promise<WaitConditionRun> {
    const started = Date.now();
    const wc = plan.resources[id].Properties ?? {};
    const handleId = wc.Handle?.Ref;
    const handleUrl = handleId ? subs.refs.get(handleId) : undefined;
    if (!handleUrl) throw new Error(`WaitCondition ${id}: its Handle is not a Ref to a WaitConditionHandle of the stack`);
    const count = Number(wc.Count ?? 1);
    // CloudFormation refuses a WaitCondition with a handle but no timeout, or one over 12 hours.
    const timeout = Number(wc.Timeout);
    if (!(timeout > 0 && timeout <= 43200)) {
      throw new Error(`WaitCondition ${id}: Timeout ${JSON.stringify(wc.Timeout)} is not a number of seconds from 1 to 43200`);
    }
    const key = handleUrl.slice(this.signals.url.length + 1);
    const resources = await this.listResources(stackId);

    for (const rule of resources.filter((r) => r.ResourceType === 'AWS::Events::Rule')) {
      const desc = await describeRule(this.endpoint, this.region, rule.PhysicalResourceId!);
      const target = desc.targets.find((t) => JSON.stringify(t).includes(handleUrl));
      if (!target || !desc.eventPattern) continue;
      const pattern = JSON.parse(desc.eventPattern);
      if (![pattern['detail-type']].flat().includes('SageMaker Training Job State Change')) {
        throw new Error(`WaitCondition ${id}: rule ${desc.name} listens for ${JSON.stringify(pattern['detail-type'])}, which the harness cannot produce`);
      }
      const jobNames: string[] = [pattern.detail?.TrainingJobName ?? []].flat().filter((n: any) => typeof n === 'string');
      if (jobNames.length === 0) throw new Error(`WaitCondition ${id}: rule ${desc.name} does not name a training job: ${desc.eventPattern}`);
      for (const jobName of jobNames) {
        const described = await this.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
        // Local mode: the event comes when the real run ends, with its status (moto's is Completed at once).
        const local = await this.localMode?.result(jobName);
        const job = local ? withLocalRun(described, local) : described;
        const event = trainingJobStateChangeEvent(job, this.account, this.region);
        const match = await matchEvent(this.python, desc.eventPattern, event, target);
        if (!match.matches) {
          throw new Error(`WaitCondition ${id}: rule ${desc.name} does not match the ${job.TrainingJobStatus} event of ${jobName} (pattern ${desc.eventPattern})`);
        }
        const fn = await this.localFunction(stackId, target.Arn);
        this.log(`signal ${id}: ${desc.name} -> ${fn.functionName} (${jobName} ${job.TrainingJobStatus})`);
        const inv = await invokeLocally(fn, match.input, this.proxy.url, this.region, this.signals.port);
        if (inv.error) throw new Error(`WaitCondition ${id}: signal function ${fn.functionName} failed: ${inv.error}\n${inv.logs}`);
        const signals = this.signals.signals(key).map((s) => JSON.parse(s.body));
        const failed = signals.find((s) => s.Status !== 'SUCCESS');
        if (failed) throw new Error(`WaitCondition ${id} received a ${failed.Status} signal: ${failed.Reason}`);
        if (signals.length >= count) {
          const data: Record<string, any> = {};
          for (const s of signals) data[s.UniqueId] = s.Data;
          return {
            logicalId: id,
            handleUrl,
            ruleName: desc.name,
            event,
            targetInput: match.input,
            functionName: fn.functionName,
            signals,
            data: JSON.stringify(data),
            durationMs: Date.now() - started,
          };
        }
      }
    }
    throw new Error(`WaitCondition ${id}: no EventBridge rule of the stack targets its handle URL, so nothing would signal it (CloudFormation would time out)`);
  }

  private async deleteStack(stackId: string, runs: CustomResourceRun[], resolvedProperties: Record<string, any>): Promise<CustomResourceRun[]> {
    // CloudFormation deletes dependents first: custom resources go before the functions that serve them.
    const deletes: CustomResourceRun[] = [];
    for (const run of [...runs].reverse()) {
      if (run.requestType !== 'Create' || run.status !== 'SUCCESS') continue;
      const d = await this.runCustomResource(stackId, run.logicalId, run.resourceType, 'Delete', resolvedProperties[run.logicalId], run.physicalResourceId);
      deletes.push(d);
      if (d.status !== 'SUCCESS') throw new Error(`${run.logicalId} DELETE_FAILED: ${d.reason}\n${d.logs}`);
    }
    await this.cfn.send(new DeleteStackCommand({ StackName: stackId }));
    return deletes;
  }

  private async waitForStatus(stackId: string, wanted: string): Promise<void> {
    let status: string | undefined;
    for (let i = 0; i < 100; i++) {
      const res = await this.cfn.send(new DescribeStacksCommand({ StackName: stackId }));
      status = res.Stacks?.[0]?.StackStatus;
      if (status === wanted) return;
      if (status && /FAILED|ROLLBACK/.test(status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`stack ${stackId} is ${status}, not ${wanted}; moto's events: ${(await this.events(stackId)).join('; ')}`);
  }

  private async stackGone(stackId: string): Promise<boolean> {
    for (let i = 0; i < 50; i++) {
      const res = await this.cfn.send(new DescribeStacksCommand({ StackName: stackId })).catch((e) => e);
      if (res instanceof Error) return /does not exist/.test(res.message);
      const status = res.Stacks?.[0]?.StackStatus;
      if (status === 'DELETE_COMPLETE') return true;
      if (status === 'DELETE_FAILED') return false;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }
}

/** A job's description as SageMaker reports it after the local run ended. */
function withLocalRun(job: any, run: LocalTrainingResult): any {
  const end = new Date();
  const out: any = { ...job, TrainingJobStatus: run.status, TrainingEndTime: end, LastModifiedTime: end };
  if (run.status === 'Completed') {
    out.SecondaryStatus = 'Completed';
    out.ModelArtifacts = { S3ModelArtifacts: run.artifactS3Uri };
    out.TrainingTimeInSeconds = Math.round(run.seconds);
    out.BillableTimeInSeconds = Math.round(run.seconds);
  } else {
    out.SecondaryStatus = 'Failed';
    out.FailureReason = run.failureReason;
    delete out.ModelArtifacts;
  }
  return out;
}

/** Reads moto's "instance type not in the enum" refusal: the type and the list it accepts. */
export function refusedInstanceType(message: string): { type: string; allowed: string[] } | undefined {
  const m = /Value '(ml\.[a-z0-9.\-]+)' at '[A-Za-z.]*[iI]nstanceType' failed to satisfy constraint: Member must satisfy enum value set: \[([^\]]*)\]/.exec(message);
  if (!m) return undefined;
  return { type: m[1], allowed: m[2].split(',').map((t) => t.trim().replace(/^'|'$/g, '')).filter((t) => t) };
}

/** The first accepted type with the same accelerator kind and architecture as the refused one. */
export function sameAcceleratorType(refused: string, allowed: string[]): string | undefined {
  const want = InstanceType.of(refused);
  const candidates = allowed.map((t) => InstanceType.of(t)).filter((t) =>
    t.acceleratorKind === want.acceleratorKind && t.architecture === want.architecture && !t.burstable);
  // the smallest of them: deploying locally costs nothing either way, but keep the shape modest
  candidates.sort((a, b) => (a.vcpus ?? 0) - (b.vcpus ?? 0) || a.name.localeCompare(b.name));
  return candidates[0]?.name;
}

/** A copy of the stack whose template uses the replacement instance types (literal values only). */
function withInstanceTypes(stack: AssemblyStack, substituted: Record<string, string>): AssemblyStack {
  if (Object.keys(substituted).length === 0) return stack;
  const replace = (v: any, key?: string): any => {
    if (Array.isArray(v)) return v.map((x) => replace(x));
    if (v && typeof v === 'object') {
      const out: any = {};
      for (const [k, x] of Object.entries(v)) out[k] = replace(x, k);
      return out;
    }
    return key === 'InstanceType' && typeof v === 'string' && v in substituted ? substituted[v] : v;
  };
  return { ...stack, template: replace(stack.template) };
}
