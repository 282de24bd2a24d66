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
} from 'aws-lambda';
import {
  buildResponse, putJson, redactUrl, ResourceResult, RetryOptions, withRetry,
} from '../private/training-cfn-response';
import {
  modelArtifactsKeySuffix, TrainingJobAttribute, TrainingJobProperty,
} from '../private/training-protocol';
import { signalForJob, WaitConditionSignal } from '../private/training-signal';

/**
 * Handler of `Custom::SageMakerTrainingJob`.
 *
 * - Create: CreateTrainingJob and return at once (a custom resource answer is capped at one hour; the
 *   deployment waits on a WaitCondition that the job's EventBridge state-change event signals). A job that
 *   already exists under the name (a CloudFormation retry, a rollback, a redeploy after the stack was
 *   deleted) is adopted, never recreated; an adopted job that has already finished signals the
 *   WaitCondition itself, since no state-change event will come for it.
 * - Update: the name is a hash of the request, so a changed request has a new name: start that job and
 *   return the new physical id (CloudFormation then deletes the old one). Same name: nothing to do.
 * - Delete: stop the job if it is still running; "not found" is done; artifacts are never touched.
 */

/** Injectable parts, so tests run without timers or network. */
export interface HandlerOptions extends RetryOptions {
  /** Delivers a WaitCondition signal; defaults to an HTTP PUT. */
  readonly signal?: (url: string, body: WaitConditionSignal) => Promise<void>;
}

/** The properties the construct sets, read from an event. */
export interface TrainingJobResourceProperties {
  readonly trainingJobName: string;
  readonly request: Omit<CreateTrainingJobCommandInput, 'TrainingJobName'>;
  readonly completionHandleUrl?: string;
}

