/* eslint-disable import/no-extraneous-dependencies */
import {
  CreateTrainingJobCommand,
  CreateTrainingJobCommandInput,
  DescribeTrainingJobCommand,
  DescribeTrainingJobCommandOutput,
  SageMakerClient,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
  CloudFormationCustomResourceUpdateEvent,
  Context,
} from 'aws-lambda';
import {
  buildResponse, putJson, redactUrl, ResourceResult, RetryOptions, withRetry,
} from './private/cfn-response';
import {
  CREATE_FAILED_PHYSICAL_ID_MARKER, modelArtifactsKeySuffix, TrainingJobAttribute, TrainingJobProperty,
} from './private/protocol';
import { restoreRequestTypes } from './private/request-types';
import { signalForJob, WaitConditionSignal } from './private/signal';

/**
 * Handler of `Custom::SageMakerTrainingJob`. The lifecycle contract it keeps (README, "Training lifecycle"):
 *
 * - Create, and Update to a new name: describe first. No job of that name: CreateTrainingJob and return at once
 *   (the deployment waits on a WaitCondition that the job's EventBridge state-change event signals). A job of
 *   that name (a retry, a rollback, a revert, a redeploy after destroy) is adopted only when it wrote to this
 *   request's output path with this role, else refused with a message naming `retrainToken`. An adopted job
 *   that is over sends no more events: Completed re-signals the handle (best effort, never failing the
 *   deployment: a rollback's handle is an old, possibly expired URL); Failed or Stopped fails a deployment that
 *   waits, first naming `retrainToken`, and is not judged when it does not wait (a rollback to it must succeed).
 * - Update to the same name: nothing that defines the job changed; a new handle (the deployment started
 *   waiting) of a job that is over is settled as above.
 * - Delete: stop the job if it runs, and wait (bounded, before the Lambda's deadline) until it has stopped, so
 *   the role and network outlive it; a physical id that is no job (a failed Create) is done; artifacts stay. A
 *   job the policy in force may not describe or stop (an older version's untagged job under a renamed prefix)
 *   is left alone with a structured warning (`TrainingJobNotStopped`) naming it: the Delete never fails on it.
 * - Attributes read the artifact URI from DescribeTrainingJob once SageMaker reports it.
 *
 * Log lines are structured (`{ notice, jobName }`); pre-signed URLs are logged without their signature.
 */

/** Injectable parts, so tests run without timers or network. */
export interface HandlerOptions extends RetryOptions {
  /** Delivers a WaitCondition signal; defaults to an HTTP PUT. */
  readonly signal?: (url: string, body: WaitConditionSignal) => Promise<void>;
  /** The clock, in epoch milliseconds. */
  readonly now?: () => number;
  /**
   * When the handler must have answered (epoch milliseconds): Delete stops waiting for a stopping job before it.
   *
   * @default - now + 4 minutes
   */
  readonly deadline?: number;
  /** How often Delete describes a stopping job. */
  readonly pollIntervalMs?: number;
}

/** The properties the construct sets, read from an event. */
export interface TrainingJobResourceProperties {
  readonly trainingJobName: string;
  readonly request: Omit<CreateTrainingJobCommandInput, 'TrainingJobName'>;
  readonly completionHandleUrl?: string;
}

/** SageMaker's job-name rule: anything else (a failed Create's marker) is no job. */
const JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** Delete's wait when no deadline is given (the function's timeout is 5 minutes). */
const DEFAULT_WAIT_MS = 4 * 60_000;
/** What Delete leaves itself after the wait to answer. */
const DEADLINE_MARGIN_MS = 15_000;

