import { Template, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { cpuImage, gpuImage, MODEL_DATA, newStack, only } from './fixtures';
import { InstanceType } from '../../src/compute/instance-type';
import { AsyncEndpoint, AsyncEndpointProps, IncludeInferenceResponseIn, S3Location } from '../../src/hosting';

describe('AsyncEndpoint', () => {
  test('writes responses and failures to S3 and notifies SNS topics, granting the role each', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Out');
    const success = new sns.Topic(stack, 'Success');
    const error = new sns.Topic(stack, 'Error');
    const key = new kms.Key(stack, 'Key');

    // WHEN
    new AsyncEndpoint(stack, 'Async', {
      image: gpuImage(),
      modelData: MODEL_DATA,
      instanceType: InstanceType.ML_G5_XLARGE,
      outputPath: S3Location.fromBucket(bucket, 'async/out'),
      failurePath: S3Location.fromBucket(bucket, 'async/failed/'),
      inputLocation: S3Location.fromBucket(bucket, 'async/in'),
      outputEncryptionKey: key,
      notifications: {
        successTopic: success,
        errorTopic: error,
        includeInferenceResponseIn: [IncludeInferenceResponseIn.SUCCESS_NOTIFICATION_TOPIC],
      },
      maxConcurrentInvocationsPerInstance: 4,
    });

    // THEN
    const template = Template.fromStack(stack);
    const bucketRef = { Ref: Match.stringLikeRegexp('^Out') };
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      AsyncInferenceConfig: {
        ClientConfig: { MaxConcurrentInvocationsPerInstance: 4 },
        OutputConfig: {
          S3OutputPath: { 'Fn::Join': ['', ['s3://', bucketRef, '/async/out/']] },
          S3FailurePath: { 'Fn::Join': ['', ['s3://', bucketRef, '/async/failed/']] },
          KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
          NotificationConfig: {
            SuccessTopic: { Ref: Match.stringLikeRegexp('^Success') },
            ErrorTopic: { Ref: Match.stringLikeRegexp('^Error') },
            IncludeInferenceResponseIn: ['SUCCESS_NOTIFICATION_TOPIC'],
          },
        },
      },
    });
    const statements = only(template, 'AWS::IAM::Policy').Properties.PolicyDocument.Statement;
    const find = (prefix: string) => statements.filter((s: any) => [].concat(s.Action).some((a: string) => a.startsWith(prefix)));
    const objects = (path: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Out/), 'Arn'] }, path]] });
    expect(find('sns:')).toEqual([
      { Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^Success/) } },
      { Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^Error/) } },
    ]);
    expect(find('s3:')).toEqual([
      { Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Effect: 'Allow', Resource: objects('/async/out/*') },
      { Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Effect: 'Allow', Resource: objects('/async/failed/*') },
      { Action: 's3:GetObject', Effect: 'Allow', Resource: objects('/async/in/*') },
    ]);
    expect(find('kms:')).toEqual([{
      Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
    }]);
    expect(statements.flatMap((s: any) => [].concat(s.Action)).filter((a: string) => a.endsWith('*'))).toEqual([]);
  });

  test('grants sns:Publish and only kms:GenerateDataKey and kms:Decrypt on the key of an encrypted topic', () => {
    // GIVEN
    const stack = newStack();
    const topicKey = new kms.Key(stack, 'TopicKey');
    const topic = new sns.Topic(stack, 'Success', { masterKey: topicKey });

    // WHEN
    new AsyncEndpoint(stack, 'Async', {
      image: gpuImage(),
      instanceType: InstanceType.ML_G5_XLARGE,
      outputPath: S3Location.fromS3Uri('s3://bucket/out'),
      notifications: { successTopic: topic },
    });

    // THEN
    const statements = only(Template.fromStack(stack), 'AWS::IAM::Policy').Properties.PolicyDocument.Statement;
    expect(statements).toEqual(expect.arrayContaining([
      { Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^Success/) } },
      {
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^TopicKey/), 'Arn'] },
      },
    ]));
    expect(statements.flatMap((s: any) => [].concat(s.Action)).filter((a: string) => a.startsWith('kms:')).sort())
      .toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  });

  test('does not scale unless asked', () => {
    const stack = newStack();
    const endpoint = new AsyncEndpoint(stack, 'Async', { image: gpuImage(), instanceType: InstanceType.ML_G5_XLARGE, outputPath: S3Location.fromS3Uri('s3://bucket/out') });
    expect(endpoint.scalableInstanceCount).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  });

  test('scales to zero on its backlog, and starts the first instance when requests wait without capacity', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const endpoint = new AsyncEndpoint(stack, 'Async', {
      image: gpuImage(),
      instanceType: InstanceType.ML_G5_XLARGE,
      outputPath: S3Location.fromS3Uri('s3://bucket/out'),
      minCapacity: 0,
      maxCapacity: 3,
      targetBacklogPerInstance: 8,
    });

    // THEN
    const template = Template.fromStack(stack);
    const endpointId = Object.keys(template.findResources('AWS::SageMaker::Endpoint'))[0];
    const endpointName = { 'Fn::GetAtt': [endpointId, 'EndpointName'] };
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 3 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        CustomizedMetricSpecification: {
          Namespace: 'AWS/SageMaker',
          MetricName: 'ApproximateBacklogSizePerInstance',
          Statistic: 'Average',
          Dimensions: [{ Name: 'EndpointName', Value: endpointName }],
        },
        TargetValue: 8,
      },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: Match.objectLike({
        AdjustmentType: 'ChangeInCapacity',
        StepAdjustments: Match.arrayWith([Match.objectLike({ ScalingAdjustment: 1 })]),
      }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SageMaker',
      MetricName: 'HasBacklogWithoutCapacity',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 0.5,
      Dimensions: [{ Name: 'EndpointName', Value: endpointName }],
    });
    const target = only(template, 'AWS::ApplicationAutoScaling::ScalableTarget');
    expect(target.Properties.ResourceId['Fn::Join'][1][1]).toEqual(endpointName); // created after, deleted before the endpoint
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 2); // no scale-in step policy: target tracking scales in
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    expect(endpoint.scalableInstanceCount).toBeDefined();
  });

  test('defaults the scaling bounds from the instance count', () => {
    const stack = newStack();
    new AsyncEndpoint(stack, 'Async', {
      image: gpuImage(), instanceType: InstanceType.ML_G5_XLARGE, outputPath: S3Location.fromS3Uri('s3://bucket/out'), initialInstanceCount: 2, minCapacity: 0,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 2 });
  });

  test('grants asynchronous invoke and gives queue metrics', () => {
    const stack = newStack();
    const endpoint = new AsyncEndpoint(stack, 'Async', { image: gpuImage(), instanceType: InstanceType.ML_G5_XLARGE, outputPath: S3Location.fromS3Uri('s3://bucket/out') });
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    endpoint.grantInvoke(caller);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Caller') }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'sagemaker:InvokeEndpointAsync' })] },
    });
    const names = [endpoint.metricApproximateBacklogSize(), endpoint.metricApproximateBacklogSizePerInstance(),
      endpoint.metricHasBacklogWithoutCapacity(), endpoint.metricApproximateAgeOfOldestRequest()]
      .map(m => [m.metricName, m.statistic, Object.keys(m.dimensions!)]);
    expect(names).toEqual([
      ['ApproximateBacklogSize', 'Average', ['EndpointName']],
      ['ApproximateBacklogSizePerInstance', 'Average', ['EndpointName']],
      ['HasBacklogWithoutCapacity', 'Average', ['EndpointName']],
      ['ApproximateAgeOfOldestRequest', 'Maximum', ['EndpointName']],
    ]);
  });

  test('fails without an output path', () => {
    const stack = newStack();
    const props = { image: gpuImage(), instanceType: InstanceType.ML_G5_XLARGE } as unknown as AsyncEndpointProps;
    expect(() => new AsyncEndpoint(stack, 'Async', props)).toThrow(/outputPath is required for an AsyncEndpoint/);
  });

  test('fails on concurrency outside 1-1000 and a backlog target without scaling', () => {
    const stack = newStack();
    expect(() => new AsyncEndpoint(stack, 'Async', {
      image: gpuImage(),
      instanceType: InstanceType.ML_G5_XLARGE,
      outputPath: S3Location.fromS3Uri('s3://bucket/out'),
      maxConcurrentInvocationsPerInstance: 0,
      targetBacklogPerInstance: 3,
    })).toThrow(/maxConcurrentInvocationsPerInstance 0 is not allowed[\s\S]*targetBacklogPerInstance needs minCapacity or maxCapacity/);
  });

  test('fails to scale a burstable type to zero', () => {
    const stack = newStack();
    expect(() => new AsyncEndpoint(stack, 'Async', {
      image: cpuImage(), instanceType: InstanceType.ML_T2_MEDIUM, outputPath: S3Location.fromS3Uri('s3://bucket/out'), minCapacity: 0,
    })).toThrow(/instanceType ml.t2.medium is burstable and cannot autoscale/);
  });
});
