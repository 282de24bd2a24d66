import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
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
  const logGroup = new logs.LogGroup(stack, `${id}Logs`, { retention: logs.RetentionDays.THREE_MONTHS });
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
