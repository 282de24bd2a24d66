/**
 * A training job's whole life, simulated: CloudFormation creates the job's custom resource, SageMaker emits
 * its state-change events over the job's duration, EventBridge matches them against the job's rule (the
 * pattern and input transformer read from the synthesized template), the signal function signals the
 * WaitCondition, and later the stack is deleted. Counts the SageMaker API calls and Lambda invocations.
 *
 * Two drivers: the handlers' source functions with a SageMaker client mocked by aws-sdk-client-mock, and the
 * bundled handlers as deployed (their own SDK copy and HTTP) against the local stand-in.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient, StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { App, Stack } from 'aws-cdk-lib';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { StandIn, standInEnvironment } from './stand-in';
import { EntryPoint, InstanceType, SageMakerImage, TrainingJob } from '../../src';
import * as signalSource from '../../src/training/training-job-signal.lambda';
import * as jobSource from '../../src/training/training-job.lambda';
import { ENV, TRAIN_IMAGE_URI } from '../apps/common';

/** The counts of one simulated job. */
export interface JobLifecycleCounts {
  readonly driver: string;
  readonly jobHours: number;
  /** State-change events SageMaker emitted for the job. */
  readonly stateChangeEvents: number;
  /** Events the job's rule matched (each invokes the signal function). */
  readonly eventsDelivered: number;
  /** SageMaker API calls by operation, from creation to completion. */
  readonly apiCallsToCompletion: { [operation: string]: number };
  /** Lambda invocations by function, from creation to completion. */
  readonly invocationsToCompletion: { [fn: string]: number };
  /** WaitCondition signals sent. */
  readonly signals: number;
  /** SageMaker API calls of the stack's deletion afterwards. */
  readonly apiCallsOnDelete: { [operation: string]: number };
}

interface JobResources {
  readonly properties: { [key: string]: unknown };
  readonly eventPattern: { [key: string]: unknown };
  readonly inputTemplate: unknown;
}

/** Synthesizes one waiting job (default maxRuntime, 11 h) and reads its custom resource and rule. */
export function synthesizeJob(): JobResources {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-job-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Job', { env: ENV });
    new TrainingJob(stack, 'Train', {
      image: SageMakerImage.fromImageUri(TRAIN_IMAGE_URI, { entryPoint: EntryPoint.program('train.py') }),
      instanceType: InstanceType.ML_M5_XLARGE,
    });
    const template = JSON.parse(fs.readFileSync(path.join(app.synth().directory, 'Job.template.json'), 'utf8'));
    const resources = Object.values<{ Type: string; Properties: any }>(template.Resources);
    const job = resources.find((r) => r.Type === 'Custom::SageMakerTrainingJob')!;
    const rule = resources.find((r) => r.Type === 'AWS::Events::Rule')!;
    return {
      properties: job.Properties,
      eventPattern: rule.Properties.EventPattern,
      inputTemplate: rule.Properties.Targets[0].InputTransformer.InputTemplate,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Resolves the intrinsics of a template value with stand-in values (handle refs become `handleUrl`). */
function resolveValue(value: unknown, handleUrl: string): any {
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, handleUrl));
  if (value && typeof value === 'object') {
    const obj = value as { [key: string]: any };
    if ('Fn::Join' in obj) {
      const [sep, parts] = obj['Fn::Join'];
      return parts.map((p: unknown) => resolveValue(p, handleUrl)).join(sep);
    }
    if ('Ref' in obj) return /CompletionHandle/.test(obj.Ref) ? handleUrl : `ref-${obj.Ref}`;
    if ('Fn::GetAtt' in obj) return `arn:aws:bench:us-east-1:123456789012:${obj['Fn::GetAtt'].join('/')}`;
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolveValue(v, handleUrl)]));
  }
  return value;
}

/** EventBridge matching for the pattern forms the rule uses: nested objects and lists of exact values. */
export function matches(pattern: { [key: string]: unknown }, event: { [key: string]: unknown }): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (Array.isArray(expected)) return expected.includes(actual);
    if (expected && typeof expected === 'object') {
      return actual !== null && typeof actual === 'object' && matches(expected as { [k: string]: unknown }, actual as { [k: string]: unknown });
    }
    return false;
  });
}

/** SageMaker's state-change events for a job of `hours` that completes: one per status or secondary-status change. */
function stateChanges(name: string, hours: number): Array<{ at: number; event: { [key: string]: unknown } }> {
  const steps: Array<[number, string, string]> = [
    [0, 'InProgress', 'Starting'],
    [180, 'InProgress', 'Downloading'],
    [300, 'InProgress', 'Training'],
    [hours * 3600 + 300, 'InProgress', 'Uploading'],
    [hours * 3600 + 360, 'Completed', 'Completed'],
  ];
  return steps.map(([at, status, secondary]) => ({
    at,
    event: {
      'source': 'aws.sagemaker',
      'detail-type': 'SageMaker Training Job State Change',
      'detail': {
        TrainingJobName: name,
        TrainingJobStatus: status,
        SecondaryStatus: secondary,
        ModelArtifacts: status === 'Completed' ? { S3ModelArtifacts: `s3://bench/training-jobs/${name}/output/model.tar.gz` } : undefined,
      },
    },
  }));
}

function cfnEvent(type: 'Create' | 'Delete', properties: { [key: string]: unknown }, responseUrl: string): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: String(properties.ServiceToken),
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Job/1',
    RequestId: `${type}-1`,
    LogicalResourceId: 'Train',
    ResourceType: 'Custom::SageMakerTrainingJob',
    ResourceProperties: properties as { ServiceToken: string },
  };
  return type === 'Create'
    ? { ...common, RequestType: 'Create' }
    : { ...common, RequestType: 'Delete', PhysicalResourceId: String(properties.TrainingJobName) };
}

