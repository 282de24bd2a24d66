/**
 * The same apps written with CloudFormation resources (L1) only: the resources, roles, buckets and
 * policies the library's constructs emit, declared by hand, so the comparison is about the constructs'
 * own cost. The training job is the same custom resource, served by the same handler bundles.
 */
import * as path from 'path';
import { CfnResource, CfnWaitCondition, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { MODEL_BUCKET, modelKey, SERVE_IMAGE_URI, TRAIN_IMAGE_URI } from './common';

/** The bundles the library's handler functions deploy (`assets/` beside `src/`). */
const ASSETS = path.join(__dirname, '..', '..', 'assets', 'training');

const SAGEMAKER_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } }],
};
const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
};

interface Statement { [key: string]: unknown }

/** A function of one bundle: log group, role, policy (statements added later), function. */
interface Handler {
  readonly fn: lambda.CfnFunction;
  readonly role: iam.CfnRole;
  readonly policy: iam.CfnPolicy;
  readonly statements: Statement[];
}

function handler(stack: Stack, id: string, bundle: string, timeout: number): Handler {
  const code = new s3assets.Asset(stack, `${id}Code`, { path: path.join(ASSETS, bundle) });
  const logGroup = new logs.CfnLogGroup(stack, `${id}Logs`, { retentionInDays: 90 });
  const role = new iam.CfnRole(stack, `${id}Role`, { assumeRolePolicyDocument: LAMBDA_TRUST });
  const statements: Statement[] = [{
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: logGroup.attrArn,
  }];
  // The array is read when the template is written, after every job has added its statements.
  const policy = new iam.CfnPolicy(stack, `${id}Policy`, {
    policyName: `${id}Policy`,
    roles: [role.ref],
    policyDocument: { Version: '2012-10-17', Statement: statements },
  });
  const fn = new lambda.CfnFunction(stack, id, {
    code: { s3Bucket: code.s3BucketName, s3Key: code.s3ObjectKey },
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    role: role.attrArn,
    timeout,
    loggingConfig: { logGroup: logGroup.ref },
    environment: { variables: { AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1' } },
  });
  fn.addDependency(policy);
  return { fn, role, policy, statements };
}

const perStack = new Map<Stack, { job: Handler; signal: Handler }>();

function handlersOf(stack: Stack): { job: Handler; signal: Handler } {
  let found = perStack.get(stack);
  if (!found) {
    found = {
      job: handler(stack, 'TrainingJobHandler', 'training-job.lambda', 300),
      signal: handler(stack, 'TrainingJobSignal', 'training-job-signal.lambda', 30),
    };
    perStack.set(stack, found);
  }
  return found;
}

function logsArn(stack: Stack, logGroup: string): string {
  return `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${logGroup}`;
}

function ecrPull(repositoryArn: string): Statement[] {
  return [
    { Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], Effect: 'Allow', Resource: repositoryArn },
    { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
  ];
}

/** A model's role, its policy and the model, endpoint config and endpoint. */
function hosting(stack: Stack, i: number, modelDataUrl: string, s3Read: Statement, dependsOn?: CfnResource): void {
  const role = new iam.CfnRole(stack, `Endpoint${i}Role`, { assumeRolePolicyDocument: SAGEMAKER_TRUST });
  const policy = new iam.CfnPolicy(stack, `Endpoint${i}Policy`, {
    policyName: `Endpoint${i}Policy`,
    roles: [role.ref],
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Effect: 'Allow',
          Resource: logsArn(stack, '/aws/sagemaker/Endpoints/*'),
        },
        {
          Action: 'cloudwatch:PutMetricData',
          Effect: 'Allow',
          Resource: '*',
          Condition: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'AWS/SageMaker'] } },
        },
        ...ecrPull('arn:aws:ecr:us-east-1:763104351884:repository/pytorch-inference'),
        s3Read,
      ],
    },
  });
  const model = new sagemaker.CfnModel(stack, `Endpoint${i}Model`, {
    executionRoleArn: role.attrArn,
    primaryContainer: {
      image: SERVE_IMAGE_URI,
      mode: 'SingleModel',
      modelDataUrl,
      environment: {
        SAGEMAKER_PROGRAM: 'inference.py',
        SAGEMAKER_REGION: stack.region,
        SAGEMAKER_CONTAINER_LOG_LEVEL: '20',
        SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code',
      },
    },
  });
  model.addDependency(policy);
  if (dependsOn) model.addDependency(dependsOn);
  const config = new sagemaker.CfnEndpointConfig(stack, `Endpoint${i}Config`, {
    productionVariants: [{
      variantName: 'AllTraffic',
      modelName: model.attrModelName,
      instanceType: 'ml.m5.xlarge',
      initialInstanceCount: 1,
      initialVariantWeight: 1,
      containerStartupHealthCheckTimeoutInSeconds: 600,
      modelDataDownloadTimeoutInSeconds: 600,
    }],
  });
  new sagemaker.CfnEndpoint(stack, `Endpoint${i}`, { endpointConfigName: config.attrEndpointConfigName });
}

