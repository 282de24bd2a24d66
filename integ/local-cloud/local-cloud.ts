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
  DeployPlan, isCustomResourceType, propertiesOutputId, sameProperties, stringifyScalars, Substitutions,
  updatePhaseTemplate, WAIT_CONDITION, WAIT_CONDITION_HANDLE,
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
  /** The event as sent (its ResponseURL a loopback URL): PhysicalResourceId and OldResourceProperties as CloudFormation sends them. */
  readonly event: any;
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

/** A custom resource as CloudFormation holds it once it has answered. */
export interface DeployedCustomResource {
  readonly logicalId: string;
  readonly resourceType: string;
  /** What its last successful answer said (a Delete gets it). */
  readonly physicalResourceId: string;
  /** Its attributes (the answer's Data). */
  readonly data: Record<string, any>;
  /** The resolved properties it holds (a later Update's OldResourceProperties, a Delete's ResourceProperties). */
  readonly properties: any;
}

/** What CloudFormation keeps of a deployed stack, for a later update or delete. */
export interface DeployedState {
  /** The assembly stack deployed (after any instance type substitution). */
  readonly stack: AssemblyStack;
  /** The template moto holds (references the harness substituted, custom resources as moto created them). */
  readonly motoTemplate: any;
  /** The handle URLs, custom resource physical ids and WaitCondition Data the harness wrote into it. */
  readonly substitutions: Substitutions;
  /** The stack's answered custom resources, in the order they were created. */
  readonly customResources: DeployedCustomResource[];
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
  /** What CloudFormation holds now: what `update` and `destroy` start from. */
  readonly deployed: DeployedState;
}

/** Options for one stack update. */
export interface UpdateOptions {
  /**
   * The previous deployment's WaitConditionHandle URLs answer 403 "Request has expired" during the update and its
   * rollback, as a pre-signed URL past its expiry does: a rollback that re-signals an old handle must not fail on it.
   * @default true
   */
  readonly previousHandlesExpired?: boolean;
}

/** What an update did: `status` is UPDATE_COMPLETE, or UPDATE_ROLLBACK_COMPLETE after a failure (then see `failure`). */
export interface UpdateResult extends DeployResult {
  /** Why the update failed and was rolled back. @default - it did not fail */
  readonly failure?: string;
  /** The rollback's Update events (back to the old properties). */
  readonly rollback: CustomResourceRun[];
  /** The Delete events of the cleanup: replaced physical ids and removed resources, or after a rollback what the update created. */
  readonly cleanup: CustomResourceRun[];
}

/** One event an update sent to a custom resource, with what the resource held before (none: the update created it). */
interface UpdateAttempt {
  readonly before?: DeployedCustomResource;
  /** The resolved new properties. */
  readonly properties: any;
  readonly run: CustomResourceRun;
}

/** Where an update stood when it failed. */
interface UpdateProgress {
  readonly attempts: UpdateAttempt[];
  readonly waitRuns: WaitConditionRun[];
  readonly imagesNotPushed: string[];
  readonly unsupported: string[];
  readonly timings: Record<string, number>;
  /** When the update started (epoch ms). */
  readonly t0: number;
  /** The template moto holds. */
  readonly held: any;
  /** UpdateStack calls so far. */
  readonly phases: number;
}

/** What an update (or its rollback) did, before the read-back. */
interface UpdateOutcome {
  readonly phases: number;
  readonly runs: CustomResourceRun[];
  readonly waitRuns: WaitConditionRun[];
  readonly unsupported: string[];
  readonly imagesNotPushed: string[];
  readonly timings: Record<string, number>;
  readonly t0: number;
  readonly substituted: Record<string, string>;
  readonly localEndpoints: LocalEndpoint[];
  readonly deployed: DeployedState;
  readonly rollback: CustomResourceRun[];
  readonly cleanup: CustomResourceRun[];
  readonly failure?: string;
}

/** One custom resource request of a deploy, update, rollback or delete. */
interface CustomResourceRequest {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly requestType: 'Create' | 'Update' | 'Delete';
  /** Resolved, as moto resolved them; scalars are turned into strings. */
  readonly properties: any;
  /** For an Update: the properties the resource held. */
  readonly oldProperties?: any;
  readonly physicalResourceId?: string;
  /**
   * Whether the answer also goes to moto's `cfnresponse` endpoint (its record of the resource takes the Data). Not
   * for the Deletes of a cleanup: moto holds the resource under its logical id and would take the empty Data.
   */
  readonly forwardToMoto: boolean;
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
  /** How many stack updates ended (UPDATE_COMPLETE or UPDATE_ROLLBACK_COMPLETE) in this cloud. */
  public updateCount = 0;
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
  /** Numbers the WaitConditionHandles created, so that each new handle gets a URL of its own. */
  private handleCount = 0;

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

