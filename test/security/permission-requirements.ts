// What SageMaker and the library's handlers call, per feature, with the documentation each row comes from.
// test/security/permissions.test.ts builds each configuration, synthesizes it and evaluates every row against
// the synthesized policies of the principal named; docs/permissions.md is rendered from this table.
import * as path from 'path';
import { App, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ModelData } from '../../src/artifacts';
import { InstanceType } from '../../src/compute/instance-type';
import { AsyncEndpoint, Endpoint, S3Location, ServerlessEndpoint } from '../../src/hosting';
import { EntryPoint } from '../../src/image/entry-point';
import { SageMakerImage } from '../../src/image/sagemaker-image';
import { S3DataType, TrainingInput, TrainingInputMode, TrainingJob } from '../../src/training';

/** Documentation the rows cite. */
export const DOCS = {
  modelRole: 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createmodel-perms',
  trainingRole: 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createtrainingjob-perms',
  passRole: 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-pass-role',
  hostVpc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html',
  trainVpc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/train-vpc.html',
  asyncPrerequisites: 'https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-create-endpoint-prerequisites.html',
  asyncOutputKey: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceOutputConfig.html',
  dataCaptureKey: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DataCaptureConfig.html',
  multipartKms: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions',
  sseKms: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
  snsSse: 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html',
  ecrPull: 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createmodel-perms',
  volumeKey: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html',
  outputKey: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html',
  checkpoints: 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-checkpoints.html',
  sagemakerActions: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html',
  tagOnCreate: 'https://docs.aws.amazon.com/sagemaker/latest/dg/security_iam_id-based-policy-examples.html',
  s3DataSource: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html',
} as const;

/** A built configuration: its stack and the principals the rows name. */
export interface Built {
  /** The stack. */
  readonly stack: Stack;
  /** The principals, by the names the rows use. */
  readonly roles: Record<string, iam.IRole>;
  /** Values the rows need (ARNs, names), as token strings of the stack. */
  readonly facts: Record<string, string>;
}

/** One call a principal must be allowed to make. */
export interface Requirement {
  /** The principal (a key of `Built.roles`). */
  readonly principal: string;
  /** The action. */
  readonly action: string;
  /** The resource in words, for the documentation. */
  readonly on: string;
  /** The resource, from the built configuration (a token string is fine). */
  readonly resource: (built: Built) => string;
  /** The request context (condition keys) of the call. */
  readonly context?: (built: Built) => Record<string, string>;
  /** Where the requirement is documented. */
  readonly source: string;
}

/** A feature in the configuration that uses it, and what it needs. */
export interface FeatureRequirements {
  /** The feature. */
  readonly feature: string;
  /** Builds a stack that uses it. */
  readonly build: () => Built;
  /** What its principals must be allowed to do. */
  readonly requirements: Requirement[];
}

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';

function newStack(name: string): Stack {
  return new Stack(new App(), name, { env: { account: ACCOUNT, region: REGION } });
}

function arn(stack: Stack, service: string, resource: string, resourceName: string, sep: ':' | '/' = '/'): string {
  return sep === '/'
    ? stack.formatArn({ service, resource, resourceName })
    : `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}:${resourceName}`;
}

const serveImage = (repo: ecr.IRepository) => SageMakerImage.fromEcrRepository(repo, '1.0', { entryPoint: EntryPoint.program('inference.py') });
const trainImage = (repo: ecr.IRepository) => SageMakerImage.fromEcrRepository(repo, '1.0', { entryPoint: EntryPoint.program('train.py') });

/** The request context of a CreateTrainingJob call: `aws:RequestTag/<key>` for each tag the custom resource sends. */
function requestTags(built: Built): Record<string, string> {
  const job = built.stack.node.findChild('Job').node.findChild('Resource').node.defaultChild as any;
  const tags: any[] = built.stack.resolve(job?._cfnProperties?.Request?.Tags) ?? [];
  return Object.fromEntries(tags.map(t => [`aws:RequestTag/${t.Key}`, String(t.Value)]));
}