interface Driver {
  readonly name: string;
  /** Runs the job handler on an event. */
  invokeJobHandler(event: CloudFormationCustomResourceEvent): Promise<void>;
  /** Runs the signal function on a rule's target input. */
  invokeSignal(input: { [key: string]: unknown }): Promise<void>;
  /** Sets the status DescribeTrainingJob answers. */
  setStatus(status: string): void;
  /** SageMaker calls so far, by operation. */
  apiCalls(): { [operation: string]: number };
  /** Signals sent so far. */
  signals(): number;
}

async function simulate(driver: Driver, resources: JobResources, hours: number, handleUrl: string, responseUrl: string): Promise<JobLifecycleCounts> {
  const properties = resolveValue(resources.properties, handleUrl);
  const invocations: { [fn: string]: number } = { jobHandler: 0, signalFunction: 0 };

  // CloudFormation creates the custom resource: the handler starts the job and answers at once.
  invocations.jobHandler++;
  await driver.invokeJobHandler(cfnEvent('Create', properties, responseUrl));
  driver.setStatus('InProgress');

  // SageMaker emits its state changes; the rule delivers the matching ones to the signal function.
  const changes = stateChanges(String(properties.TrainingJobName), hours);
  let delivered = 0;
  for (const { event } of changes) {
    const detail = event.detail as { TrainingJobStatus: string };
    driver.setStatus(detail.TrainingJobStatus);
    if (!matches(resources.eventPattern, event)) continue;
    delivered++;
    invocations.signalFunction++;
    const input = JSON.parse(resolveValue(resources.inputTemplate, handleUrl).replace('<detail>', JSON.stringify(event.detail)));
    await driver.invokeSignal(input);
  }
  const apiCallsToCompletion = driver.apiCalls();
  const signals = driver.signals();

  // Later the stack is deleted: the handler finds the job finished and stops nothing.
  await driver.invokeJobHandler(cfnEvent('Delete', properties, responseUrl));
  const after = driver.apiCalls();
  const apiCallsOnDelete: { [operation: string]: number } = {};
  for (const [op, n] of Object.entries(after)) {
    const d = n - (apiCallsToCompletion[op] ?? 0);
    if (d > 0) apiCallsOnDelete[op] = d;
  }
  return {
    driver: driver.name,
    jobHours: hours,
    stateChangeEvents: changes.length,
    eventsDelivered: delivered,
    apiCallsToCompletion,
    invocationsToCompletion: invocations,
    signals,
    apiCallsOnDelete,
  };
}

/** The source handlers, with aws-sdk-client-mock standing in for SageMaker. */
export async function simulateWithMock(resources: JobResources, hours: number): Promise<JobLifecycleCounts> {
  const client = new SageMakerClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  let status = 'InProgress';
  mock.on(CreateTrainingJobCommand).callsFake((input) => ({ TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${input.TrainingJobName}` }));
  mock.on(DescribeTrainingJobCommand).callsFake((input) => ({ TrainingJobName: input.TrainingJobName, TrainingJobStatus: status }));
  mock.on(StopTrainingJobCommand).resolves({});
  let signals = 0;
  const send = async () => { signals++; };
  try {
    return await simulate({
      name: 'source handlers + aws-sdk-client-mock',
      invokeJobHandler: async (event) => {
        const response = await jobSource.respond(event, client, { sleep: async () => undefined, signal: send });
        if (response.Status !== 'SUCCESS') throw new Error(`job handler failed: ${response.Reason}`);
      },
      invokeSignal: async (input) => { await signalSource.processSignal(input as unknown as signalSource.SignalEvent, send); },
      setStatus: (s) => { status = s; },
      apiCalls: () => {
        const counts: { [op: string]: number } = {};
        for (const call of mock.calls()) {
          const op = (call.args[0] as object).constructor.name.replace(/Command$/, '');
          counts[op] = (counts[op] ?? 0) + 1;
        }
        return counts;
      },
      signals: () => signals,
    }, resources, hours, 'https://handle.invalid/wait', 'https://response.invalid/cfn');
  } finally {
    mock.restore();
  }
}

/** The bundled handlers as deployed (their own SDK and HTTP), against the local stand-in. */
export async function simulateWithBundles(
  resources: JobResources, hours: number, jobBundle: string, signalBundle: string,
): Promise<JobLifecycleCounts> {
  const standIn = new StandIn();
  const base = await standIn.start();
  const saved = { ...process.env };
  Object.assign(process.env, standInEnvironment(base));
  const log = console.log;
  console.log = () => undefined; // the handlers log every event
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jobBundleModule = require(jobBundle);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const signalBundleModule = require(signalBundle);
    const sageMakerCalls = () => {
      const counts: { [op: string]: number } = {};
      for (const r of standIn.requests) {
        if (r.what.startsWith('SageMaker.')) {
          const op = r.what.slice('SageMaker.'.length);
          counts[op] = (counts[op] ?? 0) + 1;
        }
      }
      return counts;
    };
    return await simulate({
      name: 'bundled handlers + local SageMaker stand-in',
      invokeJobHandler: async (event) => { await jobBundleModule.handler(event); },
      invokeSignal: async (input) => { await signalBundleModule.handler(input); },
      setStatus: (s) => { standIn.jobStatus = s; },
      apiCalls: sageMakerCalls,
      signals: () => standIn.requests.filter((r) => r.what === 'PUT /handle').length,
    }, resources, hours, `${base}/handle/wait?X-Amz-Signature=x`, `${base}/response/cfn?X-Amz-Signature=x`);
  } finally {
    console.log = log;
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await standIn.stop();
  }
}