  /**
   * Deploys the next template of a deployed stack as CloudFormation's UpdateStack does: in dependency order, each
   * custom resource whose resolved properties changed gets an `Update` (with `OldResourceProperties` and the
   * physical id it holds), a new one a `Create`; a new WaitCondition is signalled as on create (its new handle, the
   * new job's completion event delivered to the signal function); moto gets the new template in phases; then the
   * cleanup: the `Delete` of each physical id an Update replaced (a new training job name) and of each removed
   * custom resource. On failure (a custom resource answering FAILED, a WaitCondition signalled FAILURE, moto
   * refusing the template) the rollback as CloudFormation does it: moto gets the old template back, each custom
   * resource the update sent an event to gets an `Update` back to its old properties (`OldResourceProperties` the
   * failed new ones, the physical id it holds now), then the cleanup `Delete`s what the update created (the new
   * physical ids); the result says UPDATE_ROLLBACK_COMPLETE and why. A rollback that fails throws
   * (UPDATE_ROLLBACK_FAILED).
   */
  public async update(previous: DeployResult, next: AssemblyStack, options: UpdateOptions = {}): Promise<UpdateResult> {
    const timings: Record<string, number> = {};
    const t0 = Date.now();
    const old = previous.deployed;
    const stackId = previous.stackId;
    const { stack: modelled, unmodelled } = withoutUnmodelled(next);
    for (const u of unmodelled) this.log(`moto cannot model ${u.logicalId} (${u.type}): ${u.reason}; not created`);
    const stack = withInstanceTypes(modelled, previous.substitutedInstanceTypes);
    this.deploying = stack;
    // a function's code may have changed with the template
    this.codeDirs.clear();
    await this.bootstrap(stack);
    const imagesNotPushed = await this.publishAssets(stack);
    timings.assetsMs = Date.now() - t0;

    const plan = new DeployPlan(stack.template);
    const oldPlan = new DeployPlan(old.stack.template);
    const subs = new Substitutions();
    for (const h of plan.ofType((t) => t === WAIT_CONDITION_HANDLE)) {
      // a handle of the old template keeps its URL; a new one is a new resource with a URL of its own
      subs.refs.set(h, old.substitutions.refs.get(h) ?? this.newHandleUrl(stack.stackName, h));
    }
    if (options.previousHandlesExpired !== false) {
      for (const h of oldPlan.ofType((t) => t === WAIT_CONDITION_HANDLE)) {
        const url = old.substitutions.refs.get(h);
        if (url) this.signals.expire(url.slice(this.signals.url.length + 1));
      }
    }
    const unsupported = plan.ofType((t) => t === WAIT_CONDITION || t === WAIT_CONDITION_HANDLE || t.startsWith('AWS::ApplicationAutoScaling::') || t === 'AWS::CDK::Metadata');
    const all = Object.keys(plan.resources);
    const answered = new Set<string>();
    const holding = new Map(old.customResources.map((c) => [c.logicalId, c]));
    /** Custom resources in the order this update answered them (sent an event or found unchanged). */
    const order: string[] = [];
    /** The events this update sent, with what the resource held before. */
    const attempts: UpdateAttempt[] = [];
    const waitRuns: WaitConditionRun[] = [];
    const cleanup: CustomResourceRun[] = [];
    const localEndpoints: LocalEndpoint[] = [];
    let held = old.motoTemplate;
    let phases = 0;
    this.deployed.set(stackId, stack);
    const tUpdate = Date.now();
    const sendToMoto = async (template: any, always = false) => {
      if (!always && JSON.stringify(template) === JSON.stringify(held)) return;
      phases++;
      await this.submit(stack, template, stackId);
      held = template;
      this.log(`  moto: ${(await this.events(stackId))[0] ?? 'no events'}`);
    };
    try {
      for (;;) {
        const reached = plan.createdAfter(answered);
        const pendingCustom = [...reached].filter((id) => isCustomResourceType(plan.resources[id].Type) && !answered.has(id));
        const pendingWait = [...reached].filter((id) => plan.resources[id].Type === WAIT_CONDITION && !answered.has(id));
        if (pendingCustom.length === 0 && pendingWait.length === 0) {
          if (reached.size === all.length) break;
          throw new Error(`cannot update ${all.filter((id) => !reached.has(id)).join(', ')}: they wait on resources that never answer`);
        }
        this.log(`update phase ${phases + 1}: ${reached.size}/${all.length} resources reached, waiting on ${[...pendingCustom, ...pendingWait].join(', ')}`);
        await sendToMoto(updatePhaseTemplate(plan, held, reached, answered, subs, pendingCustom));
        const outputs = await this.outputs(stackId);

        for (const id of pendingCustom) {
          const props = JSON.parse(outputs[propertiesOutputId(id)] ?? 'null');
          if (!props) throw new Error(`moto did not resolve the properties of ${id}`);
          const before = holding.get(id);
          const resourceType = plan.resources[id].Type;
          order.push(id);
          answered.add(id);
          if (before && sameProperties(before.properties, props)) {
            // CloudFormation sends nothing to a custom resource whose properties did not change
            subs.refs.set(id, before.physicalResourceId);
            continue;
          }
          const run = await this.runCustomResource(stackId, {
            logicalId: id,
            resourceType,
            requestType: before ? 'Update' : 'Create',
            properties: props,
            oldProperties: before?.properties,
            physicalResourceId: before?.physicalResourceId,
            forwardToMoto: true,
          });
          attempts.push({ before, properties: props, run });
          if (run.status !== 'SUCCESS') {
            throw new Error(`${id} (${resourceType}) ${before ? 'UPDATE' : 'CREATE'}_FAILED: ${run.reason}\n${run.logs}`);
          }
          this.checkAttributes(plan, id, run);
          const physicalResourceId = run.physicalResourceId ?? before?.physicalResourceId ?? '';
          holding.set(id, { logicalId: id, resourceType, physicalResourceId, data: run.data, properties: props });
          subs.refs.set(id, physicalResourceId);
        }
        for (const id of pendingWait) {
          const kept = old.substitutions.getAtts.get(`${id}.Data`);
          answered.add(id);
          if (kept !== undefined && id in oldPlan.resources && sameProperties(oldPlan.resources[id].Properties, plan.resources[id].Properties)) {
            // a WaitCondition cannot be updated; an unchanged one keeps its Data
            subs.getAtts.set(`${id}.Data`, kept);
            continue;
          }
          const run = await this.runWaitCondition(stackId, plan, id, subs);
          waitRuns.push(run);
          subs.getAtts.set(`${id}.Data`, run.data);
        }
      }
      if (this.localMode) {
        const rb = await readBack(this.sagemaker, stack.template, await this.listResources(stackId), currentRuns(order, holding), []);
        await this.localMode.stopEndpoints((previous.localEndpoints ?? []).map((l) => l.endpointName));
        localEndpoints.push(...await this.localMode.serve(rb.endpoints, rb.models, [stack]));
      }
    } catch (e) {
      await this.localMode?.stopEndpoints(localEndpoints.map((l) => l.endpointName));
      return this.rollBack(previous, stack, e as Error, { attempts, waitRuns, imagesNotPushed, unsupported, timings, t0, held, phases });
    }

    // UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: the old physical ids of replaced resources, then the removed resources.
    // A Delete that fails leaves the resource behind (DELETE_FAILED), the update stays complete.
    const tCleanup = Date.now();
    const deletes: DeployedCustomResource[] = [
      ...attempts.map((a) => a.before)
        .filter((b): b is DeployedCustomResource => !!b && b.physicalResourceId !== holding.get(b.logicalId)?.physicalResourceId),
      ...[...old.customResources].reverse().filter((c) => !(c.logicalId in plan.resources)),
    ];
    for (const d of deletes) {
      const run = await this.runCustomResource(stackId, {
        logicalId: d.logicalId,
        resourceType: d.resourceType,
        requestType: 'Delete',
        properties: d.properties,
        physicalResourceId: d.physicalResourceId,
        forwardToMoto: false,
      });
      cleanup.push(run);
      if (run.status !== 'SUCCESS') this.log(`cleanup: ${d.logicalId} ${d.physicalResourceId} DELETE_FAILED: ${run.reason}`);
    }
    // The removed resources leave moto's template, the new outputs come in. Sent even when unchanged: moto caches a
    // stack's outputs when they are first read after an UpdateStack, so only a new one reads the answers' Data.
    await sendToMoto(updatePhaseTemplate(plan, held, new Set(all), answered, subs, []), true);
    timings.cleanupMs = Date.now() - tCleanup;
    timings.updateMs = Date.now() - tUpdate;
    this.updateCount++;
    this.log(`${stack.stackName}: UPDATE_COMPLETE in ${Date.now() - t0} ms (${phases} UpdateStack calls)`);
    const customResources = order.filter((id) => holding.has(id)).map((id) => holding.get(id)!);
    return this.updateResult(stack, stackId, 'UPDATE_COMPLETE', {
      phases,
      runs: attempts.map((a) => a.run),
      waitRuns,
      unsupported: [...unsupported, ...unmodelled.map((u) => u.logicalId)],
      imagesNotPushed,
      timings,
      t0,
      substituted: previous.substitutedInstanceTypes,
      localEndpoints,
      deployed: { stack, motoTemplate: held, substitutions: subs, customResources },
      rollback: [],
      cleanup,
    });
  }