/** Reads and checks the resource properties of an event. */
export function parseProperties(properties: { [key: string]: unknown }): TrainingJobResourceProperties {
  const name = properties[TrainingJobProperty.TRAINING_JOB_NAME];
  const rawRequest = properties[TrainingJobProperty.REQUEST];
  if (typeof name !== 'string' || name.length === 0) {
    throw new Error(`property ${TrainingJobProperty.TRAINING_JOB_NAME} is missing`);
  }
  let request: TrainingJobResourceProperties['request'];
  if (typeof rawRequest === 'string') {
    // what earlier versions of the construct wrote (and a rollback to such a template sends back)
    try {
      request = JSON.parse(rawRequest);
    } catch (e) {
      throw new Error(`property ${TrainingJobProperty.REQUEST} is not valid JSON: ${(e as Error).message}`);
    }
  } else if (rawRequest !== null && typeof rawRequest === 'object' && !Array.isArray(rawRequest)) {
    request = restoreRequestTypes(rawRequest as { [key: string]: unknown }) as TrainingJobResourceProperties['request'];
  } else {
    throw new Error(`property ${TrainingJobProperty.REQUEST} must be an object (the CreateTrainingJob request)`);
  }
  const url = properties[TrainingJobProperty.COMPLETION_HANDLE_URL];
  return {
    trainingJobName: name,
    request,
    completionHandleUrl: typeof url === 'string' && url.length > 0 ? url : undefined,
  };
}

/** The model archive URI SageMaker will write for a request (`<S3OutputPath>/<name>/output/model.tar.gz`). */
export function modelArtifactsS3Uri(props: TrainingJobResourceProperties): string {
  return `${withSlash(props.request.OutputDataConfig?.S3OutputPath ?? '')}${modelArtifactsKeySuffix(props.trainingJobName)}`;
}

function withSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ResourceNotFound'
    || (e?.name === 'ValidationException' && /Requested resource not found|not found|does not exist|could not find/i.test(e?.message ?? ''));
}

function isAccessDenied(error: unknown): boolean {
  const e = error as { name?: string };
  return e?.name === 'AccessDeniedException' || e?.name === 'AccessDenied';
}

/** DescribeTrainingJob, or undefined when there is no job of that name. */
async function tryDescribe(client: SageMakerClient, name: string, options: RetryOptions) {
  try {
    return await withRetry(() => client.send(new DescribeTrainingJobCommand({ TrainingJobName: name })), options);
  } catch (error) {
    if (isNotFound(error)) {
      return undefined;
    }
    throw error;
  }
}

function attributes(props: TrainingJobResourceProperties, arn: string, job?: DescribeTrainingJobCommandOutput): { [key: string]: string } {
  return {
    [TrainingJobAttribute.TRAINING_JOB_NAME]: props.trainingJobName,
    [TrainingJobAttribute.TRAINING_JOB_ARN]: arn,
    // where SageMaker says the archive is, once it says so; until then where this request makes it write
    [TrainingJobAttribute.MODEL_ARTIFACTS_S3_URI]: job?.ModelArtifacts?.S3ModelArtifacts || modelArtifactsS3Uri(props),
  };
}

/** Describe first; create only when there is no job of the name, else adopt it (checked). */
async function startOrAdopt(
  client: SageMakerClient,
  props: TrainingJobResourceProperties,
  options: HandlerOptions,
): Promise<ResourceResult> {
  const name = props.trainingJobName;
  const existing = await tryDescribe(client, name, options);
  if (existing) {
    checkAdoptable(existing, props);
    console.log({ notice: 'adopted existing training job', jobName: name, status: existing.TrainingJobStatus });
    await settle(existing, props, options);
    return { physicalResourceId: name, data: attributes(props, existing.TrainingJobArn ?? '', existing) };
  }
  const created = await withRetry(() => client.send(new CreateTrainingJobCommand({
    ...props.request,
    TrainingJobName: name,
  })), options);
  console.log({ notice: 'created training job', jobName: name, trainingJobArn: created.TrainingJobArn });
  return { physicalResourceId: name, data: attributes(props, created.TrainingJobArn ?? '') };
}

/**
 * A job of this name is this request's job only if it wrote where this request writes, with this role. After
 * `cdk destroy` + `cdk deploy` the name is the same (it hashes the definition), but the new output bucket and
 * role are not: adopting the old job would point the artifacts into the new, empty bucket.
 */
