import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** What the projen-generated function classes accept. */
type FunctionClass<T extends lambda.Function> = new (scope: Construct, id: string, props?: lambda.FunctionOptions) => T;

/** Options of a stack-wide handler. */
export interface StackFunctionOptions {
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize?: number;
  /** Where asynchronous invocations that failed after Lambda's retries go. */
  readonly deadLetterQueue?: sqs.IQueue;
}

/** Per stack: the key of the handler log groups, and whether any was created yet. */
const HANDLER_LOGS = new WeakMap<Stack, { key?: kms.IKey; created: boolean }>();

function handlerLogs(stack: Stack): { key?: kms.IKey; created: boolean } {
  let state = HANDLER_LOGS.get(stack);
  if (!state) {
    state = { created: false };
    HANDLER_LOGS.set(stack, state);
  }
  return state;
}

/**
 * Sets the KMS key of the stack's handler log groups before they are created; returns a problem when the
 * groups already exist with another key (or none), or another job gave another key.
 */
export function useHandlerLogsKey(scope: Construct, key: kms.IKey | undefined): string | undefined {
  if (key === undefined) return undefined;
  const state = handlerLogs(Stack.of(scope));
  if (state.key === key) return undefined;
  if (state.key === undefined && !state.created) {
    state.key = key;
    return undefined;
  }
  return `handlerLogsEncryptionKey ${key.node.path} is not allowed: the stack's training handlers already log to groups `
    + `${state.key ? `encrypted with ${state.key.node.path}` : 'without a key'} (set by an earlier TrainingJob); give every TrainingJob `
    + 'of the stack the same handlerLogsEncryptionKey, or give it to the first one';
}

/**
 * The stack's one instance of a handler function (looked up by id, created on first use), with its own role
 * and log group: logs go to a group with a retention, and the role holds only what the constructs grant it
 * plus writing to that group (no AWSLambdaBasicExecutionRole managed policy).
 */
export function stackFunction<T extends lambda.Function>(scope: Construct, id: string, cls: FunctionClass<T>, options: StackFunctionOptions): T {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(id);
  if (existing) {
    return existing as T;
  }
  const state = handlerLogs(stack);
  state.created = true;
  const logGroup = new logs.LogGroup(stack, `${id}Logs`, { retention: logs.RetentionDays.THREE_MONTHS, encryptionKey: state.key });
  if (state.key) {
    // CloudWatch Logs uses the key for the groups of this account and region only
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html)
    state.key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
      },
    }), false);
  }
  const role = new iam.Role(stack, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: options.description,
  });
  logGroup.grantWrite(role);
  const fn = new cls(stack, id, {
    description: options.description,
    timeout: options.timeout,
    memorySize: options.memorySize,
    role,
    logGroup,
    deadLetterQueue: options.deadLetterQueue,
  });
  return fn;
}