  /** UPDATE_ROLLBACK_IN_PROGRESS: the old template back in moto, the custom resources back to their old properties, then the cleanup. */
  private async rollBack(previous: DeployResult, stack: AssemblyStack, failure: Error, progress: UpdateProgress): Promise<UpdateResult> {
    const old = previous.deployed;
    const stackId = previous.stackId;
    const tRollback = Date.now();
    this.log(`update of ${stack.stackName} failed (${failure.message.split('\n')[0]}); rolling back`);
    this.deployed.set(stackId, old.stack);
    this.codeDirs.clear();
    let phases = progress.phases;
    if (JSON.stringify(progress.held) !== JSON.stringify(old.motoTemplate)) {
      await this.submit(old.stack, old.motoTemplate, stackId).catch((e) => {
        throw new Error(`UPDATE_ROLLBACK_FAILED: moto refused the old template (${(e as Error).message}); the update failed with: ${failure.message}`);
      });
      phases++;
    }
    const holding = new Map(old.customResources.map((c) => [c.logicalId, c]));
    const rollback: CustomResourceRun[] = [];
    for (const a of progress.attempts) {
      if (!a.before) continue; // created by the update: the cleanup deletes it
      // the physical id CloudFormation holds now: the new one when the Update answered, else the old one
      const physicalResourceId = a.run.status === 'SUCCESS' ? a.run.physicalResourceId ?? a.before.physicalResourceId : a.before.physicalResourceId;
      const run = await this.runCustomResource(stackId, {
        logicalId: a.before.logicalId,
        resourceType: a.before.resourceType,
        requestType: 'Update',
        properties: a.before.properties,
        oldProperties: a.properties,
        physicalResourceId,
        forwardToMoto: true,
      });
      rollback.push(run);
      if (run.status !== 'SUCCESS') {
        throw new Error(`UPDATE_ROLLBACK_FAILED: ${a.before.logicalId} answered the rollback's Update with FAILED: ${run.reason}\n${run.logs}\n`
          + `(the update failed with: ${failure.message})`);
      }
      holding.set(a.before.logicalId, { ...a.before, physicalResourceId: run.physicalResourceId ?? physicalResourceId, data: run.data });
    }
    // UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: what the update created, new physical ids included
    const cleanup: CustomResourceRun[] = [];
    for (const a of [...progress.attempts].reverse()) {
      const created = a.run.physicalResourceId;
      if (!created || (a.before && created === holding.get(a.before.logicalId)?.physicalResourceId)) continue;
      const run = await this.runCustomResource(stackId, {
        logicalId: a.run.logicalId,
        resourceType: a.run.resourceType,
        requestType: 'Delete',
        properties: a.properties,
        physicalResourceId: created,
        forwardToMoto: false,
      });
      cleanup.push(run);
      if (run.status !== 'SUCCESS') this.log(`rollback cleanup: ${a.run.logicalId} ${created} DELETE_FAILED: ${run.reason}`);
    }
    // moto caches a stack's outputs when first read after an UpdateStack (the harness read them while the rollback
    // ran): the old template once more, so that the outputs read the rollback's answers, as CloudFormation's do
    await this.submit(old.stack, old.motoTemplate, stackId);
    phases++;
    progress.timings.rollbackMs = Date.now() - tRollback;
    this.updateCount++;
    this.log(`${stack.stackName}: UPDATE_ROLLBACK_COMPLETE in ${Date.now() - progress.t0} ms`);
    const customResources = old.customResources.map((c) => holding.get(c.logicalId)!);
    return this.updateResult(old.stack, stackId, 'UPDATE_ROLLBACK_COMPLETE', {
      phases,
      runs: progress.attempts.map((a) => a.run),
      waitRuns: progress.waitRuns,
      unsupported: progress.unsupported,
      imagesNotPushed: progress.imagesNotPushed,
      timings: progress.timings,
      t0: progress.t0,
      substituted: previous.substitutedInstanceTypes,
      // local mode: the previous deployment's servers kept serving
      localEndpoints: previous.localEndpoints,
      deployed: { ...old, customResources },
      rollback,
      cleanup,
      failure: failure.message,
    });
  }