function checkAdoptable(job: DescribeTrainingJobCommandOutput, props: TrainingJobResourceProperties): void {
  const wantedPath = withSlash(props.request.OutputDataConfig?.S3OutputPath ?? '');
  const actualPath = withSlash(job.OutputDataConfig?.S3OutputPath ?? '');
  const differences: string[] = [];
  if (wantedPath !== actualPath) {
    differences.push(`it wrote to ${actualPath}, this deployment writes to ${wantedPath}`);
  }
  if (props.request.RoleArn !== undefined && job.RoleArn !== props.request.RoleArn) {
    differences.push(`it ran with role ${job.RoleArn}, this deployment uses ${props.request.RoleArn}`);
  }
  if (differences.length > 0) {
    throw new Error(`Set retrainToken (any new value) to train again: training job ${props.trainingJobName} already exists `
      + `(${job.TrainingJobStatus}) from an earlier deployment of this definition (a stack destroyed and deployed again?), and `
      + `${differences.join('; ')}. SageMaker never reuses a job name; the old job's artifacts stay where it wrote them`
      + `${job.ModelArtifacts?.S3ModelArtifacts ? ` (${job.ModelArtifacts.S3ModelArtifacts})` : ''}.`);
  }
}

/**
 * A job that is over sends no more state-change events. Completed: signal the handle (best effort). Failed or
 * Stopped: fail a deployment that waits, the fix first; a deployment that does not wait never judges the job
 * (it did not when the job started, and a rollback to it must succeed).
 */
async function settle(job: DescribeTrainingJobCommandOutput, props: TrainingJobResourceProperties, options: HandlerOptions): Promise<void> {
  const status = job.TrainingJobStatus;
  const url = props.completionHandleUrl;
  if (status === 'Completed' && url) {
    await signalBestEffort(url, signalForJob(job), props.trainingJobName, options);
  } else if ((status === 'Failed' || status === 'Stopped') && url) {
    throw new Error(`Set retrainToken (any new value) to train again: training job ${props.trainingJobName} of this `
      + `definition already ran and is ${status}, and SageMaker never reuses a job name. ${signalForJob(job).Reason}`);
  } else if (status === 'Failed' || status === 'Stopped') {
    console.log({ notice: 'adopted a job that is over; not judged, the deployment does not wait', jobName: props.trainingJobName, status });
  }
}

/**
 * Signals a WaitConditionHandle, never failing: the handle may be an old deployment's presigned URL (a rollback)
 * that has expired (403); the WaitCondition it belongs to is then already satisfied or gone.
 */
async function signalBestEffort(url: string, body: WaitConditionSignal, jobName: string, options: HandlerOptions): Promise<void> {
  const send = options.signal ?? putJson;
  try {
    await withRetry(() => send(url, body), { ...options, maxAttempts: Math.min(options.maxAttempts ?? 3, 3) });
    console.log({ notice: 'signalled the completion handle', jobName, handle: redactUrl(url), status: body.Status });
  } catch (error) {
    console.log({ notice: 'could not signal the completion handle; going on', jobName, handle: redactUrl(url), reason: (error as Error).message });
  }
}

/** Create: start the job (or adopt the one with this name). */
export async function onCreate(
  event: CloudFormationCustomResourceCreateEvent,
  client: SageMakerClient,
  options: HandlerOptions = {},
): Promise<ResourceResult> {
  return startOrAdopt(client, parseProperties(event.ResourceProperties), options);
}

