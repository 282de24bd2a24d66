import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Size, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CfnResource } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { InstanceType } from '../../src/compute/instance-type';
import { EntryPoint } from '../../src/image/entry-point';
import { SageMakerImage } from '../../src/image/sagemaker-image';
import {
  InputCompression, RecordWrapper, S3DataDistribution, TrainingDistribution, TrainingInput, TrainingInputMode,
  TrainingJob, TrainingJobProps,
} from '../../src/training';

const CPU_IMAGE_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1.0-cpu';
const GPU_IMAGE_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:2.1-gpu-py310';

function cpuImage(): SageMakerImage {
  return SageMakerImage.fromImageUri(CPU_IMAGE_URI, { entryPoint: EntryPoint.program('train.py') });
}

function gpuImage(): SageMakerImage {
  return SageMakerImage.fromImageUri(GPU_IMAGE_URI, { entryPoint: EntryPoint.program('train.py') });
}

function newStack(): Stack {
  return new Stack(new App(), 'TestStack');
}

/**
 * The job's CreateTrainingJob request as an object (a structured property, never a JSON string). Tokens
 * become `<...>` strings (an Fn::Join is joined with its token parts so), so literal fields can be compared
 * exactly and token fields by pattern.
 */
function requestOf(template: Template, index = 0): any {
  const jobs = template.findResources('Custom::SageMakerTrainingJob');
  const props = Object.values(jobs)[index].Properties;
  return flattenTokens(props.Request);
}

function flattenTokens(value: any): any {
  const token = (part: unknown) => `<${JSON.stringify(part).replace(/"/g, "'")}>`;
  if (Array.isArray(value)) return value.map(flattenTokens);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Fn::Join') {
    return value['Fn::Join'][1].map((part: unknown) => typeof part === 'string' ? part : token(part)).join(value['Fn::Join'][0]);
  }
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return token(value);
  return Object.fromEntries(keys.map((k) => [k, flattenTokens(value[k])]));
}

function jobNameOf(template: Template, index = 0): string {
  const jobs = template.findResources('Custom::SageMakerTrainingJob');
  return Object.values(jobs)[index].Properties.TrainingJobName;
}

