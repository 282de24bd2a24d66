// Internal: facts and checks shared by the hosting constructs. Not re-exported from src/hosting/index.ts.
import { ArnComponents, Duration, Size, SizeRoundingBehavior, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { AcceleratorKind } from '../compute/accelerator';
import { InstanceType } from '../compute/instance-type';
import { describeWhere } from '../private/validation';

/** The variant name SageMaker's own tools give a single-variant endpoint. */
export const DEFAULT_VARIANT_NAME = 'AllTraffic';

/** SageMaker's limit on production variants per endpoint configuration. */
export const MAX_VARIANTS = 10;

/**
 * Startup timeouts rendered when the user sets none. SageMaker's valid range is 60-3600 seconds.
 * Accelerated instances get more time: loading multi-GB weights onto GPUs / Neuron devices and
 * compiling kernels routinely exceeds what a CPU model needs.
 */
export const DEFAULT_TIMEOUTS = {
  cpu: { healthCheck: Duration.minutes(10), download: Duration.minutes(10) },
  accelerated: { healthCheck: Duration.minutes(30), download: Duration.minutes(30) },
};

const TIMEOUT_MIN_SECONDS = 60;
const TIMEOUT_MAX_SECONDS = 3600;

/** `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`: SageMaker's pattern for variant and endpoint names. */
const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * The parts of an endpoint's ARN, for `Resource.getResourceArnAttribute`: SageMaker writes the name in lower
 * case in the ARN.
 */
export function endpointArnComponents(physicalName: string): ArnComponents {
  const resourceName = Token.isUnresolved(physicalName) ? physicalName : physicalName.toLowerCase();
  return { service: 'sagemaker', resource: 'endpoint', resourceName };
}

/** Whether an instance type carries an accelerator (GPU, Inferentia, Trainium ...). */
export function isAccelerated(instanceType: InstanceType): boolean {
  return instanceType.acceleratorKind !== AcceleratorKind.NONE;
}

/** Adds a problem when a name does not match SageMaker's pattern. */
export function checkName(problems: string[], prop: string, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) {
    return;
  }
  if (!NAME_PATTERN.test(name)) {
    problems.push(`${prop} '${name}' is not a valid name: use 1-63 letters, digits and hyphens, starting and ending with a letter or digit`);
  }
}

/** Adds a problem when a number is not an integer within [min, max]. */
export function checkInteger(problems: string[], prop: string, value: number | undefined, min: number, max?: number): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
    problems.push(`${prop} ${value} is not allowed; use ${range}`);
  }
}

/** Adds a problem when a startup timeout is outside SageMaker's 60-3600 s range. */
export function checkTimeout(problems: string[], prop: string, value: Duration | undefined): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < TIMEOUT_MIN_SECONDS || seconds > TIMEOUT_MAX_SECONDS) {
    problems.push(`${prop} ${value.toHumanString()} is not allowed; use whole seconds from ${TIMEOUT_MIN_SECONDS} s to ${TIMEOUT_MAX_SECONDS} s (1 hour)`);
  }
}

/** Adds a problem when a duration is not whole seconds within [min, max] seconds. */
export function checkSeconds(problems: string[], prop: string, value: Duration | undefined, min: number, max: number): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    problems.push(`${prop} ${value.toHumanString()} is not allowed; use whole seconds from ${min} s to ${max} s`);
  }
}

/** Whole gibibytes of a Size, or a problem when it is not whole GiB within [min, max]. */
export function checkGibibytes(problems: string[], prop: string, value: Size | undefined, min: number, max: number): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const gib = value.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(gib) || gib < min || gib > max) {
    problems.push(`${prop} ${value.toMebibytes({ rounding: SizeRoundingBehavior.NONE })} MiB is not allowed; use whole GiB from ${min} to ${max}`);
  }
}

/**
 * Throws all problems together, if any, prefixed by the construct path (or a label): the library's one way, from
 * src/private/validation.ts.
 */
export { throwProblems } from '../private/validation';

/**
 * What an error found by a method names as its place: the path of the construct the method was called on, then
 * the method (`Stack/Endpoint: addVariant B`), so that `throwProblems` writes `<path>: <method>: <problem>`.
 */
export function methodWhere(scope: IConstruct, method: string): string {
  return `${describeWhere(scope)}: ${method}`;
}

/**
 * The service-linked role Application Auto Scaling uses for SageMaker variants (it creates it
 * when missing), so no extra role is created.
 */
export function sageMakerScalingRole(scope: Construct): iam.IRole {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild('SageMakerEndpointScalingRole') as iam.IRole | undefined;
  return existing ?? iam.Role.fromRoleArn(stack, 'SageMakerEndpointScalingRole', stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: 'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
  }));
}