/** The table. */
export const FEATURES: FeatureRequirements[] = [
  {
    feature: 'Real-time endpoint (named) in a VPC, model data in a KMS bucket, data capture with its own key',
    build: () => {
      const stack = newStack('RealTime');
      const repo = new ecr.Repository(stack, 'Repo');
      const dataKey = new kms.Key(stack, 'DataKey');
      const bucket = new s3.Bucket(stack, 'Models', { encryptionKey: dataKey });
      const captureKey = new kms.Key(stack, 'CaptureKey');
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
      const endpoint = new Endpoint(stack, 'Endpoint', {
        endpointName: 'fraud-scoring',
        image: serveImage(repo),
        modelData: ModelData.fromBucket(bucket, 'models/model.tar.gz'),
        instanceType: InstanceType.ML_M5_LARGE,
        vpc,
        dataCapture: { destination: S3Location.fromBucket(bucket, 'capture'), encryptionKey: captureKey },
      });
      const subnet = vpc.privateSubnets[0].subnetId;
      const sg = endpoint.connections.securityGroups[0].securityGroupId;
      return {
        stack,
        roles: { 'model role': endpoint.role },
        facts: {
          repo: repo.repositoryArn,
          model: bucket.arnForObjects('models/model.tar.gz'),
          capture: bucket.arnForObjects('capture/fraud-scoring/AllTraffic/2024/01/01/00/x.jsonl'),
          dataKey: dataKey.keyArn,
          captureKey: captureKey.keyArn,
          subnet: arn(stack, 'ec2', 'subnet', subnet),
          sg: arn(stack, 'ec2', 'security-group', sg),
          eni: arn(stack, 'ec2', 'network-interface', 'eni-0123456789abcdef0'),
          logGroup: arn(stack, 'logs', 'log-group', '/aws/sagemaker/Endpoints/fraud-scoring', ':'),
          logStream: arn(stack, 'logs', 'log-group', '/aws/sagemaker/Endpoints/fraud-scoring:log-stream:AllTraffic/i-0123456789abcdef0', ':'),
        },
      };
    },
    requirements: [
      { principal: 'model role', action: 'ecr:GetAuthorizationToken', on: '*', resource: () => '*', source: DOCS.ecrPull },
      { principal: 'model role', action: 'ecr:BatchGetImage', on: 'the image repository', resource: b => b.facts.repo, source: DOCS.ecrPull },
      { principal: 'model role', action: 'ecr:GetDownloadUrlForLayer', on: 'the image repository', resource: b => b.facts.repo, source: DOCS.ecrPull },
      { principal: 'model role', action: 's3:GetObject', on: 'the model archive', resource: b => b.facts.model, source: DOCS.modelRole },
      { principal: 'model role', action: 'kms:Decrypt', on: 'the model bucket\'s key', resource: b => b.facts.dataKey, source: DOCS.sseKms },
      { principal: 'model role', action: 'logs:CreateLogGroup', on: 'the endpoint\'s log group', resource: b => b.facts.logGroup, source: DOCS.modelRole },
      { principal: 'model role', action: 'logs:CreateLogStream', on: 'a stream of the endpoint\'s log group', resource: b => b.facts.logStream, source: DOCS.modelRole },
      { principal: 'model role', action: 'logs:PutLogEvents', on: 'a stream of the endpoint\'s log group', resource: b => b.facts.logStream, source: DOCS.modelRole },
      { principal: 'model role', action: 'logs:DescribeLogStreams', on: 'the endpoint\'s log group', resource: b => b.facts.logGroup, source: DOCS.modelRole },
      {
        principal: 'model role',
        action: 'cloudwatch:PutMetricData',
        on: '* (namespace /aws/sagemaker/Endpoints)',
        resource: () => '*',
        context: () => ({ 'cloudwatch:namespace': '/aws/sagemaker/Endpoints' }),
        source: DOCS.modelRole,
      },
      { principal: 'model role', action: 'ec2:CreateNetworkInterface', on: 'a network interface', resource: b => b.facts.eni, source: DOCS.hostVpc },
      { principal: 'model role', action: 'ec2:CreateNetworkInterface', on: 'the selected subnet', resource: b => b.facts.subnet, source: DOCS.hostVpc },
      { principal: 'model role', action: 'ec2:CreateNetworkInterface', on: 'the security group', resource: b => b.facts.sg, source: DOCS.hostVpc },
      { principal: 'model role', action: 'ec2:CreateNetworkInterfacePermission', on: 'a network interface', resource: b => b.facts.eni, source: DOCS.hostVpc },
      { principal: 'model role', action: 'ec2:DeleteNetworkInterface', on: 'a network interface', resource: b => b.facts.eni, source: DOCS.hostVpc },
      { principal: 'model role', action: 'ec2:DeleteNetworkInterfacePermission', on: 'a network interface', resource: b => b.facts.eni, source: DOCS.hostVpc },
      ...['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups']
        .map(action => ({ principal: 'model role', action, on: '*', resource: () => '*', source: DOCS.hostVpc })),
      { principal: 'model role', action: 's3:PutObject', on: 'captured data under the capture prefix', resource: b => b.facts.capture, source: DOCS.dataCaptureKey },
      { principal: 'model role', action: 'kms:Encrypt', on: 'the capture key', resource: b => b.facts.captureKey, source: DOCS.dataCaptureKey },
      { principal: 'model role', action: 'kms:GenerateDataKey', on: 'the capture key', resource: b => b.facts.captureKey, source: DOCS.sseKms },
      { principal: 'model role', action: 'kms:Decrypt', on: 'the capture key (multipart uploads)', resource: b => b.facts.captureKey, source: DOCS.multipartKms },
      { principal: 'model role', action: 'kms:GenerateDataKey', on: 'the capture bucket\'s key', resource: b => b.facts.dataKey, source: DOCS.sseKms },
    ],
  },
  {
    feature: 'Async endpoint: input, output and failure prefixes in a KMS bucket, another output key, encrypted topics',
    build: () => {
      const stack = newStack('Async');
      const repo = new ecr.Repository(stack, 'Repo');
      const bucketKey = new kms.Key(stack, 'BucketKey');
      const bucket = new s3.Bucket(stack, 'Io', { encryptionKey: bucketKey });
      const outputKey = new kms.Key(stack, 'OutputKey');
      const topicKey = new kms.Key(stack, 'TopicKey');
      const ok = new sns.Topic(stack, 'Ok', { masterKey: topicKey });
      const failed = new sns.Topic(stack, 'Failed', { masterKey: topicKey });
      const endpoint = new AsyncEndpoint(stack, 'Endpoint', {
        image: serveImage(repo),
        instanceType: InstanceType.ML_M5_LARGE,
        outputPath: S3Location.fromBucket(bucket, 'async/out'),
        failurePath: S3Location.fromBucket(bucket, 'async/failed'),
        inputLocation: S3Location.fromBucket(bucket, 'async/in'),
        outputEncryptionKey: outputKey,
        notifications: { successTopic: ok, errorTopic: failed },
      });
      return {
        stack,
        roles: { 'model role': endpoint.role },
        facts: {
          input: bucket.arnForObjects('async/in/request-1.json'),
          output: bucket.arnForObjects('async/out/inference-1.out'),
          failure: bucket.arnForObjects('async/failed/inference-1-error.out'),
          outputKey: outputKey.keyArn,
          bucketKey: bucketKey.keyArn,
          ok: ok.topicArn,
          failed: failed.topicArn,
          topicKey: topicKey.keyArn,
          logStream: arn(stack, 'logs', 'log-group', '/aws/sagemaker/Endpoints/async-1:log-stream:AllTraffic/i-0', ':'),
        },
      };
    },
    requirements: [
      { principal: 'model role', action: 's3:GetObject', on: 'request payloads under inputLocation', resource: b => b.facts.input, source: DOCS.asyncPrerequisites },
      { principal: 'model role', action: 'kms:Decrypt', on: 'the input bucket\'s key', resource: b => b.facts.bucketKey, source: DOCS.sseKms },
      { principal: 'model role', action: 's3:PutObject', on: 'results under outputPath', resource: b => b.facts.output, source: DOCS.asyncPrerequisites },
      { principal: 'model role', action: 's3:AbortMultipartUpload', on: 'results under outputPath', resource: b => b.facts.output, source: DOCS.multipartKms },
      { principal: 'model role', action: 's3:PutObject', on: 'errors under failurePath', resource: b => b.facts.failure, source: DOCS.asyncPrerequisites },
      { principal: 'model role', action: 'kms:Encrypt', on: 'outputEncryptionKey', resource: b => b.facts.outputKey, source: DOCS.asyncOutputKey },
      { principal: 'model role', action: 'kms:GenerateDataKey', on: 'outputEncryptionKey', resource: b => b.facts.outputKey, source: DOCS.sseKms },
      { principal: 'model role', action: 'kms:Decrypt', on: 'outputEncryptionKey (multipart uploads)', resource: b => b.facts.outputKey, source: DOCS.multipartKms },
      { principal: 'model role', action: 'kms:GenerateDataKey', on: 'the output bucket\'s key', resource: b => b.facts.bucketKey, source: DOCS.sseKms },
      { principal: 'model role', action: 'sns:Publish', on: 'the success topic', resource: b => b.facts.ok, source: DOCS.asyncPrerequisites },
      { principal: 'model role', action: 'sns:Publish', on: 'the error topic', resource: b => b.facts.failed, source: DOCS.asyncPrerequisites },
      { principal: 'model role', action: 'kms:GenerateDataKey', on: 'the topics\' key', resource: b => b.facts.topicKey, source: DOCS.snsSse },
      { principal: 'model role', action: 'kms:Decrypt', on: 'the topics\' key', resource: b => b.facts.topicKey, source: DOCS.snsSse },
      { principal: 'model role', action: 'logs:PutLogEvents', on: 'a stream of an endpoint log group', resource: b => b.facts.logStream, source: DOCS.modelRole },
    ],
  },
  {
    feature: 'Serverless endpoint (named)',
    build: () => {
      const stack = newStack('Serverless');
      const repo = new ecr.Repository(stack, 'Repo');
      const endpoint = new ServerlessEndpoint(stack, 'Endpoint', {
        endpointName: 'tiny', image: serveImage(repo), memory: Size.gibibytes(2),
      });
      return {
        stack,
        roles: { 'model role': endpoint.role },
        facts: {
          repo: repo.repositoryArn,
          logStream: arn(stack, 'logs', 'log-group', '/aws/sagemaker/Endpoints/tiny:log-stream:AllTraffic/x', ':'),
        },
      };
    },
    requirements: [
      { principal: 'model role', action: 'ecr:BatchGetImage', on: 'the image repository', resource: b => b.facts.repo, source: DOCS.ecrPull },
      { principal: 'model role', action: 'logs:CreateLogStream', on: 'a stream of the endpoint\'s log group', resource: b => b.facts.logStream, source: DOCS.modelRole },
      { principal: 'model role', action: 'logs:PutLogEvents', on: 'a stream of the endpoint\'s log group', resource: b => b.facts.logStream, source: DOCS.modelRole },
    ],
  },
  {
    feature: 'Training job: bucket input, default output bucket, volume and output keys, VPC, checkpoints, upper-case name prefix',
    build: () => {
      const stack = newStack('Training');
      const repo = new ecr.Repository(stack, 'Repo');
      const dataKey = new kms.Key(stack, 'DataKey');
      const data = new s3.Bucket(stack, 'Data', { encryptionKey: dataKey });
      const volumeKey = new kms.Key(stack, 'VolumeKey');
      const outputKey = new kms.Key(stack, 'OutputKey');
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
      const job = new TrainingJob(stack, 'Job', {
        image: trainImage(repo),
        instanceType: InstanceType.ML_M5_XLARGE,
        inputs: [TrainingInput.fromBucket('train', data, 'datasets/train')],
        volumeEncryptionKey: volumeKey,
        outputEncryptionKey: outputKey,
        vpc,
        checkpointS3Uri: data.s3UrlForObject('checkpoints'),
        checkpointBucket: data,
        trainingJobNamePrefix: 'Fraud-Model',
      });
      const handlerRole = (stack.node.findChild('SageMakerTrainingJobHandlerRole') as iam.Role);
      const jobName = job.jobNameAtSynth;
      const lower = jobName.toLowerCase();
      return {
        stack,
        roles: { 'training role': job.role, 'training handler': handlerRole },
        facts: {
          repo: repo.repositoryArn,
          data: data.bucketArn,
          dataObject: data.arnForObjects('datasets/train/part-0001.csv'),
          dataKey: dataKey.keyArn,
          output: job.outputBucket.arnForObjects(`training-jobs/${jobName}/output/model.tar.gz`),
          outputKey: outputKey.keyArn,
          outputBucketKey: job.outputBucket.encryptionKey?.keyArn ?? outputKey.keyArn,
          volumeKey: volumeKey.keyArn,
          checkpoint: data.arnForObjects('checkpoints/checkpoint-1.pt'),
          eni: arn(stack, 'ec2', 'network-interface', 'eni-0'),
          subnet: arn(stack, 'ec2', 'subnet', vpc.privateSubnets[0].subnetId),
          sg: arn(stack, 'ec2', 'security-group', 'sg-0123456789abcdef0'),
          logGroup: arn(stack, 'logs', 'log-group', '/aws/sagemaker/TrainingJobs', ':'),
          logStream: arn(stack, 'logs', 'log-group', `/aws/sagemaker/TrainingJobs:log-stream:${jobName}/algo-1-1700000000`, ':'),
          jobArn: arn(stack, 'sagemaker', 'training-job', lower),
          role: job.role.roleArn,
        },
      };
    },
    requirements: [
      { principal: 'training role', action: 'ecr:GetAuthorizationToken', on: '*', resource: () => '*', source: DOCS.trainingRole },
      { principal: 'training role', action: 'ecr:BatchGetImage', on: 'the image repository', resource: b => b.facts.repo, source: DOCS.trainingRole },
      { principal: 'training role', action: 'ecr:GetDownloadUrlForLayer', on: 'the image repository', resource: b => b.facts.repo, source: DOCS.trainingRole },
      { principal: 'training role', action: 's3:GetObject', on: 'objects under the input prefix', resource: b => b.facts.dataObject, source: DOCS.trainingRole },
      {
        principal: 'training role',
        action: 's3:ListBucket',
        on: 'the input bucket (prefix datasets/train)',
        resource: b => b.facts.data,
        context: () => ({ 's3:prefix': 'datasets/train/' }),
        source: DOCS.trainingRole,
      },
      { principal: 'training role', action: 'kms:Decrypt', on: 'the input bucket\'s key', resource: b => b.facts.dataKey, source: DOCS.sseKms },
      { principal: 'training role', action: 's3:PutObject', on: 'the job\'s artifacts under its output prefix', resource: b => b.facts.output, source: DOCS.trainingRole },
      { principal: 'training role', action: 'kms:Encrypt', on: 'outputEncryptionKey', resource: b => b.facts.outputKey, source: DOCS.outputKey },
      { principal: 'training role', action: 'kms:GenerateDataKey', on: 'outputEncryptionKey', resource: b => b.facts.outputKey, source: DOCS.sseKms },
      { principal: 'training role', action: 'kms:Decrypt', on: 'outputEncryptionKey (multipart uploads)', resource: b => b.facts.outputKey, source: DOCS.multipartKms },
      { principal: 'training role', action: 'kms:GenerateDataKey', on: 'the output bucket\'s key', resource: b => b.facts.outputBucketKey, source: DOCS.sseKms },
      { principal: 'training role', action: 'kms:CreateGrant', on: 'volumeEncryptionKey', resource: b => b.facts.volumeKey, source: DOCS.volumeKey },
      { principal: 'training role', action: 's3:PutObject', on: 'checkpoints', resource: b => b.facts.checkpoint, source: DOCS.checkpoints },
      { principal: 'training role', action: 's3:GetObject', on: 'checkpoints', resource: b => b.facts.checkpoint, source: DOCS.checkpoints },
      { principal: 'training role', action: 'logs:CreateLogGroup', on: '/aws/sagemaker/TrainingJobs', resource: b => b.facts.logGroup, source: DOCS.trainingRole },
      { principal: 'training role', action: 'logs:DescribeLogStreams', on: '/aws/sagemaker/TrainingJobs', resource: b => b.facts.logGroup, source: DOCS.trainingRole },
      { principal: 'training role', action: 'logs:CreateLogStream', on: 'the job\'s log streams', resource: b => b.facts.logStream, source: DOCS.trainingRole },
      { principal: 'training role', action: 'logs:PutLogEvents', on: 'the job\'s log streams', resource: b => b.facts.logStream, source: DOCS.trainingRole },
      {
        principal: 'training role',
        action: 'cloudwatch:PutMetricData',
        on: '* (namespace /aws/sagemaker/TrainingJobs)',
        resource: () => '*',
        context: () => ({ 'cloudwatch:namespace': '/aws/sagemaker/TrainingJobs' }),
        source: DOCS.trainingRole,
      },
      { principal: 'training role', action: 'ec2:CreateNetworkInterface', on: 'a network interface', resource: b => b.facts.eni, source: DOCS.trainVpc },
      { principal: 'training role', action: 'ec2:CreateNetworkInterface', on: 'the selected subnet', resource: b => b.facts.subnet, source: DOCS.trainVpc },
      { principal: 'training role', action: 'ec2:CreateNetworkInterface', on: 'the security group', resource: b => b.facts.sg, source: DOCS.trainVpc },
      { principal: 'training role', action: 'ec2:CreateNetworkInterfacePermission', on: 'a network interface', resource: b => b.facts.eni, source: DOCS.trainVpc },
      { principal: 'training role', action: 'ec2:DeleteNetworkInterface', on: 'a network interface', resource: b => b.facts.eni, source: DOCS.trainVpc },
      { principal: 'training role', action: 'ec2:DeleteNetworkInterfacePermission', on: 'a network interface', resource: b => b.facts.eni, source: DOCS.trainVpc },
      { principal: 'training role', action: 'ec2:DescribeSubnets', on: '*', resource: () => '*', source: DOCS.trainVpc },
      {
        principal: 'training handler',
        action: 'sagemaker:CreateTrainingJob',
        on: 'the job (ARN lower-cased), with the request\'s tags',
        resource: b => b.facts.jobArn,
        context: requestTags,
        source: DOCS.sagemakerActions,
      },
      {
        principal: 'training handler',
        action: 'sagemaker:AddTags',
        on: 'the job (tags on create)',
        resource: b => b.facts.jobArn,
        context: requestTags,
        source: DOCS.tagOnCreate,
      },
      { principal: 'training handler', action: 'sagemaker:DescribeTrainingJob', on: 'the job', resource: b => b.facts.jobArn, source: DOCS.sagemakerActions },
      { principal: 'training handler', action: 'sagemaker:StopTrainingJob', on: 'the job', resource: b => b.facts.jobArn, source: DOCS.sagemakerActions },
      {
        principal: 'training handler',
        action: 'iam:PassRole',
        on: 'the training role, to SageMaker',
        resource: b => b.facts.role,
        context: () => ({ 'iam:PassedToService': 'sagemaker.amazonaws.com' }),
        source: DOCS.passRole,
      },
      { principal: 'training handler', action: 'kms:CreateGrant', on: 'volumeEncryptionKey', resource: b => b.facts.volumeKey, source: DOCS.volumeKey },
      { principal: 'training handler', action: 'kms:CreateGrant', on: 'outputEncryptionKey', resource: b => b.facts.outputKey, source: DOCS.outputKey },
    ],
  },
  {
    feature: 'Training job with manifest channels (the manifest\'s folder by default, or manifestDataBucket / manifestDataPrefix)',
    build: () => {
      const stack = newStack('Manifests');
      const repo = new ecr.Repository(stack, 'Repo');
      const data = new s3.Bucket(stack, 'Data');
      const images = new s3.Bucket(stack, 'Images');
      const job = new TrainingJob(stack, 'Job', {
        image: trainImage(repo),
        instanceType: InstanceType.ML_M5_XLARGE,
        inputs: [
          TrainingInput.fromBucket('train', data, 'sets/train/train.manifest', { dataType: S3DataType.MANIFEST_FILE }),
          TrainingInput.fromBucket('labels', data, 'sets/labels.manifest', {
            dataType: S3DataType.AUGMENTED_MANIFEST_FILE, inputMode: TrainingInputMode.PIPE, manifestDataBucket: images, manifestDataPrefix: 'raw/',
          }),
        ],
      });
      return {
        stack,
        roles: { 'training role': job.role },
        facts: {
          manifest: data.arnForObjects('sets/train/train.manifest'),
          listed: data.arnForObjects('sets/train/part-00001.csv'),
          augmented: data.arnForObjects('sets/labels.manifest'),
          image: images.arnForObjects('raw/cats/0001.jpg'),
        },
      };
    },
    requirements: [
      { principal: 'training role', action: 's3:GetObject', on: 'the manifest', resource: b => b.facts.manifest, source: DOCS.s3DataSource },
      { principal: 'training role', action: 's3:GetObject', on: 'an object the manifest lists (its folder)', resource: b => b.facts.listed, source: DOCS.s3DataSource },
      { principal: 'training role', action: 's3:GetObject', on: 'the augmented manifest', resource: b => b.facts.augmented, source: DOCS.s3DataSource },
      { principal: 'training role', action: 's3:GetObject', on: 'an object it lists (manifestDataBucket, manifestDataPrefix)', resource: b => b.facts.image, source: DOCS.s3DataSource },
    ],
  },
];

/** Where the table is rendered. */
export const PERMISSIONS_DOC = path.join(__dirname, '..', '..', 'docs', 'permissions.md');

/** The table as Markdown (docs/permissions.md). */
export function renderPermissionsDoc(): string {
  const lines = [
    '# What SageMaker and the handlers call, per feature',
    '',
    'Generated from `test/security/permission-requirements.ts` by `test/security/permissions.test.ts`, which builds each',
    'configuration, synthesizes it and evaluates every row against the synthesized IAM statements of the principal',
    '(actions and resources with wildcards, conditions, explicit denies). Regenerate with',
    '`UPDATE_PERMISSIONS_DOC=1 npx jest test/security/permissions.test.ts`.',
    '',
  ];
  for (const f of FEATURES) {
    lines.push(`## ${f.feature}`, '', '| principal | action | on | source |', '| --- | --- | --- | --- |');
    for (const r of f.requirements) {
      lines.push(`| ${r.principal} | \`${r.action}\` | ${r.on.replace(/\|/g, '\\|')} | [doc](${r.source}) |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
