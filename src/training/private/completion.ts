import { CfnWaitCondition, CfnWaitConditionHandle, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IDependable } from 'constructs';
import { stackFunction } from './functions';
import { FINAL_TRAINING_JOB_STATUSES, SignalInputKey } from './protocol';
import { TrainingJobSignalFunction } from '../training-job-signal-function';

/** What a job's completion needs to know. */
export interface TrainingJobCompletionProps {
  /** The job name (known at synth). */
  readonly jobName: string;
  /** The hash in the job name: a WaitCondition cannot be updated, so each job gets its own. */
  readonly hash: string;
  /** Seconds the WaitCondition waits (at most 12 hours). */
  readonly timeoutSeconds: number;
}

/**
 * The completion of a waiting training job, without polling: the job's EventBridge state-change event (filtered
 * on this account, the job's name and its final statuses) invokes the stack's signal function with the
 * WaitConditionHandle URL, which PUTs the signal. A signal that cannot be delivered after the retries goes to
 * the stack's dead-letter queue instead of being lost silently.
 */
export class TrainingJobCompletion extends Construct {
  /** The handle the job's resource passes to the handler (for a job that is already over). */
  public readonly handle: CfnWaitConditionHandle;
  /** The rule that forwards the job's final state change. */
  public readonly rule: events.Rule;
  /** The stack's signal function. */
  public readonly signalFunction: TrainingJobSignalFunction;

  private readonly props: TrainingJobCompletionProps;

  constructor(scope: Construct, id: string, props: TrainingJobCompletionProps) {
    super(scope, id);
    this.props = props;
    const stack = Stack.of(this);
    this.handle = new CfnWaitConditionHandle(this, `Handle${props.hash}`);
    const deadLetterQueue = signalDeadLetterQueueOf(this);
    this.signalFunction = signalFunctionOf(this, deadLetterQueue);
    // The rule stays in the job's scope under the id it had before this construct existed, so upgrading a
    // stack does not replace it (integ-runner flags a replaced rule as destructive, and nothing is gained).
    this.rule = new events.Rule(scope, 'CompletionRule', {
      description: `Signals the WaitCondition of SageMaker training job ${props.jobName} when it ends`,
      eventPattern: {
        source: ['aws.sagemaker'],
        account: [stack.account],
        detailType: ['SageMaker Training Job State Change'],
        detail: {
          TrainingJobName: [props.jobName],
          TrainingJobStatus: FINAL_TRAINING_JOB_STATUSES,
        },
      },
      targets: [new targets.LambdaFunction(this.signalFunction, {
        event: events.RuleTargetInput.fromObject({
          [SignalInputKey.HANDLE_URL]: this.handle.ref,
          [SignalInputKey.DETAIL]: events.EventField.fromPath('$.detail'),
        }),
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
        deadLetterQueue,
      })],
    });
  }

  /** The handle URL, for the job's resource. */
  public get handleUrl(): string {
    return this.handle.ref;
  }

  /** The WaitCondition that waits for the job behind `resource`; created once. */
  public waitFor(resource: IDependable): CfnWaitCondition {
    const condition = new CfnWaitCondition(this, `Condition${this.props.hash}`, {
      handle: this.handle.ref,
      count: 1,
      timeout: String(this.props.timeoutSeconds),
    });
    condition.node.addDependency(resource);
    return condition;
  }
}

/**
 * The stack's one queue for completion signals that could not be delivered (EventBridge could not invoke the
 * function, or the function failed after Lambda's retries): encrypted, TLS only, kept 14 days.
 */
function signalDeadLetterQueueOf(scope: Construct): sqs.Queue {
  const stack = Stack.of(scope);
  const id = 'SageMakerTrainingJobSignalDeadLetters';
  return (stack.node.tryFindChild(id) as sqs.Queue | undefined) ?? new sqs.Queue(stack, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
}

/** The stack's one completion-signal function, created on first use. */
function signalFunctionOf(scope: Construct, deadLetterQueue: sqs.IQueue): TrainingJobSignalFunction {
  return stackFunction(scope, 'SageMakerTrainingJobSignal', TrainingJobSignalFunction, {
    description: 'Signals the WaitCondition of a SageMaker training job when it ends (cdk-sagemaker-containers)',
    timeout: Duration.seconds(30),
    deadLetterQueue,
  });
}