/** Pair `i` as L1: output bucket, job role, the job's custom resource, its completion wait, and the hosting. */
export function rawPair(stack: Stack, i: number): void {
  const handlers = handlersOf(stack);
  const jobName = `bench-train-${i}`;

  const bucket = new s3.CfnBucket(stack, `Train${i}Output`, {
    bucketEncryption: { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] },
    publicAccessBlockConfiguration: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    versioningConfiguration: { status: 'Enabled' },
  });
  bucket.applyRemovalPolicy(undefined);
  new s3.CfnBucketPolicy(stack, `Train${i}OutputPolicy`, {
    bucket: bucket.ref,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{
        Action: 's3:*',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Resource: [bucket.attrArn, `${bucket.attrArn}/*`],
      }],
    },
  });

  const role = new iam.CfnRole(stack, `Train${i}Role`, { assumeRolePolicyDocument: SAGEMAKER_TRUST });
  const policy = new iam.CfnPolicy(stack, `Train${i}Policy`, {
    policyName: `Train${i}Policy`,
    roles: [role.ref],
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Action: ['s3:PutObject', 's3:Abort*'], Effect: 'Allow', Resource: `${bucket.attrArn}/training-jobs/*` },
        {
          Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Effect: 'Allow',
          Resource: logsArn(stack, '/aws/sagemaker/TrainingJobs:*'),
        },
        {
          Action: 'cloudwatch:PutMetricData',
          Effect: 'Allow',
          Resource: '*',
          Condition: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } },
        },
        ...ecrPull('arn:aws:ecr:us-east-1:763104351884:repository/pytorch-training'),
      ],
    },
  });

  handlers.job.statements.push(
    {
      Action: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'],
      Effect: 'Allow',
      Resource: `arn:${stack.partition}:sagemaker:${stack.region}:${stack.account}:training-job/${jobName}`,
    },
    { Action: 'iam:PassRole', Effect: 'Allow', Resource: role.attrArn },
  );

  const handle = new CfnWaitConditionHandle(stack, `Train${i}Handle`);
  const rule = new events.CfnRule(stack, `Train${i}Rule`, {
    eventPattern: {
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker Training Job State Change'],
      'detail': { TrainingJobName: [jobName], TrainingJobStatus: ['Completed', 'Failed', 'Stopped'] },
    },
    targets: [{
      id: 'Target0',
      arn: handlers.signal.fn.attrArn,
      inputTransformer: { inputPathsMap: { detail: '$.detail' }, inputTemplate: `{"HandleUrl":"${handle.ref}","Detail":<detail>}` },
      retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
    }],
  });
  const permission = new lambda.CfnPermission(stack, `Train${i}Permission`, {
    action: 'lambda:InvokeFunction',
    functionName: handlers.signal.fn.attrArn,
    principal: 'events.amazonaws.com',
    sourceArn: rule.attrArn,
  });

  const job = new CfnResource(stack, `Train${i}`, {
    type: 'Custom::SageMakerTrainingJob',
    properties: {
      ServiceToken: handlers.job.fn.attrArn,
      TrainingJobName: jobName,
      Request: stack.toJsonString({
        AlgorithmSpecification: { TrainingImage: TRAIN_IMAGE_URI, TrainingInputMode: 'File' },
        RoleArn: role.attrArn,
        HyperParameters: { epochs: '10', pair: String(i) },
        OutputDataConfig: { S3OutputPath: `s3://${bucket.ref}/training-jobs` },
        ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
        StoppingCondition: { MaxRuntimeInSeconds: 7200 },
        Environment: { SAGEMAKER_PROGRAM: 'train.py' },
      }),
      CompletionHandleUrl: handle.ref,
    },
  });
  job.addDependency(policy);
  job.addDependency(handlers.job.policy);
  job.addDependency(rule);
  job.addDependency(permission);
  const wait = new CfnWaitCondition(stack, `Train${i}Completion`, { handle: handle.ref, count: 1, timeout: '8100' });
  wait.addDependency(job);

  const archive = `training-jobs/${jobName}/output/model.tar.gz`;
  hosting(stack, i, job.getAtt('ModelArtifactsS3Uri').toString(), {
    Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'], Effect: 'Allow', Resource: [bucket.attrArn, `${bucket.attrArn}/${archive}`],
  }, wait);
}

/** Endpoint `i` alone as L1: role, policy, model, endpoint config, endpoint. */
export function rawHosting(stack: Stack, i: number): void {
  const bucketArn = `arn:${stack.partition}:s3:::${MODEL_BUCKET}`;
  hosting(stack, i, `s3://${MODEL_BUCKET}/${modelKey(i)}`, {
    Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'], Effect: 'Allow', Resource: [bucketArn, `${bucketArn}/${modelKey(i)}`],
  });
}