  /** Reads back what an update left. */
  private async updateResult(stack: AssemblyStack, stackId: string, status: string, r: UpdateOutcome): Promise<UpdateResult> {
    const desc = await this.cfn.send(new DescribeStacksCommand({ StackName: stackId }));
    const resources = await this.listResources(stackId);
    const outputs = await this.outputs(stackId);
    for (const k of Object.keys(outputs)) if (k.startsWith('LocalCloudResolved')) delete outputs[k];
    const ids = r.deployed.customResources.map((c) => c.logicalId);
    const holding = new Map(r.deployed.customResources.map((c) => [c.logicalId, c]));
    const back = await readBack(this.sagemaker, stack.template, resources, currentRuns(ids, holding), this.proxy.requests('SageMaker.CreateTrainingJob'));
    r.timings.totalMs = Date.now() - r.t0;
    return {
      stackName: stack.stackName,
      stackId,
      phases: r.phases,
      status,
      motoStatus: desc.Stacks?.[0]?.StackStatus ?? 'UNKNOWN',
      customResources: r.runs,
      waitConditions: r.waitRuns,
      resources,
      unsupported: r.unsupported,
      imagesNotPushed: r.imagesNotPushed,
      outputs,
      timings: r.timings,
      readBack: back,
      resolvedProperties: Object.fromEntries(r.deployed.customResources.map((c) => [c.logicalId, c.properties])),
      substitutedInstanceTypes: { ...r.substituted },
      localTraining: (await Promise.all(back.trainingJobs.map((j) => this.localMode?.result(j.name)))).filter((x): x is LocalTrainingResult => !!x),
      localEndpoints: r.localEndpoints,
      deployed: r.deployed,
      failure: r.failure,
      rollback: r.rollback,
      cleanup: r.cleanup,
    };
  }