function dataDir(files: { [name: string]: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'training-input-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('TrainingJob', () => {
  test('starts a job through Custom::SageMakerTrainingJob with a hashed name and the image, role and output', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::SageMakerTrainingJob', 1);
    const name = jobNameOf(template);
    expect(name).toMatch(/^train-[0-9a-f]{16}$/);
    expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
    const request = requestOf(template);
    expect(request.AlgorithmSpecification).toEqual({ TrainingImage: CPU_IMAGE_URI, TrainingInputMode: 'File' });
    expect(request.ResourceConfig).toEqual({ InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 });
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 11 * 3600 });
    expect(request.Environment).toEqual({ SAGEMAKER_PROGRAM: 'train.py' });
    expect(request.RoleArn).toMatch(/TrainRole/);
    expect(request.OutputDataConfig.S3OutputPath).toMatch(/^s3:\/\/<.*TrainOutputBucket.*>\/training-jobs$/);
    expect(request.EnableNetworkIsolation).toBe(false);
    expect(request.EnableManagedSpotTraining).toBe(false);
    expect(request.HyperParameters).toBeUndefined();
  });

  test('creates a retained, encrypted, SSL-only output bucket with public access blocked', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
        },
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('waits on a WaitCondition keyed by the job hash, signalled by an EventBridge rule on the final states', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, maxRuntime: Duration.hours(2) });

    // THEN
    const template = Template.fromStack(stack);
    const name = jobNameOf(template);
    const hash = name.slice(-16);
    const conditions = template.findResources('AWS::CloudFormation::WaitCondition');
    const [conditionId] = Object.keys(conditions);
    expect(conditionId).toContain(hash);
    expect(conditions[conditionId].Properties.Timeout).toBe(String(2 * 3600 + 900));
    expect(conditions[conditionId].Properties.Count).toBe(1);
    expect(conditions[conditionId].DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^Train[0-9A-F]{8}$|^TrainResource/)]));
    const handles = template.findResources('AWS::CloudFormation::WaitConditionHandle');
    expect(Object.keys(handles)[0]).toContain(hash);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.sagemaker'],
        'detail-type': ['SageMaker Training Job State Change'],
        'detail': { TrainingJobName: [name], TrainingJobStatus: ['Completed', 'Failed', 'Stopped'] },
      },
      Targets: [Match.objectLike({
        InputTransformer: {
          InputPathsMap: { detail: '$.detail' },
          InputTemplate: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('HandleUrl'), { Ref: Object.keys(handles)[0] }])] }),
        },
      })],
    });
    // the custom resource waits for the rule, and passes the handle for adopted finished jobs
    const job = Object.values(template.findResources('Custom::SageMakerTrainingJob'))[0];
    expect(job.Properties.CompletionHandleUrl).toEqual({ Ref: Object.keys(handles)[0] });
    const ruleId = Object.keys(template.findResources('AWS::Events::Rule'))[0];
    expect(job.DependsOn).toContain(ruleId);
  });

  test('does not wait when waitForCompletion is false, and then allows long jobs', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new TrainingJob(stack, 'Train', {
      image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, waitForCompletion: false, maxRuntime: Duration.days(3),
    });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudFormation::WaitCondition', 0);
    template.resourceCountIs('AWS::CloudFormation::WaitConditionHandle', 0);
    template.resourceCountIs('AWS::Events::Rule', 0);
    expect(requestOf(template).StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3 * 86400 });
    expect(Object.values(template.findResources('Custom::SageMakerTrainingJob'))[0].Properties.CompletionHandleUrl).toBeUndefined();
  });

  test('defaults maxRuntime to 11 hours whether or not it waits, so toggling waitForCompletion keeps the job name', () => {
    // GIVEN
    const waiting = newStack();
    const notWaiting = newStack();

    // WHEN
    new TrainingJob(waiting, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE });
    new TrainingJob(notWaiting, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, waitForCompletion: false });

    // THEN (defect 11: the default was 1 day without waiting, so the toggle changed the name and trained again)
    expect(requestOf(Template.fromStack(notWaiting)).StoppingCondition).toEqual({ MaxRuntimeInSeconds: 11 * 3600 });
    expect(jobNameOf(Template.fromStack(notWaiting))).toEqual(jobNameOf(Template.fromStack(waiting)));
  });

  test('renders every compute, security and spot prop into the request', () => {
    // GIVEN
    const stack = newStack();
    const volumeKey = new kms.Key(stack, 'VolumeKey');
    const outputKey = new kms.Key(stack, 'OutputKey');

    // WHEN
    new TrainingJob(stack, 'Train', {
      image: gpuImage(),
      instanceType: InstanceType.ML_P3_8XLARGE, // EBS only: SageMaker accepts a volume key and size for it
      instanceCount: 2,
      volumeSize: Size.gibibytes(100),
      volumeEncryptionKey: volumeKey,
      outputEncryptionKey: outputKey,
      outputPrefix: '/models/run/',
      networkIsolation: true,
      interContainerEncryption: true,
      useSpotInstances: true,
      maxRuntime: Duration.hours(4),
      maxWait: Duration.hours(6),
      checkpointS3Uri: 's3://my-checkpoints/run1',
      checkpointLocalPath: '/opt/ml/checkpoints',
      retryAttempts: 3,
      environment: { NCCL_DEBUG: 'INFO' },
      metricDefinitions: [{ name: 'loss', regex: 'loss: ([0-9.]+)' }],
      tags: { team: 'ml' },
      hyperparameters: { epochs: '10' },
    });

    // THEN
    const template = Template.fromStack(stack);
    const request = requestOf(template);
    expect(request.ResourceConfig).toEqual({
      InstanceType: 'ml.p3.8xlarge', InstanceCount: 2, VolumeSizeInGB: 100, VolumeKmsKeyId: expect.stringMatching(/VolumeKey/),
    });
    expect(request.OutputDataConfig).toEqual({
      S3OutputPath: expect.stringMatching(/\/models\/run$/), KmsKeyId: expect.stringMatching(/OutputKey/),
    });
    expect(request.EnableNetworkIsolation).toBe(true);
    expect(request.EnableInterContainerTrafficEncryption).toBe(true);
    expect(request.EnableManagedSpotTraining).toBe(true);
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 4 * 3600, MaxWaitTimeInSeconds: 6 * 3600 });
    expect(request.CheckpointConfig).toEqual({ S3Uri: 's3://my-checkpoints/run1', LocalPath: '/opt/ml/checkpoints' });
    expect(request.RetryStrategy).toEqual({ MaximumRetryAttempts: 3 });
    expect(request.Environment).toEqual({ SAGEMAKER_PROGRAM: 'train.py', NCCL_DEBUG: 'INFO' });
    expect(request.AlgorithmSpecification.MetricDefinitions).toEqual([{ Name: 'loss', Regex: 'loss: ([0-9.]+)' }]);
    // the user's tags, then the construct's ownership tag (lifecycle suite: what it is for)
    expect(request.Tags).toEqual([{ Key: 'team', Value: 'ml' }, { Key: 'cdk-sagemaker-containers:owner', Value: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
    expect(request.HyperParameters).toEqual({ epochs: '10' });
    // the wait covers the spot max wait (which bounds all attempts), and 15 minutes of start-up per attempt
    const condition = Object.values(template.findResources('AWS::CloudFormation::WaitCondition'))[0];
    expect(condition.Properties.Timeout).toBe(String(6 * 3600 + 4 * 900));
    // checkpoint prefix read/write for the role
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-checkpoints/run1*']] },
        })]),
      },
    });
  });

  describe('local NVMe instance storage', () => {
    test('fails on a volume KMS key with an instance type that has local storage', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key');

      // THEN
      expect(() => new TrainingJob(stack, 'Train', {
        image: gpuImage(), instanceType: InstanceType.ML_G5_2XLARGE, volumeEncryptionKey: key,
      })).toThrow(/volumeEncryptionKey cannot be used with instanceType ml\.g5\.2xlarge: its local NVMe instance storage is encrypted in hardware and SageMaker refuses a VolumeKmsKeyId/);
      expect(() => new TrainingJob(stack, 'TrainM5d', {
        image: cpuImage(), instanceType: InstanceType.of('ml.m5d.4xlarge'), volumeEncryptionKey: key,
      })).toThrow(/volumeEncryptionKey cannot be used with instanceType ml\.m5d\.4xlarge/);
    });

    test('warns that a volume size has no effect with local storage, and still renders it', () => {
      // GIVEN
      const stack = newStack();

      // WHEN
      new TrainingJob(stack, 'Train', { image: gpuImage(), instanceType: InstanceType.ML_G5_2XLARGE, volumeSize: Size.gibibytes(200) });

      // THEN
      Annotations.fromStack(stack).hasWarning('/TestStack/Train',
        Match.stringLikeRegexp('volumeSize 200 GiB has no effect on instanceType ml.g5.2xlarge: SageMaker provisions no EBS volume'));
      expect(requestOf(Template.fromStack(stack)).ResourceConfig).toEqual({ InstanceType: 'ml.g5.2xlarge', InstanceCount: 1, VolumeSizeInGB: 200 });
    });

    test('neither warns nor refuses on an instance type without local storage or an unknown one', () => {
      // GIVEN
      const stack = newStack();
      const key = new kms.Key(stack, 'Key');

      // WHEN an EBS-only type, and a token whose storage is unknown
      new TrainingJob(stack, 'Ebs', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, volumeSize: Size.gibibytes(200), volumeEncryptionKey: key });
      new TrainingJob(stack, 'Token', {
        image: cpuImage(), instanceType: InstanceType.of(Token.asString({ Ref: 'InstanceType' })), volumeEncryptionKey: key,
      });

      // THEN
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('volumeSize'))).toEqual([]);
      expect(requestOf(Template.fromStack(stack)).ResourceConfig).toEqual({
        InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 200, VolumeKmsKeyId: expect.stringMatching(/Key/),
      });
    });
  });

  describe('retries and the wait', () => {
    test('keeps maxRuntime for all attempts together and gives each attempt its start-up margin in the wait', () => {
      // GIVEN
      const stack = newStack();

      // WHEN
      new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, maxRuntime: Duration.hours(10), retryAttempts: 3 });

      // THEN SageMaker's MaxRuntimeInSeconds bounds the attempts in total, so it is not multiplied
      const template = Template.fromStack(stack);
      expect(requestOf(template).StoppingCondition).toEqual({ MaxRuntimeInSeconds: 10 * 3600 });
      expect(requestOf(template).RetryStrategy).toEqual({ MaximumRetryAttempts: 3 });
      const condition = Object.values(template.findResources('AWS::CloudFormation::WaitCondition'))[0];
      expect(condition.Properties.Timeout).toBe(String(10 * 3600 + 4 * 900));
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('waits at most 12 hours'))).toEqual([]);
    });

    test('accepts retries on a 12-hour job, caps the wait at 12 hours and warns that the margin is gone', () => {
      // GIVEN
      const stack = newStack();

      // WHEN
      new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, maxRuntime: Duration.hours(11), retryAttempts: 5 });

      // THEN
      const template = Template.fromStack(stack);
      const condition = Object.values(template.findResources('AWS::CloudFormation::WaitCondition'))[0];
      expect(condition.Properties.Timeout).toBe('43200');
      Annotations.fromStack(stack).hasWarning('/TestStack/Train', Match.stringLikeRegexp(
        'waits at most 12 hours, which leaves 60 minutes beyond maxRuntime \\(11 hours\\) for provisioning, image pull and model upload of 6 attempt'));
    });
  });

  test('sets warm-pool keep-alive', () => {
    const stack = newStack();
    new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, keepAlive: Duration.minutes(30) });
    expect(requestOf(Template.fromStack(stack)).ResourceConfig.KeepAlivePeriodInSeconds).toBe(1800);
  });

  test('warns about spot without checkpoints', () => {
    const stack = newStack();
    new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, useSpotInstances: true });
    Annotations.fromStack(stack).hasWarning('/TestStack/Train', Match.stringLikeRegexp('without checkpointLocation'));
    expect(requestOf(Template.fromStack(stack)).StoppingCondition.MaxWaitTimeInSeconds).toBe(11 * 3600);
  });

  test('runs in a VPC with a security group that lets the instances talk and ENI permissions', () => {
    // GIVEN
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });

    // WHEN
    new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 2, vpc });

    // THEN
    const template = Template.fromStack(stack);
    const request = requestOf(template);
    expect(request.VpcConfig.SecurityGroupIds).toEqual([expect.stringMatching(/TrainSecurityGroup/)]);
    expect(request.VpcConfig.Subnets).toEqual([expect.stringMatching(/VpcPrivateSubnet1/), expect.stringMatching(/VpcPrivateSubnet2/)]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: '-1', Description: 'between the instances of one training job' });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'ec2:CreateNetworkInterface', Resource: Match.arrayWith([Match.objectLike({ 'Fn::Join': Match.anyValue() })]) })]) },
    });
  });

  test('uses the given security groups and subnets', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    new TrainingJob(stack, 'Train', {
      image: cpuImage(),
      instanceType: InstanceType.ML_M5_XLARGE,
      vpc,
      securityGroups: [sg],
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    const request = requestOf(Template.fromStack(stack));
    expect(request.VpcConfig.SecurityGroupIds).toEqual([expect.stringMatching(/Sg/)]);
    expect(request.VpcConfig.Subnets).toEqual([expect.stringMatching(/VpcPublicSubnet1/), expect.stringMatching(/VpcPublicSubnet2/)]);
    Template.fromStack(stack).resourceCountIs('AWS::EC2::SecurityGroup', 1);
  });

  test('sets the sagemaker_ hyperparameters of each distribution', () => {
    const cases: Array<[TrainingDistribution, Partial<TrainingJobProps>, { [key: string]: string }]> = [
      [TrainingDistribution.torchDistributed(), {}, { sagemaker_torch_distributed_enabled: 'true' }],
      [TrainingDistribution.mpi(), {}, { sagemaker_mpi_enabled: 'true', sagemaker_mpi_num_of_processes_per_host: '4' }],
      [TrainingDistribution.mpi({ processesPerHost: 2, customMpiOptions: '-x NCCL_DEBUG=INFO' }), {}, {
        sagemaker_mpi_enabled: 'true', sagemaker_mpi_num_of_processes_per_host: '2', sagemaker_mpi_custom_mpi_options: '"-x NCCL_DEBUG=INFO"',
      }],
      [TrainingDistribution.parameterServer(), { instanceCount: 2 }, { sagemaker_parameter_server_enabled: 'true' }],
    ];
    for (const [distribution, extra, expected] of cases) {
      const stack = newStack();
      new TrainingJob(stack, 'Train', { image: gpuImage(), instanceType: InstanceType.ML_G5_12XLARGE, distribution, ...extra });
      expect(requestOf(Template.fromStack(stack)).HyperParameters).toEqual(expected);
    }
  });

  test('creates a least-privilege role: output prefix write, logs, metrics, and nothing broad', () => {
    // GIVEN
    const stack = newStack();
    const data = new s3.Bucket(stack, 'Data');

    // WHEN
    new TrainingJob(stack, 'Train', {
      image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, inputs: [TrainingInput.fromBucket('train', data, 'train/')],
    });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('TrainRole') }] } });
    const statements: any[] = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const text = JSON.stringify(statements);
    expect(text).toContain('/aws/sagemaker/TrainingJobs:*');
    expect(text).toContain('cloudwatch:PutMetricData');
    // exact S3 actions: write on the job's own output folder only (defect 8: not on <outputPrefix>/*, which holds
    // the unpacked inputs and every other job's archive), read and a prefix-limited list on the input prefix
    const dataArn = { 'Fn::GetAtt': [expect.stringMatching(/^Data/), 'Arn'] };
    const outputArn = { 'Fn::GetAtt': [expect.stringMatching(/^TrainOutputBucket/), 'Arn'] };
    const name = jobNameOf(template);
    expect(statements.filter((st) => [].concat(st.Action).some((a: string) => a.startsWith('s3:')))).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [dataArn, '/train/*']] } },
      { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['train/*'] } }, Effect: 'Allow', Resource: dataArn },
      { Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Effect: 'Allow', Resource: { 'Fn::Join': ['', [outputArn, `/training-jobs/${name}/*`]] } },
    ]);
    // no wildcard action (cdk-nag AwsSolutions-IAM5): none of the grant helpers' s3:GetObject* / s3:List* / s3:Abort* sets
    expect(statements.flatMap((st) => [].concat(st.Action)).filter((a: string) => a.endsWith('*'))).toEqual([]);
  });

  test('grants named actions on the volume and output keys, and data-key actions on a KMS output bucket', () => {
    // GIVEN
    const stack = newStack();
    const volumeKey = new kms.Key(stack, 'VolumeKey');
    const outputKey = new kms.Key(stack, 'OutputKey');

    // WHEN
    new TrainingJob(stack, 'Train', {
      image: gpuImage(), instanceType: InstanceType.ML_P3_2XLARGE, volumeEncryptionKey: volumeKey, outputEncryptionKey: outputKey,
    });

    // THEN
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('TrainRole') }] } });
    const statements: any[] = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const onKey = (id: RegExp) => statements
      .filter((st) => JSON.stringify(st.Resource).match(id) && [].concat(st.Action).some((a: string) => a.startsWith('kms:')))
      .flatMap((st) => [].concat(st.Action)).sort();
    // what SageMaker documents for the role on a volume key
    expect(onKey(/VolumeKey/)).toEqual(['kms:CreateGrant']);
    // the output key is also the new output bucket's key: the job's own grant and the bucket write grant
    expect([...new Set(onKey(/OutputKey/))]).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
    expect(statements.flatMap((st) => [].concat(st.Action)).filter((a: string) => a.endsWith('*'))).toEqual([]);
  });

  describe('checkpoints', () => {
    test('grants read and write on the checkpoint prefix through checkpointBucket when the URI is a token', () => {
      // GIVEN
      const stack = newStack();
      const bucket = new s3.Bucket(stack, 'Checkpoints');

      // WHEN
      const job = new TrainingJob(stack, 'Train', {
        image: gpuImage(),
        instanceType: InstanceType.ML_G5_2XLARGE,
        useSpotInstances: true,
        checkpointS3Uri: bucket.s3UrlForObject('checkpoints/'),
        checkpointBucket: bucket,
      });

      // THEN
      const template = Template.fromStack(stack);
      const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('TrainRole') }] } });
      const statements: any[] = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
      const arn = { 'Fn::GetAtt': [expect.stringMatching(/^Checkpoints/), 'Arn'] };
      expect(statements.filter((st) => JSON.stringify(st.Resource).includes('Checkpoints'))).toEqual([
        {
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', [arn, '/checkpoints/*']] },
        },
        { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['checkpoints/*'] } }, Effect: 'Allow', Resource: arn },
      ]);
      Annotations.fromStack(stack).hasNoWarning(`/${job.node.path}`, Match.stringLikeRegexp('checkpointS3Uri is a token'));
    });

    test('warns and grants nothing for a token checkpoint URI without checkpointBucket', () => {
      // GIVEN
      const stack = newStack();
      const bucket = new s3.Bucket(stack, 'Checkpoints');

      // WHEN
      new TrainingJob(stack, 'Train', {
        image: gpuImage(), instanceType: InstanceType.ML_G5_2XLARGE, checkpointS3Uri: bucket.s3UrlForObject('checkpoints/'),
      });

      // THEN
      Annotations.fromStack(stack).hasWarning('/TestStack/Train', Match.stringLikeRegexp('checkpointS3Uri is a token: no S3 grant'));
      expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'))).not.toContain('Checkpoints');
    });

    test('fails on a checkpointBucket without checkpointS3Uri, and on a URI outside the bucket', () => {
      const stack = newStack();
      const bucket = s3.Bucket.fromBucketName(stack, 'Checkpoints', 'my-checkpoints');
      expect(() => new TrainingJob(stack, 'A', { image: gpuImage(), instanceType: InstanceType.ML_G5_2XLARGE, checkpointBucket: bucket }))
        .toThrow(/checkpointBucket is set but checkpointS3Uri is not/);
      expect(() => new TrainingJob(stack, 'B', {
        image: gpuImage(), instanceType: InstanceType.ML_G5_2XLARGE, checkpointBucket: bucket, checkpointS3Uri: 's3://other-bucket/ckpt',
      })).toThrow(/checkpointS3Uri 's3:\/\/other-bucket\/ckpt' is not in checkpointBucket 'my-checkpoints'/);
    });
  });

  test('uses a given role and does not create one', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/training', { mutable: false });
    const job = new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, role });
    expect(job.role).toBe(role);
    expect(requestOf(Template.fromStack(stack)).RoleArn).toBe('arn:aws:iam::123456789012:role/training');
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] } }, 0);
  });

  test('lets the handler describe and stop every name of the construct, create only this one, and pass the role only to SageMaker', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, trainingJobNamePrefix: 'My-Run' });

    // THEN (defect 2: Describe/Stop named only the current job, so the Delete of the other name was AccessDenied)
    const template = Template.fromStack(stack);
    const name = jobNameOf(template);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'],
            // SageMaker authorizes training jobs by their lower-cased ARN
            Resource: { 'Fn::Join': ['', Match.arrayWith([':training-job/my-run-*'])] },
          }),
          Match.objectLike({
            Action: ['sagemaker:CreateTrainingJob', 'sagemaker:AddTags'],
            Resource: { 'Fn::Join': ['', Match.arrayWith([`:training-job/${name.toLowerCase()}`])] },
          }),
          Match.objectLike({
            Action: 'iam:PassRole',
            Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
          }),
        ]),
      },
    });
  });

  test('shares one handler and one signal function between the jobs of a stack', () => {
    const stack = newStack();
    new TrainingJob(stack, 'A', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE });
    new TrainingJob(stack, 'B', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, hyperparameters: { lr: '0.1' } });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('Custom::SageMakerTrainingJob', 2);
    template.resourceCountIs('AWS::CloudFormation::WaitCondition', 2);
    expect(jobNameOf(template, 0)).not.toEqual(jobNameOf(template, 1));
  });

  test('exposes name, ARN, artifacts and log group, and a ModelData that waits for the job', () => {
    // GIVEN
    const stack = newStack();
    const job = new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE });
    const consumer = new Construct(stack, 'Consumer');
    const model = new CfnResource(consumer, 'Model', { type: 'AWS::SageMaker::Model', properties: {} });
    const role = new iam.Role(stack, 'ModelRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    const config = job.modelData.bind(consumer, role);
    model.addPropertyOverride('PrimaryContainer.ModelDataUrl', config.s3Uri);

    // THEN
    expect(stack.resolve(job.trainingJobName)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Train/), 'TrainingJobName'] });
    expect(stack.resolve(job.trainingJobArn)).toEqual({ 'Fn::GetAtt': [expect.any(String), 'TrainingJobArn'] });
    expect(stack.resolve(config.s3Uri)).toEqual({ 'Fn::GetAtt': [expect.any(String), 'ModelArtifactsS3Uri'] });
    expect(job.logGroupName).toBe('/aws/sagemaker/TrainingJobs');
    expect(job.grantPrincipal).toBe(job.role);
    const template = Template.fromStack(stack);
    const conditionId = Object.keys(template.findResources('AWS::CloudFormation::WaitCondition'))[0];
    const models = template.findResources('AWS::SageMaker::Model');
    expect(Object.values(models)[0].DependsOn).toContain(conditionId);
    // the model role may read this job's archive only
    const policy = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ModelRole') }] } }))[0] as any;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{
      Action: 's3:GetObject',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': ['', [
          { 'Fn::GetAtt': [expect.stringMatching(/^TrainOutputBucket/), 'Arn'] },
          `/training-jobs/${job.jobNameAtSynth}/output/model.tar.gz`,
        ]],
      },
    }]);
  });

  test('gives metrics in the training namespace', () => {
    const stack = newStack();
    const job = new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE });
    const metric = job.metricGpuUtilization();
    expect(metric.namespace).toBe('/aws/sagemaker/TrainingJobs');
    expect(metric.metricName).toBe('GPUUtilization');
    expect(stack.resolve(metric.dimensions?.Host)).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.any(String), 'TrainingJobName'] }, '/algo-1']] });
  });

  describe('job name', () => {
    function synthName(hyperparameters: { [key: string]: string }, extra: Partial<TrainingJobProps> = {}): string {
      const app = new App();
      const stack = new Stack(app, 'TestStack');
      const data = new s3.Bucket(stack, 'Data');
      new TrainingJob(stack, 'Train', {
        image: cpuImage(),
        instanceType: InstanceType.ML_M5_XLARGE,
        hyperparameters,
        inputs: [TrainingInput.fromBucket('train', data, 'train/')],
        ...extra,
      });
      return jobNameOf(Template.fromStack(stack));
    }

    test('is the same for two synths of the same app', () => {
      expect(synthName({ epochs: '10', lr: '0.001' })).toEqual(synthName({ epochs: '10', lr: '0.001' }));
    });

    test('changes when one hyperparameter changes', () => {
      expect(synthName({ epochs: '10', lr: '0.001' })).not.toEqual(synthName({ epochs: '10', lr: '0.01' }));
    });

    test('changes with the instance type, the retrain token and the image', () => {
      const base = synthName({});
      expect(synthName({}, { instanceType: InstanceType.ML_M5_2XLARGE })).not.toEqual(base);
      expect(synthName({}, { retrainToken: '2' })).not.toEqual(base);
      expect(synthName({}, { image: SageMakerImage.fromImageUri(`${CPU_IMAGE_URI}b`, { entryPoint: EntryPoint.program('train.py') }) })).not.toEqual(base);
      expect(synthName({}, { image: SageMakerImage.fromImageUri(CPU_IMAGE_URI, { entryPoint: EntryPoint.program('main.py') }) })).not.toEqual(base);
    });

    test('differs between two stacks with the same job, whose references name different resources', () => {
      const app = new App();
      const stacks = ['One', 'Two'].map((stackName) => new Stack(app, stackName));
      stacks.forEach((stack) => new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE }));
      const [one, two] = stacks.map((stack) => jobNameOf(Template.fromStack(stack)));
      expect(one).not.toEqual(two);
    });

    test('does not change with the tags', () => {
      expect(synthName({}, { tags: { team: 'a' } })).toEqual(synthName({}, { tags: { team: 'b' } }));
    });

    test('takes a prefix and stays within 63 characters', () => {
      const name = synthName({}, { trainingJobNamePrefix: 'a'.repeat(40) });
      expect(name).toHaveLength(57);
      expect(name).toMatch(/^a{40}-[0-9a-f]{16}$/);
    });

    test('derives a clean prefix from a long construct id', () => {
      const stack = newStack();
      new TrainingJob(stack, 'My_Very.Long Training Job Id That Goes On And On', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE });
      const name = jobNameOf(Template.fromStack(stack));
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^my-very-long-training-job-id-that-goes-o-[0-9a-f]{16}$/);
    });
  });

  describe('inputs', () => {
    test('renders channel options', () => {
      // GIVEN
      const stack = newStack();
      const data = new s3.Bucket(stack, 'Data');

      // WHEN
      new TrainingJob(stack, 'Train', {
        image: cpuImage(),
        instanceType: InstanceType.ML_M5_XLARGE,
        inputs: [
          TrainingInput.fromBucket('train', data, 'train/', {
            inputMode: TrainingInputMode.PIPE,
            contentType: 'text/csv',
            compression: InputCompression.GZIP,
            shuffleSeed: 7,
            distribution: S3DataDistribution.SHARDED_BY_S3_KEY,
            recordWrapper: RecordWrapper.RECORDIO,
          }),
          TrainingInput.fromS3Uri('test', 's3://other-bucket/test', { inputMode: TrainingInputMode.FAST_FILE }),
        ],
      });

      // THEN
      const template = Template.fromStack(stack);
      const [train, test] = requestOf(template).InputDataConfig;
      expect(train).toEqual({
        ChannelName: 'train',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: expect.stringMatching(/^s3:\/\/<.*Data.*>\/train\/$/), S3DataDistributionType: 'ShardedByS3Key' } },
        ContentType: 'text/csv',
        CompressionType: 'Gzip',
        RecordWrapperType: 'RecordIO',
        InputMode: 'Pipe',
        ShuffleConfig: { Seed: 7 },
      });
      expect(test).toEqual({
        ChannelName: 'test',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://other-bucket/test', S3DataDistributionType: 'FullyReplicated' } },
        InputMode: 'FastFile',
      });
      // read on the URI's prefix only
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::other-bucket/test*']] } }),
            Match.objectLike({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['test*'] } } }),
          ]),
        },
      });
    });

    test('unpacks a local directory into an S3 prefix keyed by its hash, before the job starts', () => {
      // GIVEN
      const stack = newStack();
      const dir = dataDir({ 'a.csv': '1,2\n', 'sub/b.csv': '3,4\n' });

      // WHEN
      new TrainingJob(stack, 'Train', {
        image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, inputs: [TrainingInput.fromAsset('validation', dir)],
      });

      // THEN
      const template = Template.fromStack(stack);
      const unpacks = template.findResources('Custom::SageMakerTrainingInputAsset');
      expect(Object.keys(unpacks)).toHaveLength(1);
      const [unpackId, unpack] = Object.entries(unpacks)[0] as [string, any];
      const prefix: string = unpack.Properties.DestinationPrefix;
      expect(prefix).toMatch(/^training-jobs\/inputs\/[0-9a-f]{64}\/$/);
      expect(unpack.Properties.SourceKey).toMatch(/^[0-9a-f]{64}\.zip$/);
      expect(unpack.Properties.DestinationBucket).toEqual({ Ref: expect.stringMatching(/TrainOutputBucket/) });
      const channel = requestOf(template).InputDataConfig[0];
      expect(channel.DataSource.S3DataSource.S3Uri).toMatch(new RegExp(`/${prefix}data/$`.replace(/\//g, '\\/')));
      const job = Object.values(template.findResources('Custom::SageMakerTrainingJob'))[0];
      expect(job.DependsOn).toContain(unpackId);
      // one unpacking function (plus the job handler and signal function)
      template.resourceCountIs('AWS::Lambda::Function', 3);
      // the unpacking function may only do what it calls: read the one asset, read/write its destination
      // prefix, list the destination bucket (HeadObject of a missing marker answers 404 only with it) and its
      // multipart uploads, list the parts of an upload under the prefix (the part-level resume)
      const fnPolicies = template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp('SageMakerTrainingInputAssetHandlerRole') }] },
      });
      const fnStatements: any[] = Object.values(fnPolicies).flatMap((p: any) => p.Properties.PolicyDocument.Statement)
        .filter((st: any) => [].concat(st.Action).some((act: string) => act.startsWith('s3:')));
      const output = { 'Fn::GetAtt': [expect.stringMatching(/^TrainOutputBucket/), 'Arn'] };
      expect(fnStatements).toEqual([
        {
          Action: 's3:GetObject',
          Effect: 'Allow',
          Resource: {
            'Fn::Join': ['', [
              'arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' },
              `/${unpack.Properties.SourceKey}`,
            ]],
          },
        },
        {
          Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', [output, `/${prefix}*`]] },
        },
        { Action: ['s3:ListBucket', 's3:ListBucketMultipartUploads'], Effect: 'Allow', Resource: output },
      ]);
      // and the job reads the unpacked data only
      const jobStatements: any[] = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('TrainRole') }] } }))
        .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
      expect(jobStatements).toEqual(expect.arrayContaining([
        { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', [output, `/${prefix}data/*`]] } },
        { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': [`${prefix}data/*`] } }, Effect: 'Allow', Resource: output },
      ]));
    });

    test('keeps channels apart whose names differ only in punctuation', () => {
      const stack = newStack();
      new TrainingJob(stack, 'Train', {
        image: cpuImage(),
        instanceType: InstanceType.ML_M5_XLARGE,
        inputs: [TrainingInput.fromAsset('a-b', dataDir({ x: '1' })), TrainingInput.fromAsset('a_b', dataDir({ y: '2' }))],
      });
      Template.fromStack(stack).resourceCountIs('Custom::SageMakerTrainingInputAsset', 2);
    });

    test('passes local directories to the image as exclusions', () => {
      const stack = newStack();
      const dir = dataDir({ 'a.csv': '1' });
      const image = cpuImage();
      const bind = jest.spyOn(image, 'bind');
      new TrainingJob(stack, 'Train', { image, instanceType: InstanceType.ML_M5_XLARGE, inputs: [TrainingInput.fromAsset('data', dir)] });
      expect(bind).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ excludePaths: [path.resolve(dir)] }));
    });
  });

  describe('bad input', () => {
    function expectProblem(props: Partial<TrainingJobProps>, message: RegExp) {
      const stack = newStack();
      expect(() => new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, ...props })).toThrow(message);
    }

    test('fails on an instance type that cannot train', () => {
      expectProblem({ instanceType: InstanceType.ML_INF2_XLARGE }, /ml\.inf2\.xlarge cannot run training/);
    });

    test('fails on a GPU image on a CPU instance', () => {
      expectProblem({ image: gpuImage() }, /has no NVIDIA GPU/);
    });

    test('fails on instanceCount below 1', () => {
      expectProblem({ instanceCount: 0 }, /instanceCount 0 is not allowed/);
    });

    test('fails on distributions that need several instances or GPUs', () => {
      expectProblem({ distribution: TrainingDistribution.parameterServer() }, /parameterServer needs at least 2 instances, but instanceCount is 1/);
      expectProblem({ distribution: TrainingDistribution.torchDistributed() }, /torchDistributed needs NVIDIA GPU or Trainium instances, but instanceType ml\.m5\.xlarge has none/);
      expectProblem({ image: gpuImage(), instanceType: InstanceType.ML_G5_2XLARGE, distribution: TrainingDistribution.torchDistributed() },
        /torchDistributed needs at least 2 devices in all, but instanceType ml\.g5\.2xlarge has 1 and instanceCount is 1/);
      expectProblem({ distribution: TrainingDistribution.mpi() }, /mpi needs at least 2 processes in all/);
      expectProblem({ image: gpuImage(), instanceType: InstanceType.ML_G5_12XLARGE, distribution: TrainingDistribution.mpi({ processesPerHost: 8 }) },
        /processesPerHost 8 exceeds the 4 accelerators of instanceType ml\.g5\.12xlarge/);
      expect(() => TrainingDistribution.mpi({ processesPerHost: 0 })).toThrow(/processesPerHost 0 is not allowed/);
    });

    test('fails on hyperparameters over the limits, and on keys the library sets', () => {
      expectProblem({ hyperparameters: { ['k'.repeat(257)]: '1' } }, /has 257 characters; at most 256/);
      expectProblem({ hyperparameters: { k: 'v'.repeat(2501) } }, /value of 'k' has 2501 characters; at most 2500/);
      const many: { [key: string]: string } = {};
      for (let i = 0; i < 101; i++) many[`k${i}`] = '1';
      expectProblem({ hyperparameters: many }, /hyperparameters has 101 entries/);
      expectProblem({ hyperparameters: { sagemaker_program: 'x.py' } }, /hyperparameters key 'sagemaker_program' is set by this library/);
      expectProblem({ hyperparameters: { sagemaker_mpi_enabled: 'true' } }, /hyperparameters key 'sagemaker_mpi_enabled' is set by this library/);
      expectProblem({ hyperparameters: { sagemaker_submit_directory: 's3://b/code.tar.gz' } },
        /hyperparameters key 'sagemaker_submit_directory' is set by this library/);
    });

    test('fails on duplicated channel names', () => {
      const stack = newStack();
      const data = new s3.Bucket(stack, 'Data');
      expect(() => new TrainingJob(stack, 'Train', {
        image: cpuImage(),
        instanceType: InstanceType.ML_M5_XLARGE,
        inputs: [TrainingInput.fromBucket('train', data, 'a/'), TrainingInput.fromBucket('train', data, 'b/')],
      })).toThrow(/channel 'train' more than once/);
    });

    test('fails on maxRuntime over 28 days, spot maxWait below maxRuntime, and a wait beyond 12 hours', () => {
      expectProblem({ maxRuntime: Duration.days(29), waitForCompletion: false }, /maxRuntime 29 days is not allowed; use 1 second to 28 days/);
      expectProblem({ useSpotInstances: true, maxRuntime: Duration.hours(4), maxWait: Duration.hours(2) }, /maxWait 2 hours is less than maxRuntime 4 hours/);
      expectProblem({ maxRuntime: Duration.hours(13) }, /maxRuntime 13 hours lets the job run longer than a deployment can wait \(12 hours\).*waitForCompletion: false/);
      expectProblem({ useSpotInstances: true, maxRuntime: Duration.hours(8), maxWait: Duration.hours(14) }, /maxWait 14 hours lets the job run longer/);
      expectProblem({ maxWait: Duration.hours(2) }, /maxWait is set but useSpotInstances is not/);
    });

    test('fails on a serving entry point', () => {
      expectProblem({ image: SageMakerImage.fromImageUri(CPU_IMAGE_URI, { entryPoint: EntryPoint.servingModule('my_pkg.serving:app') }) },
        /entryPoint servingModule 'my_pkg.serving:app' cannot start a TRAINING container/);
    });

    test('reports an instance-type mismatch together with the other problems', () => {
      expectProblem({ image: gpuImage(), instanceCount: 0 }, /: 2 problems:[\s\S]*has no NVIDIA GPU[\s\S]*instanceCount 0/);
    });

    test('reports several problems together', () => {
      expectProblem({ instanceCount: 0, retryAttempts: 31, keepAlive: Duration.hours(2) },
        /: 3 problems:[\s\S]*instanceCount 0[\s\S]*retryAttempts 31[\s\S]*keepAlive 2 hours/);
    });

    test('fails on warm pools with spot, bad volume sizes and an environment that clashes with the entry point', () => {
      expectProblem({ useSpotInstances: true, keepAlive: Duration.minutes(10) }, /keepAlive \(warm pool\) cannot be used with useSpotInstances/);
      expectProblem({ volumeSize: Size.mebibytes(1500) }, /volumeSize 1500 MiB is not allowed/);
      expectProblem({ environment: { SAGEMAKER_PROGRAM: 'other.py' } }, /environment SAGEMAKER_PROGRAM=other.py clashes with the image's entry point/);
      expectProblem({ checkpointS3Uri: 'bucket/x' }, /checkpointS3Uri 'bucket\/x' is not an S3 URI/);
      expectProblem({ trainingJobNamePrefix: 'bad_prefix' }, /trainingJobNamePrefix 'bad_prefix' is not allowed/);
    });
  });
});

describe('handler functions', () => {
  test('have their own roles and log groups, no managed policy, and the job waits for their policies', () => {
    // GIVEN
    const stack = newStack();
    const dir = dataDir({ 'a.csv': '1' });

    // WHEN
    new TrainingJob(stack, 'Train', { image: cpuImage(), instanceType: InstanceType.ML_M5_XLARGE, inputs: [TrainingInput.fromAsset('d', dir)] });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    const lambdaRoles = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] } },
    });
    expect(Object.keys(lambdaRoles)).toHaveLength(3);
    for (const role of Object.values(lambdaRoles)) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    const job = Object.values(template.findResources('Custom::SageMakerTrainingJob'))[0];
    expect(job.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^SageMakerTrainingJobHandlerRoleDefaultPolicy/)]));
    const unpack = Object.values(template.findResources('Custom::SageMakerTrainingInputAsset'))[0];
    expect(unpack.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^SageMakerTrainingInputAssetHandlerRoleDefaultPolicy/)]));
  });
});
