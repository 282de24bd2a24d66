/**
 * A replay of CloudFormation's custom-resource lifecycle against the training handlers: templates synthesized
 * from the construct, the handler's IAM policy of the template in force enforced on every SageMaker call, a fake
 * SageMaker that keeps job state, WaitConditionHandles whose presigned URLs can expire (403), and the EventBridge
 * rule -> signal function delivery. Used by the lifecycle tests; not a test itself.
 */
import {
  CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient, StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { PutError } from '../../src/training/private/cfn-response';
import { WaitConditionSignal } from '../../src/training/private/signal';
import { processSignal } from '../../src/training/training-job-signal.lambda';
import { HandlerOptions, respond } from '../../src/training/training-job.lambda';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

type Json = any;

/** One synthesized template, with what the replay needs from it. */
export interface Deployment {
  readonly template: Json;
  /** Logical id of the job's custom resource. */
  readonly resourceId: string;
  /** Values of the template's parameters. */
  readonly parameters?: { [name: string]: string };
}

interface FakeJob {
  status: string;
  request: Json;
  describesUntilStopped: number;
  failureReason?: string;
}

interface Handle {
  expired: boolean;
  signals: WaitConditionSignal[];
}

function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

/** IAM's wildcard match (`*` and `?`), case-sensitive like resource ARNs. */
function glob(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+^${}()|[\]\\?]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

/** A replayed account: SageMaker, handles, and the template whose policy is in force. */
export class Cloud {
  public readonly jobs = new Map<string, FakeJob>();
  public readonly handles = new Map<string, Handle>();
  public readonly denied: string[] = [];
  public readonly sagemaker = mockClient(SageMakerClient);
  public readonly client = new SageMakerClient({ region: REGION });
  /** The deployment whose handler policy is in force. */
  public policyOf: Deployment | undefined;
  private handleCount = 0;
  /** The physical id CloudFormation keeps for the resource. */
  public physicalId: string | undefined;
  /** The properties CloudFormation last applied (for OldResourceProperties). */
  public appliedProps: Json;
  /** Names of resources differ between stack generations (a stack destroyed and deployed again). */
  public generation = 1;
  /** Handle URL of each WaitConditionHandle logical id, per stack generation (a new one after destroy). */
  private handleUrls = new Map<string, string>();

  constructor() {
    this.sagemaker.on(DescribeTrainingJobCommand).callsFake(async (input) => {
      this.authorize('sagemaker:DescribeTrainingJob', this.jobArn(input.TrainingJobName), this.resourceTags(input.TrainingJobName));
      const job = this.jobs.get(input.TrainingJobName);
      if (!job) throw awsError('ValidationException', `Requested resource not found: ${input.TrainingJobName}`);
      if (job.status === 'Stopping' && --job.describesUntilStopped <= 0) job.status = 'Stopped';
      return {
        TrainingJobName: input.TrainingJobName,
        TrainingJobArn: this.jobArn(input.TrainingJobName),
        TrainingJobStatus: job.status,
        FailureReason: job.failureReason,
        RoleArn: job.request.RoleArn,
        OutputDataConfig: job.request.OutputDataConfig,
        ModelArtifacts: job.status === 'Completed'
          ? { S3ModelArtifacts: `${job.request.OutputDataConfig.S3OutputPath}/${input.TrainingJobName}/output/model.tar.gz` }
          : undefined,
      };
    });
    this.sagemaker.on(CreateTrainingJobCommand).callsFake(async (input) => {
      const name = input.TrainingJobName!;
      const requestTags = Object.fromEntries((input.Tags ?? []).map((t: { Key?: string; Value?: string }) => [`aws:RequestTag/${t.Key}`, t.Value!]));
      this.authorize('sagemaker:CreateTrainingJob', this.jobArn(name), requestTags);
      this.authorize('iam:PassRole', input.RoleArn!, { 'iam:PassedToService': 'sagemaker.amazonaws.com' });
      if (input.Tags?.length) this.authorize('sagemaker:AddTags', this.jobArn(name), requestTags);
      if (this.jobs.has(name)) throw awsError('ResourceInUse', `Training job names must be unique: ${name} already exists`);
      this.jobs.set(name, { status: 'InProgress', request: input, describesUntilStopped: 3 });
      return { TrainingJobArn: this.jobArn(name) };
    });
    this.sagemaker.on(StopTrainingJobCommand).callsFake(async (input) => {
      this.authorize('sagemaker:StopTrainingJob', this.jobArn(input.TrainingJobName), this.resourceTags(input.TrainingJobName));
      const job = this.jobs.get(input.TrainingJobName)!;
      if (job.status !== 'InProgress') throw awsError('ValidationException', `The job status is ${job.status}; it cannot be stopped`);
      job.status = 'Stopping';
      return {};
    });
  }

  /** SageMaker authorizes training jobs by their lower-cased ARN. */
  public jobArn(name: string): string {
    return `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${name.toLowerCase()}`;
  }

  /** The condition context of a call on an existing job: `aws:ResourceTag/<key>` of each of its tags (none for no job). */
  private resourceTags(name: string): { [key: string]: string } {
    const tags: Json[] = this.jobs.get(name)?.request.Tags ?? [];
    return Object.fromEntries(tags.map((t) => [`aws:ResourceTag/${t.Key}`, t.Value]));
  }

  /** The handler policy of the template in force allows the action on the resource, or the call is AccessDenied. */
  private authorize(action: string, resource: string, context: { [key: string]: string } = {}): void {
    const statements: Json[] = this.policyOf ? this.resolve(this.policyOf, handlerStatements(this.policyOf)) : [];
    const ok = statements.some((st) => st.Effect === 'Allow'
      && [].concat(st.Action).some((a: string) => glob(a, action))
      && [].concat(st.Resource).some((r: string) => glob(r, resource))
      // only StringEquals is modelled: a statement with any other operator never matches (never too permissive)
      && Object.keys(st.Condition ?? {}).every((op) => op === 'StringEquals')
      && Object.entries(st.Condition?.StringEquals ?? {}).every(([k, v]) => [].concat(v as any).includes(context[k] as never)));
    if (!ok) {
      this.denied.push(`${action} ${resource}`);
      throw awsError('AccessDeniedException', `User is not authorized to perform: ${action} on resource: ${resource}`, 403);
    }
  }

  /** A fresh presigned handle URL for a WaitConditionHandle of the current stack. */
  public handleUrl(logicalId: string): string {
    let url = this.handleUrls.get(logicalId);
    if (!url) {
      url = `https://cloudformation-waitcondition-${REGION}.s3.amazonaws.com/${logicalId}-${++this.handleCount}?X-Amz-Signature=secret${this.handleCount}`;
      this.handleUrls.set(logicalId, url);
      this.handles.set(url, { expired: false, signals: [] });
    }
    return url;
  }

  /** A new stack (after destroy): new handles, new resource ids. */
  public forgetStack(): void {
    this.handleUrls.clear();
    this.physicalId = undefined;
    this.appliedProps = undefined;
  }

  /** What a PUT to a handle does: 403 once its presigned URL expired. */
  public readonly signal = async (url: string, body: WaitConditionSignal): Promise<void> => {
    const handle = this.handles.get(url);
    if (!handle || handle.expired) {
      throw new PutError(`PUT to ${url.split('?')[0]} answered HTTP 403: Request has expired`, 403);
    }
    handle.signals.push(body);
  };

  /** The resource's properties as CloudFormation hands them over: references resolved, every scalar a string. */
  public propertiesOf(d: Deployment): Json {
    const resource = d.template.Resources[d.resourceId];
    return stringify(this.resolve(d, resource.Properties));
  }

  private resolve(d: Deployment, value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => this.resolve(d, v));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'Ref') {
      const name = value.Ref;
      if (name === 'AWS::Partition') return 'aws';
      if (name === 'AWS::Region') return REGION;
      if (name === 'AWS::AccountId') return ACCOUNT;
      if (name === 'AWS::URLSuffix') return 'amazonaws.com';
      if (d.parameters && name in d.parameters) return d.parameters[name];
      const type = d.template.Resources[name]?.Type;
      if (type === 'AWS::CloudFormation::WaitConditionHandle') return this.handleUrl(name);
      return `${name.toLowerCase()}-${this.generation}`;
    }
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
      const [id, attribute] = value['Fn::GetAtt'];
      if (attribute === 'Arn') {
        const type = d.template.Resources[id]?.Type;
        if (type === 'AWS::IAM::Role') return `arn:aws:iam::${ACCOUNT}:role/${id}-${this.generation}`;
        if (type === 'AWS::S3::Bucket') return `arn:aws:s3:::${id.toLowerCase()}-${this.generation}`;
        return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}-${this.generation}`;
      }
      return `${id}.${attribute}`;
    }
    if (keys.length === 1 && keys[0] === 'Fn::Join') {
      const [sep, parts] = value['Fn::Join'];
      return parts.map((p: Json) => this.resolve(d, p)).join(sep);
    }
    return Object.fromEntries(keys.map((k) => [k, this.resolve(d, value[k])]));
  }

  /** Sends one custom-resource event to the handler and returns CloudFormation's answer. */
  public async send(event: Partial<CloudFormationCustomResourceEvent> & { RequestType: string }, options: HandlerOptions = {}): Promise<Json> {
    const full = {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:handler',
      ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=response',
      StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/S/guid-${this.generation}`,
      RequestId: `req-${Math.random()}`,
      LogicalResourceId: 'TrainResource',
      ResourceType: 'Custom::SageMakerTrainingJob',
      ...event,
    } as CloudFormationCustomResourceEvent;
    return respond(full, this.client, { sleep: async () => undefined, signal: this.signal, pollIntervalMs: 10_000, ...options });
  }

  // ----- CloudFormation's documented orders

  /** Stack create: policy first (the resource depends on it), then Create. */
  public async create(d: Deployment): Promise<Json> {
    this.policyOf = d;
    const props = this.propertiesOf(d);
    const answer = await this.send({ RequestType: 'Create', ResourceProperties: props });
    this.physicalId = answer.PhysicalResourceId;
    if (answer.Status === 'SUCCESS') this.appliedProps = props;
    return answer;
  }

  /** Stack update: the new policy, then Update of the resource (old props as OldResourceProperties). */
  public async update(d: Deployment): Promise<Json> {
    this.policyOf = d;
    const props = this.propertiesOf(d);
    const answer = await this.send({
      RequestType: 'Update', PhysicalResourceId: this.physicalId!, ResourceProperties: props, OldResourceProperties: this.appliedProps,
    } as Json);
    return { answer, props };
  }

  /** UPDATE_ROLLBACK: the old template's policy comes back, then Update back to the old props. */
  public async rollback(old: Deployment, failedProps: Json, newPhysicalId: string): Promise<Json> {
    this.policyOf = old;
    const props = this.propertiesOf(old);
    return this.send({
      RequestType: 'Update', PhysicalResourceId: newPhysicalId, ResourceProperties: props, OldResourceProperties: failedProps,
    } as Json);
  }

  /** Cleanup (after an update or a rollback) or stack delete: Delete of a physical id under the policy in force. */
  public async delete(physicalId: string, props: Json, options: HandlerOptions = {}): Promise<Json> {
    return this.send({ RequestType: 'Delete', PhysicalResourceId: physicalId, ResourceProperties: props } as Json, options);
  }

  /** A job ends: SageMaker emits the state change; the rule of the template in force forwards it to the signal function. */
  public async finish(d: Deployment, name: string, status: 'Completed' | 'Failed' | 'Stopped', failureReason?: string): Promise<void> {
    const job = this.jobs.get(name)!;
    job.status = status;
    job.failureReason = failureReason;
    const event = {
      'source': 'aws.sagemaker',
      'account': ACCOUNT,
      'detail-type': 'SageMaker Training Job State Change',
      'detail': {
        TrainingJobName: name,
        TrainingJobStatus: status,
        FailureReason: failureReason,
        ModelArtifacts: status === 'Completed'
          ? { S3ModelArtifacts: `${job.request.OutputDataConfig.S3OutputPath}/${name}/output/model.tar.gz` }
          : undefined,
      },
    };
    for (const [, rule] of Object.entries<Json>(d.template.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule')) {
      const pattern = this.resolve(d, rule.Properties.EventPattern);
      const matches = pattern.source.includes(event.source) && (pattern.account ?? [event.account]).includes(event.account)
        && pattern['detail-type'].includes(event['detail-type'])
        && pattern.detail.TrainingJobName.includes(name) && pattern.detail.TrainingJobStatus.includes(status);
      if (!matches) continue;
      for (const target of rule.Properties.Targets) {
        // the target input is an InputTransformer: <detail> is the event's detail, the handle a resolved Ref
        const template = this.resolve(d, target.InputTransformer.InputTemplate) as string;
        const input = JSON.parse(template.replace('<detail>', JSON.stringify(event.detail)));
        await processSignal(input, this.signal);
      }
    }
  }
}

/** The handler role's policy statements (unresolved). */
function handlerStatements(d: Deployment): Json[] {
  return Object.values<Json>(d.template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy'
      && JSON.stringify(r.Properties.Roles).includes('SageMakerTrainingJobHandlerRole'))
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
}

/** CloudFormation hands every scalar of a custom resource's properties over as a string. */
function stringify(value: Json): Json {
  if (Array.isArray(value)) return value.map(stringify);
  if (value === null || value === undefined) return value;
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringify(v)]));
  return String(value);
}