  /** A new WaitConditionHandle's URL: a resource of its own, never one an earlier handle of that id had. */
  private newHandleUrl(stackName: string, logicalId: string): string {
    return this.signals.urlFor(`wait/${stackName}/${logicalId}/${++this.handleCount}`);
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
    for (const h of plan.ofType((t) => t === WAIT_CONDITION_HANDLE)) subs.refs.set(h, this.newHandleUrl(stack.stackName, h));
    const unsupported = plan.ofType((t) => t === WAIT_CONDITION || t === WAIT_CONDITION_HANDLE || t.startsWith('AWS::ApplicationAutoScaling::') || t === 'AWS::CDK::Metadata');

    const answered = new Set<string>();
    const customRuns: CustomResourceRun[] = [];
    const waitRuns: WaitConditionRun[] = [];
    const localEndpoints: LocalEndpoint[] = [];
    const resolvedProperties: Record<string, any> = {};
    const all = Object.keys(plan.resources);
    let stackId: string | undefined;
    let phases = 0;
    let held: any = {};
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
        held = template;
        this.deployed.set(stackId, stack);
        this.log(`  moto: ${(await this.events(stackId))[0] ?? 'no events'}`);
        const outputs = await this.outputs(stackId);

        for (const id of pendingCustom) {
          const props = JSON.parse(outputs[propertiesOutputId(id)] ?? 'null');
          if (!props) throw new Error(`moto did not resolve the properties of ${id}`);
          resolvedProperties[id] = props;
          const run = await this.runCustomResource(stackId, {
            logicalId: id, resourceType: plan.resources[id].Type, requestType: 'Create', properties: props, forwardToMoto: true,
          });
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
        await this.deleteStack(leftover, answeredResources(customRuns, resolvedProperties)).catch((err) => this.log(`rollback failed: ${err}`));
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
      deployed: { stack, motoTemplate: held, substitutions: subs, customResources: answeredResources(customRuns, resolvedProperties) },
    };
  }