/** Update: a changed definition has a new name, so start (or adopt) that job; CloudFormation deletes the old one. */
export async function onUpdate(
  event: CloudFormationCustomResourceUpdateEvent,
  client: SageMakerClient,
  options: HandlerOptions = {},
): Promise<ResourceResult> {
  const props = parseProperties(event.ResourceProperties);
  if (props.trainingJobName !== event.PhysicalResourceId) {
    return startOrAdopt(client, props, options);
  }
  // Nothing that defines the job changed (the name is its hash): keep the job, start nothing.
  const existing = await tryDescribe(client, props.trainingJobName, options);
  if (!existing) {
    throw new Error(`training job ${props.trainingJobName} of this resource does not exist any more; `
      + 'set retrainToken (any new value) to train again');
  }
  const previousUrl = event.OldResourceProperties?.[TrainingJobProperty.COMPLETION_HANDLE_URL];
  if (props.completionHandleUrl && props.completionHandleUrl !== previousUrl) {
    // A new WaitCondition for the same job (the deployment started waiting, or a rollback to an old handle).
    await settle(existing, props, options);
  }
  return { physicalResourceId: props.trainingJobName, data: attributes(props, existing.TrainingJobArn ?? '', existing) };
}

/** Delete: stop a running job and wait until it has stopped; a missing or finished job is done. Artifacts stay. */
export async function onDelete(
  event: CloudFormationCustomResourceDeleteEvent,
  client: SageMakerClient,
  options: HandlerOptions = {},
): Promise<ResourceResult> {
  const name = event.PhysicalResourceId;
  if (!JOB_NAME.test(name)) {
    console.log({ notice: 'physical id is no job (a Create that failed): nothing to delete', physicalResourceId: name });
    return { physicalResourceId: name };
  }
  let job: DescribeTrainingJobCommandOutput | undefined;
  try {
    job = await tryDescribe(client, name, options);
  } catch (error) {
    if (isAccessDenied(error)) {
      warnNotStopped(name, 'describe', error);
      return { physicalResourceId: name };
    }
    throw error;
  }
  if (!job) {
    console.log({ notice: 'training job does not exist: nothing to delete', jobName: name });
    return { physicalResourceId: name };
  }
  if (job.TrainingJobStatus === 'InProgress') {
    try {
      await withRetry(() => client.send(new StopTrainingJobCommand({ TrainingJobName: name })), options);
      console.log({ notice: 'stopping training job', jobName: name });
    } catch (error) {
      if (isAccessDenied(error)) {
        warnNotStopped(name, 'stop', error);
        return { physicalResourceId: name };
      }
      // It may have finished between Describe and Stop; that is what we wanted.
      if (!/not in progress|Stopping|Completed|Failed|Stopped|ValidationException/i.test(
        `${(error as Error).name} ${(error as Error).message}`)) {
        throw error;
      }
    }
  } else if (job.TrainingJobStatus !== 'Stopping') {
    console.log({ notice: 'training job is over: nothing to stop', jobName: name, status: job.TrainingJobStatus });
    return { physicalResourceId: name };
  }
  await waitUntilStopped(client, name, options);
  return { physicalResourceId: name };
}

/**
 * The policy in force refuses to describe or stop the job: it is neither tagged as this construct's (a job
 * created by an older version of the construct, before the ownership tag) nor of the current name prefix (the
 * prefix was renamed since). Failing would fail the cleanup or the rollback, and retrying cannot help: the
 * Delete succeeds and logs a structured warning naming the job to stop by hand (it may still be running).
 */
function warnNotStopped(name: string, action: 'describe' | 'stop', error: unknown): void {
  console.log({
    level: 'WARNING',
    warning: 'TrainingJobNotStopped',
    notice: `not allowed to ${action} training job ${name} (not tagged as this construct's job, and outside its current `
      + 'trainingJobNamePrefix): the Delete succeeds without stopping it; stop it by hand if it still runs',
    jobName: name,
    stopByHand: `aws sagemaker stop-training-job --training-job-name ${name}`,
    reason: (error as Error).message,
  });
}

/**
 * Waits until a stopping job has stopped (SageMaker gives it 120 s to save its model and checkpoints), so that
 * CloudFormation does not delete its role, security group or bucket policy under it; bounded by the deadline.
 */
