/**
 * One cold start of the bundled training-job handler, in a fresh node process (started by the runner):
 *   node cold-start.js <bundle/index.js> <stand-in base URL>
 * Measures loading the bundle (`require`), then the first invocation: the handler builds its SageMaker
 * client (credentials and region from the environment), calls CreateTrainingJob on the stand-in and PUTs
 * CloudFormation's answer. Prints one JSON line.
 *
 *   node cold-start.js --sdk-only
 * Measures what a bundle without the SDK inside would load: `@aws-sdk/client-sagemaker` from node_modules
 * (as the Lambda runtime provides it), and the construction of a client.
 */
import { performance } from 'perf_hooks';

function sdkOnly(): void {
  const started = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('@aws-sdk/client-sagemaker');
  const loaded = performance.now();
  new sdk.SageMakerClient({ maxAttempts: 5 });
  const built = performance.now();
  process.stdout.write(JSON.stringify({ requireMs: loaded - started, clientMs: built - loaded, requireAndClientMs: built - started }) + '\n');
}

async function main(): Promise<void> {
  if (process.argv[2] === '--sdk-only') {
    sdkOnly();
    return;
  }
  const [bundle, baseUrl] = process.argv.slice(2);
  const started = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const handlerModule = require(bundle);
  const loaded = performance.now();
  await handlerModule.handler({
    RequestType: 'Create',
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
    ResponseURL: `${baseUrl}/response/cold-start?X-Amz-Signature=x`,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Bench/1',
    RequestId: 'cold-start',
    LogicalResourceId: 'Train',
    ResourceType: 'Custom::SageMakerTrainingJob',
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
      TrainingJobName: `cold-start-${process.pid}`,
      Request: JSON.stringify({ RoleArn: 'arn:aws:iam::123456789012:role/bench', OutputDataConfig: { S3OutputPath: 's3://bench/out' } }),
    },
  });
  const invoked = performance.now();
  const usage = process.resourceUsage();
  process.stdout.write(JSON.stringify({
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    processStartToRequireMs: started,
    requireMs: loaded - started,
    firstInvocationMs: invoked - loaded,
    requireAndFirstInvocationMs: invoked - started,
    processStartToDoneMs: invoked,
  }) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