  /** Deletes a deployed stack the way CloudFormation does and checks what is left. */
  public async destroy(result: DeployResult): Promise<DestroyResult> {
    const t0 = Date.now();
    await this.localMode?.stopEndpoints((result.localEndpoints ?? []).map((l) => l.endpointName));
    const runs = await this.deleteStack(result.stackId, result.deployed.customResources);
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

  private async runCustomResource(stackId: string, request: CustomResourceRequest): Promise<CustomResourceRun> {
    const { logicalId, resourceType, requestType, physicalResourceId } = request;
    const props = stringifyScalars(request.properties);
    const requestId = crypto.randomUUID();
    const motoUrl = `${this.endpoint}/cloudformation_${this.region}/cfnresponse?stack=${encodeURIComponent(stackId)}`;
    const key = `cfn/${requestId}`;
    const event: any = {
      RequestType: requestType,
      ServiceToken: props.ServiceToken,
      ResponseURL: this.signals.urlFor(key, request.forwardToMoto ? motoUrl : undefined),
      StackId: stackId,
      RequestId: requestId,
      LogicalResourceId: logicalId,
      ResourceType: resourceType,
      ResourceProperties: props,
    };
    if (physicalResourceId) event.PhysicalResourceId = physicalResourceId;
    if (requestType === 'Update') event.OldResourceProperties = stringifyScalars(request.oldProperties ?? {});
    this.log(`${requestType} ${logicalId} (${resourceType})${physicalResourceId ? ` ${physicalResourceId}` : ''}`);
    return { ...await this.answerCustomResource(stackId, event, key), event };
  }

  /** Runs the provider's code for one event and reads its answer. */
  private async answerCustomResource(stackId: string, event: any, key: string): Promise<Omit<CustomResourceRun, 'event'>> {
    const { LogicalResourceId: logicalId, ResourceType: resourceType, RequestType: requestType, ResourceProperties: props } = event;
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
  private async runProviderFramework(stackId: string, event: any, onEventArn: string, isCompleteArn: string | undefined): Promise<Omit<CustomResourceRun, 'event'>> {
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
    const respond = async (status: 'SUCCESS' | 'FAILED', reason: string | undefined, physicalId: string, data: any): Promise<Omit<CustomResourceRun, 'event'>> => {
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

  private async deleteStack(stackId: string, resources: DeployedCustomResource[]): Promise<CustomResourceRun[]> {
    // CloudFormation deletes dependents first: custom resources go before the functions that serve them.
    const deletes: CustomResourceRun[] = [];
    for (const r of [...resources].reverse()) {
      const d = await this.runCustomResource(stackId, {
        logicalId: r.logicalId,
        resourceType: r.resourceType,
        requestType: 'Delete',
        properties: r.properties,
        physicalResourceId: r.physicalResourceId,
        forwardToMoto: true,
      });
      deletes.push(d);
      if (d.status !== 'SUCCESS') throw new Error(`${r.logicalId} DELETE_FAILED: ${d.reason}\n${d.logs}`);
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

/** The custom resources that answered a Create with SUCCESS, in that order. */
function answeredResources(runs: CustomResourceRun[], resolvedProperties: Record<string, any>): DeployedCustomResource[] {
  return runs.filter((r) => r.requestType === 'Create' && r.status === 'SUCCESS').map((r) => ({
    logicalId: r.logicalId,
    resourceType: r.resourceType,
    physicalResourceId: r.physicalResourceId ?? '',
    data: r.data,
    properties: resolvedProperties[r.logicalId],
  }));
}

/** The custom resources held now, as the read-back takes answered Creates. */
function currentRuns(ids: string[], holding: Map<string, DeployedCustomResource>) {
  return ids.filter((id) => holding.has(id)).map((id) => {
    const c = holding.get(id)!;
    return { logicalId: id, requestType: 'Create', status: 'SUCCESS', physicalResourceId: c.physicalResourceId, data: c.data };
  });
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