/** Reads and checks the resource properties of an event. */
export function parseProperties(properties: { [key: string]: unknown }): TrainingJobResourceProperties {
  const name = properties[TrainingJobProperty.TRAINING_JOB_NAME];
  const rawRequest = properties[TrainingJobProperty.REQUEST];
  if (typeof name !== 'string' || name.length === 0) {
    throw new Error(`property ${TrainingJobProperty.TRAINING_JOB_NAME} is missing`);
  }
  if (typeof rawRequest !== 'string') {
    throw new Error(`property ${TrainingJobProperty.REQUEST} must be a JSON string`);
  }
  let request: TrainingJobResourceProperties['request'];
  try {
    request = JSON.parse(rawRequest);
  } catch (e) {
    throw new Error(`property ${TrainingJobProperty.REQUEST} is not valid JSON: ${(e as Error).message}`);
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
  const outputPath = props.request.OutputDataConfig?.S3OutputPath ?? '';
  const base = outputPath.endsWith('/') ? outputPath : `${outputPath}/`;
  return `${base}${modelArtifactsKeySuffix(props.trainingJobName)}`;
}

function isAlreadyExists(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ResourceInUse' || e?.name === 'ConflictException'
    || /already exists|must be unique/i.test(e?.message ?? '');
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ResourceNotFound' || /not found|does not exist|could not find/i.test(e?.message ?? '');
}

async function describe(client: SageMakerClient, name: string, options: RetryOptions) {
  return withRetry(() => client.send(new DescribeTrainingJobCommand({ TrainingJobName: name })), options);
}

function attributes(props: TrainingJobResourceProperties, arn: string): { [key: string]: string } {
  return {
    [TrainingJobAttribute.TRAINING_JOB_NAME]: props.trainingJobName,
    [TrainingJobAttribute.TRAINING_JOB_ARN]: arn,
    [TrainingJobAttribute.MODEL_ARTIFACTS_S3_URI]: modelArtifactsS3Uri(props),
  };
}

async function startJob(
  client: SageMakerClient,
  props: TrainingJobResourceProperties,
  options: HandlerOptions,
): Promise<ResourceResult> {
  const name = props.trainingJobName;
  let arn: string;
  try {
    const created = await withRetry(() => client.send(new CreateTrainingJobCommand({
      ...props.request,
      TrainingJobName: name,
    })), options);
    arn = created.TrainingJobArn ?? '';
    console.log(`Created training job ${name} (${arn})`);
  } catch (error) {
    if (!isAlreadyExists(error)) {
      throw error;
    }
    // Same name = same hash = same definition: adopt the job instead of failing or starting another.
    const existing = await describe(client, name, options);
    arn = existing.TrainingJobArn ?? '';
    console.log(`Adopted existing training job ${name} (${existing.TrainingJobStatus})`);
    await settleAdoptedJob(existing, props, options);
  }
  return { physicalResourceId: name, data: attributes(props, arn) };
}

/**
 * A job that is already over sends no more state-change events: signal its WaitCondition now (Completed),
 * or fail the resource with its reason (Failed, Stopped), so the deployment does not hang until timeout.
 */
async function settleAdoptedJob(
  job: DescribeTrainingJobCommandOutput,
  props: TrainingJobResourceProperties,
  options: HandlerOptions,
): Promise<void> {
  const status = job.TrainingJobStatus;
  if (status === 'Failed' || status === 'Stopped') {
    throw new Error(`${signalForJob(job).Reason}. A SageMaker job name cannot be reused: change the job's definition `
      + '(or its retrainToken) to start a new job.');
  }
  if (status === 'Completed' && props.completionHandleUrl) {
    const send = options.signal ?? putJson;
    await send(props.completionHandleUrl, signalForJob(job));
    console.log(`Signalled ${redactUrl(props.completionHandleUrl)}: job already Completed`);
  }
}

/** Create: start the job (or adopt the one with this name). */
export async function onCreate(
  event: CloudFormationCustomResourceCreateEvent,
  client: SageMakerClient,
  options: HandlerOptions = {},
): Promise<ResourceResult> {
  return startJob(client, parseProperties(event.ResourceProperties), options);
}

/** Update: a changed definition has a new name, so start that job; CloudFormation deletes the old resource. */
export async function onUpdate(
  event: CloudFormationCustomResourceUpdateEvent,
  client: SageMakerClient,
  options: HandlerOptions = {},
): Promise<ResourceResult> {
  const props = parseProperties(event.ResourceProperties);
  if (props.trainingJobName === event.PhysicalResourceId) {
    // Nothing that defines the job changed (the name is its hash): keep the job, start nothing.
    const existing = await describe(client, props.trainingJobName, options);
    const previous = parseProperties(event.OldResourceProperties);
    if (props.completionHandleUrl && props.completionHandleUrl !== previous.completionHandleUrl) {
      // A new WaitCondition for the same job (the deployment started waiting): if the job is already over,
      // no state-change event will come, so settle it here.
      await settleAdoptedJob(existing, props, options);
    }
    return { physicalResourceId: props.trainingJobName, data: attributes(props, existing.TrainingJobArn ?? '') };
  }
  return startJob(client, props, options);
}

/** Delete: stop a running job; a missing or finished job is done. Artifacts are never deleted. */
export async function onDelete(
  event: CloudFormationCustomResourceDeleteEvent,
  client: SageMakerClient,
  options: HandlerOptions = {},
): Promise<ResourceResult> {
  const name = event.PhysicalResourceId;
  let job: DescribeTrainingJobCommandOutput;
  try {
    job = await describe(client, name, options);
  } catch (error) {
    if (isNotFound(error) || isValidationOfName(error)) {
      console.log(`Training job ${name} does not exist: nothing to delete`);
      return { physicalResourceId: name };
    }
    throw error;
  }
  if (job.TrainingJobStatus === 'InProgress') {
    try {
      await withRetry(() => client.send(new StopTrainingJobCommand({ TrainingJobName: name })), options);
      console.log(`Stopping training job ${name}`);
    } catch (error) {
      // It may have finished between Describe and Stop; that is what we wanted.
      if (!/not in progress|Stopping|Completed|Failed|Stopped|ValidationException/i.test(
        `${(error as Error).name} ${(error as Error).message}`)) {
        throw error;
      }
    }
  } else {
    console.log(`Training job ${name} is ${job.TrainingJobStatus}: nothing to stop`);
  }
  return { physicalResourceId: name };
}

/**
 * A physical id that is not a job name (a Create that failed before naming anything) makes Describe answer
 * a ValidationException about the name: there is nothing to delete either.
 */
function isValidationOfName(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ValidationException' && /TrainingJobName|training job name|Requested resource/i.test(e?.message ?? '');
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
 * PUTs the answer wherever its CloudFormation listens.
 */
export async function respond(
  event: CloudFormationCustomResourceEvent,
  client: SageMakerClient,
  options: HandlerOptions = {},
): Promise<CloudFormationCustomResourceResponse> {
  const fallbackId = String(event.ResourceProperties?.[TrainingJobProperty.TRAINING_JOB_NAME] ?? event.LogicalResourceId);
  try {
    return buildResponse(event, await onEvent(event, client, options), fallbackId);
  } catch (error) {
    console.error(error);
    return buildResponse(event, error instanceof Error ? error : new Error(String(error)), fallbackId);
  }
}

/** Lambda entry point: the client honours AWS_ENDPOINT_URL (SDK v3), the answer goes to the ResponseURL. */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<void> {
  console.log(JSON.stringify({ ...event, ResponseURL: redactUrl(event.ResponseURL) }));
  const client = new SageMakerClient({ maxAttempts: 5 });
  const response = await respond(event, client);
  await putJson(event.ResponseURL, response);
}