async function waitUntilStopped(client: SageMakerClient, name: string, options: HandlerOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = (options.deadline ?? now() + DEFAULT_WAIT_MS) - DEADLINE_MARGIN_MS;
  const interval = options.pollIntervalMs ?? 10_000;
  for (;;) {
    const job = await tryDescribe(client, name, options);
    const status = job?.TrainingJobStatus;
    if (status !== 'Stopping' && status !== 'InProgress') {
      console.log({ notice: 'training job has stopped', jobName: name, status });
      return;
    }
    if (now() + interval > deadline) {
      console.log({ notice: 'training job still stopping at the deadline; answering', jobName: name, status });
      return;
    }
    await sleep(interval);
  }
}

/** Runs the lifecycle function for any event. */
export async function onEvent(
  event: CloudFormationCustomResourceEvent,
  client: SageMakerClient,
  options: HandlerOptions = {},
): Promise<ResourceResult> {
  switch (event.RequestType) {
    case 'Create': return onCreate(event, client, options);
    case 'Update': return onUpdate(event, client, options);
    case 'Delete': return onDelete(event, client, options);
    default: throw new Error(`unknown RequestType ${(event as { RequestType: string }).RequestType}`);
  }
}

/**
 * Runs the event and builds CloudFormation's answer, without delivering it: a test harness calls this and
 * PUTs the answer wherever its CloudFormation listens. A Create that fails answers with a marker physical id,
 * so its Delete never touches a job of that name (for instance one whose adoption it refused).
 */
export async function respond(
  event: CloudFormationCustomResourceEvent,
  client: SageMakerClient,
  options: HandlerOptions = {},
): Promise<CloudFormationCustomResourceResponse> {
  try {
    return buildResponse(event, await onEvent(event, client, options), CREATE_FAILED_PHYSICAL_ID_MARKER);
  } catch (error) {
    console.log({ notice: 'failed', requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, reason: (error as Error).message });
    return buildResponse(event, error instanceof Error ? error : new Error(String(error)), CREATE_FAILED_PHYSICAL_ID_MARKER);
  }
}

/** The event as it may be logged: the response URL and the completion handle URL without their signatures. */
export function redactEvent(event: CloudFormationCustomResourceEvent): unknown {
  const redactProps = (props: { [key: string]: unknown } | undefined) => {
    if (!props) return props;
    const url = props[TrainingJobProperty.COMPLETION_HANDLE_URL];
    return typeof url === 'string' ? { ...props, [TrainingJobProperty.COMPLETION_HANDLE_URL]: redactUrl(url) } : props;
  };
  const old = (event as { OldResourceProperties?: { [key: string]: unknown } }).OldResourceProperties;
  return {
    ...event,
    ResponseURL: redactUrl(event.ResponseURL),
    ResourceProperties: redactProps(event.ResourceProperties),
    ...(old ? { OldResourceProperties: redactProps(old) } : {}),
  };
}

/** SDK request timeouts: a stuck connection fails the call (and is retried) instead of hanging the handler. */
export const SDK_REQUEST_TIMEOUTS = { connectionTimeout: 5_000, requestTimeout: 30_000 } as const;

/**
 * Lambda entry point: the client honours AWS_ENDPOINT_URL (SDK v3), the answer goes to the ResponseURL. A
 * deadline guard answers FAILED before the Lambda times out, so CloudFormation never waits for an answer that
 * will not come.
 */
export async function handler(event: CloudFormationCustomResourceEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<void> {
  console.log({ notice: 'event', event: redactEvent(event) });
  const remaining = context?.getRemainingTimeInMillis() ?? 5 * 60_000;
  const deadline = Date.now() + remaining - 10_000;
  const client = new SageMakerClient({ maxAttempts: 5, requestHandler: SDK_REQUEST_TIMEOUTS });
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<CloudFormationCustomResourceResponse>((resolve) => {
    timer = setTimeout(() => resolve(buildResponse(event,
      new Error('the training-job handler ran out of time (SageMaker did not answer); deploy again'),
      CREATE_FAILED_PHYSICAL_ID_MARKER)), Math.max(deadline - Date.now(), 1_000));
  });
  try {
    const response = await Promise.race([respond(event, client, { deadline }), guard]);
    await putJson(event.ResponseURL, response);
  } finally {
    clearTimeout(timer);
  }
}
