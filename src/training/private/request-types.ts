/**
 * CloudFormation hands every scalar of a custom resource's properties over as a string (`2` arrives as `"2"`,
 * `true` as `"true"`). The construct carries the CreateTrainingJob request structured (a token's deploy-time
 * value then never needs JSON escaping), and the handler restores the API's types here: the fields the API types
 * as integers or booleans, everything else stays a string (hyperparameters, environment and tags are string
 * maps in the API).
 */

/** Paths (`.`-separated; `[]` for every element of a list) of the request's integer fields. */
const INTEGER_FIELDS = [
  'ResourceConfig.InstanceCount',
  'ResourceConfig.VolumeSizeInGB',
  'ResourceConfig.KeepAlivePeriodInSeconds',
  'ResourceConfig.InstanceGroups[].InstanceCount',
  'StoppingCondition.MaxRuntimeInSeconds',
  'StoppingCondition.MaxWaitTimeInSeconds',
  'StoppingCondition.MaxPendingTimeInSeconds',
  'RetryStrategy.MaximumRetryAttempts',
  'InputDataConfig[].ShuffleConfig.Seed',
  'ProfilerConfig.ProfilingIntervalInMilliseconds',
];

/** Paths of the request's boolean fields. */
const BOOLEAN_FIELDS = [
  'EnableNetworkIsolation',
  'EnableInterContainerTrafficEncryption',
  'EnableManagedSpotTraining',
  'AlgorithmSpecification.EnableSageMakerMetricsTimeSeries',
  'ProfilerConfig.DisableProfiler',
];

/** A copy of the request with the API's integers and booleans restored; throws naming the field it cannot read. */
export function restoreRequestTypes(request: { [key: string]: unknown }): { [key: string]: unknown } {
  const copy = JSON.parse(JSON.stringify(request));
  for (const path of INTEGER_FIELDS) {
    visit(copy, path.split('.'), path, (value) => {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
      if (!Number.isSafeInteger(n)) {
        throw new Error(`Request field ${path} is ${JSON.stringify(value)}; SageMaker expects a whole number`);
      }
      return n;
    });
  }
  for (const path of BOOLEAN_FIELDS) {
    visit(copy, path.split('.'), path, (value) => {
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      throw new Error(`Request field ${path} is ${JSON.stringify(value)}; SageMaker expects true or false`);
    });
  }
  return copy;
}

function visit(node: unknown, parts: string[], path: string, convert: (value: unknown) => unknown): void {
  if (node === null || typeof node !== 'object' || parts.length === 0) return;
  const [head, ...rest] = parts;
  const list = head.endsWith('[]');
  const key = list ? head.slice(0, -2) : head;
  const record = node as { [key: string]: unknown };
  if (!(key in record) || record[key] === undefined || record[key] === null) return;
  if (list) {
    const items = record[key];
    if (Array.isArray(items)) items.forEach((item) => visit(item, rest, path, convert));
  } else if (rest.length === 0) {
    record[key] = convert(record[key]);
  } else {
    visit(record[key], rest, path, convert);
  }
}
