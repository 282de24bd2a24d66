import { Duration, Size } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { anyImage, cpuImage, gpuImage, MODEL_DATA, newStack, only } from './fixtures';
import { InstanceType } from '../../src/compute/instance-type';
import {
  CapacitySize, Endpoint, S3Location, TrafficRouting,
} from '../../src/hosting';

function variants(stack: any): any[] {
  return only(Template.fromStack(stack), 'AWS::SageMaker::EndpointConfig').Properties.ProductionVariants;
}

describe('Endpoint', () => {
  test('serves a model on one variant with CPU timeouts by default', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), modelData: MODEL_DATA, instanceType: InstanceType.ML_M5_LARGE });

    // THEN
    expect(variants(stack)).toEqual([{
      VariantName: 'AllTraffic',
      ModelName: { 'Fn::GetAtt': [expect.stringMatching(/^EndpointAllTrafficModel/), 'ModelName'] },
      InstanceType: 'ml.m5.large',
      InitialInstanceCount: 1,
      InitialVariantWeight: 1,
      ContainerStartupHealthCheckTimeoutInSeconds: 600,
      ModelDataDownloadTimeoutInSeconds: 600,
    }]);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      EndpointConfigName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointConfig'), 'EndpointConfigName'] },
    });
    expect(endpoint.defaultVariantName).toBe('AllTraffic');
    expect(endpoint.variants.map(v => v.variantName)).toEqual(['AllTraffic']);
    expect(stack.resolve(endpoint.endpointName)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Endpoint/), 'EndpointName'] });
    expect(stack.resolve(endpoint.endpointArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Endpoint/), 'EndpointArn'] });
    expect(stack.resolve(endpoint.endpointConfigName)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EndpointConfig/), 'EndpointConfigName'] });
    expect(stack.resolve(endpoint.modelNames)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^EndpointAllTrafficModel/), 'ModelName'] }]);
  });

  test('gives accelerated instances longer startup and download timeouts', () => {
    const stack = newStack();
    new Endpoint(stack, 'Endpoint', { image: gpuImage(), instanceType: InstanceType.ML_G5_XLARGE });
    expect(variants(stack)[0]).toMatchObject({ ContainerStartupHealthCheckTimeoutInSeconds: 1800, ModelDataDownloadTimeoutInSeconds: 1800 });
  });

  test('takes explicit timeouts, instance count, weight, volume size and variant name', () => {
    const stack = newStack();
    new Endpoint(stack, 'Endpoint', {
      image: cpuImage(),
      instanceType: InstanceType.ML_C5_XLARGE,
      initialInstanceCount: 3,
      initialVariantWeight: 2,
      variantName: 'Blue',
      containerStartupHealthCheckTimeout: Duration.minutes(15),
      modelDataDownloadTimeout: Duration.seconds(90),
      volumeSize: Size.gibibytes(64),
    });
    expect(variants(stack)[0]).toMatchObject({
      VariantName: 'Blue',
      InstanceType: 'ml.c5.xlarge',
      InitialInstanceCount: 3,
      InitialVariantWeight: 2,
      ContainerStartupHealthCheckTimeoutInSeconds: 900,
      ModelDataDownloadTimeoutInSeconds: 90,
      VolumeSizeInGB: 64,
    });
  });

  test('has no fixed names for model and config, and a fixed endpoint name when asked', () => {
    const stack = newStack();
    new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, endpointName: 'my-endpoint' });
    const template = Template.fromStack(stack);
    expect(only(template, 'AWS::SageMaker::Model').Properties.ModelName).toBeUndefined();
    expect(only(template, 'AWS::SageMaker::EndpointConfig').Properties.EndpointConfigName).toBeUndefined();
    expect(only(template, 'AWS::SageMaker::Endpoint').Properties.EndpointName).toBe('my-endpoint');
  });

  test('serves weighted variants, each with its own model, instance type and count', () => {
    // GIVEN
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), modelData: MODEL_DATA, instanceType: InstanceType.ML_M5_LARGE, initialVariantWeight: 9 });

    // WHEN
    const challenger = endpoint.addVariant('Challenger', { image: gpuImage(), instanceType: InstanceType.ML_G5_2XLARGE, initialInstanceCount: 2, initialVariantWeight: 1 });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SageMaker::Model', 2);
    template.resourceCountIs('AWS::IAM::Role', 1); // one role shared by the variants' models
    expect(variants(stack).map((v: any) => [v.VariantName, v.InstanceType, v.InitialInstanceCount, v.InitialVariantWeight]))
      .toEqual([['AllTraffic', 'ml.m5.large', 1, 9], ['Challenger', 'ml.g5.2xlarge', 2, 1]]);
    expect(variants(stack)[1].ModelName).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EndpointChallengerModel/), 'ModelName'] });
    expect(endpoint.variants).toEqual([endpoint.defaultVariant, challenger]);
    expect(endpoint.modelNames).toHaveLength(2);
  });

  test('fails on a duplicate variant name and on more than 10 variants', () => {
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    expect(() => endpoint.addVariant('AllTraffic', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE }))
      .toThrow(/^TestStack\/Endpoint: addVariant AllTraffic: variantName 'AllTraffic' is already a variant of this endpoint/);
    for (let i = 1; i < 10; i++) {
      endpoint.addVariant(`V${i}`, { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    }
    expect(() => endpoint.addVariant('V10', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE }))
      .toThrow(/^TestStack\/Endpoint: addVariant V10: variantName 'V10' would be variant 11; an endpoint has at most 10 production variants/);
  });

  test('fails on an invalid variant name', () => {
    const stack = newStack();
    expect(() => new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, variantName: 'no_underscores' }))
      .toThrow(/variantName 'no_underscores' is not a valid name/);
  });

  test('fails on a negative weight, and when every weight is zero', () => {
    const stack = newStack();
    expect(() => new Endpoint(stack, 'Bad', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, initialVariantWeight: -1 }))
      .toThrow(/initialVariantWeight -1 is not allowed; use a number of at least 0/);

    const zero = newStack();
    const endpoint = new Endpoint(zero, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, initialVariantWeight: 0 });
    endpoint.addVariant('B', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, initialVariantWeight: 0 });
    expect(() => Template.fromStack(zero)).toThrow(/initialVariantWeight is 0 for every variant \(AllTraffic, B\)/);
  });

  test('accepts a zero weight next to a positive one (a shadow variant)', () => {
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    endpoint.addVariant('Shadow', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, initialVariantWeight: 0 });
    expect(variants(stack)[1].InitialVariantWeight).toBe(0);
  });

  test('fails on zero instances', () => {
    const stack = newStack();
    expect(() => new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, initialInstanceCount: 0 }))
      .toThrow(/initialInstanceCount 0 is not allowed; use an integer of at least 1/);
  });

  test('fails on a training-only instance type', () => {
    const stack = newStack();
    expect(() => new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_T3_MEDIUM }))
      .toThrow(/instanceType ml.t3.medium cannot run endpoints \(hosting\)/);
  });

  test('fails on a GPU image on a CPU instance, naming the variant', () => {
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    expect(() => endpoint.addVariant('Gpu', { image: gpuImage(), instanceType: InstanceType.ML_C5_XLARGE }))
      .toThrow(/Gpu.instanceType ml.c5.xlarge has no NVIDIA GPU/);
  });

  test('warns on a CPU image on a GPU instance', () => {
    const stack = newStack();
    new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_G5_XLARGE });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('instanceType ml.g5.xlarge carries .* but the image is CPU-only'));
  });

  test('fails on timeouts outside 60 s - 1 h and a volume size outside 1-512 GiB, reported together', () => {
    const stack = newStack();
    expect(() => new Endpoint(stack, 'Endpoint', {
      image: cpuImage(),
      instanceType: InstanceType.ML_M5_LARGE,
      containerStartupHealthCheckTimeout: Duration.seconds(30),
      modelDataDownloadTimeout: Duration.hours(2),
      volumeSize: Size.gibibytes(1024),
    })).toThrow(/3 problems[\s\S]*containerStartupHealthCheckTimeout 30 seconds[\s\S]*modelDataDownloadTimeout 2 hours[\s\S]*volumeSize 1048576 MiB/);
  });

  test('encrypts the volumes with a KMS key', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, encryptionKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
    });
  });

  test('fails on a volume size with a local-storage type, and warns that a KMS key does not encrypt that storage', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    expect(() => new Endpoint(stack, 'M5d', { image: cpuImage(), instanceType: InstanceType.ML_M5D_LARGE, volumeSize: Size.gibibytes(10) }))
      .toThrow(/volumeSize cannot be used with instanceType ml.m5d.large/);
    // CreateEndpointConfig takes the key with such types but does not encrypt their local storage with it
    new Endpoint(stack, 'G5', { image: gpuImage(), instanceType: InstanceType.ML_G5_XLARGE, encryptionKey: key });
    const endpoint = new Endpoint(stack, 'Ok', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, encryptionKey: key });
    endpoint.addVariant('P4d', { image: gpuImage(), instanceType: InstanceType.ML_P4D_24XLARGE });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/TestStack/G5', Match.stringLikeRegexp('encryptionKey does not encrypt the local NVMe instance storage of instanceType ml.g5.xlarge'));
    annotations.hasWarning('/TestStack/Ok', Match.stringLikeRegexp('of P4d.instanceType ml.p4d.24xlarge'));
    expect(annotations.findWarning('/TestStack/Ok', Match.stringLikeRegexp('ml.m5.large'))).toEqual([]);
  });

  test('captures data to S3 with sampling, modes, content types and a key, granting the role', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Capture');
    const key = new kms.Key(stack, 'Key');

    // WHEN
    new Endpoint(stack, 'Endpoint', {
      image: cpuImage(),
      instanceType: InstanceType.ML_M5_LARGE,
      dataCapture: {
        destination: S3Location.fromBucket(bucket, 'capture'),
        samplingPercentage: 50,
        captureResponse: false,
        encryptionKey: key,
        jsonContentTypes: ['application/json'],
      },
    });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 50,
        DestinationS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^Capture') }, '/capture/']] },
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
        CaptureOptions: [{ CaptureMode: 'Input' }],
        CaptureContentTypeHeader: { JsonContentTypes: ['application/json'] },
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Capture'), 'Arn'] }, '/capture/*']] },
          },
          { Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
        ]),
      },
    });
    // exact actions, no grantPut / grantEncrypt wildcard sets (s3:Abort*, kms:GenerateDataKey*, kms:ReEncrypt*)
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement).flatMap((st: any) => [].concat(st.Action));
    expect(actions.filter((a: string) => a.endsWith('*'))).toEqual([]);
  });

  test('grants data capture to a URI location through its bucket on the URI\'s prefix only', () => {
    // GIVEN
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Capture', 'capture-bucket');

    // WHEN
    new Endpoint(stack, 'Endpoint', {
      image: cpuImage(),
      instanceType: InstanceType.ML_M5_LARGE,
      dataCapture: { destination: S3Location.fromS3Uri('s3://capture-bucket/endpoint/', { bucket }) },
    });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::capture-bucket/endpoint/*']] },
        }]),
      },
    });
  });

  test('captures requests and responses of 20 percent by default', () => {
    const stack = newStack();
    new Endpoint(stack, 'Endpoint', {
      image: cpuImage(),
      instanceType: InstanceType.ML_M5_LARGE,
      dataCapture: { destination: S3Location.fromS3Uri('s3://capture-bucket/endpoint') },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: {
        InitialSamplingPercentage: 20,
        DestinationS3Uri: 's3://capture-bucket/endpoint',
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      },
    });
  });

  test('fails on a sampling percentage outside 0-100 and on capturing nothing', () => {
    const stack = newStack();
    expect(() => new Endpoint(stack, 'Endpoint', {
      image: cpuImage(),
      instanceType: InstanceType.ML_M5_LARGE,
      dataCapture: { destination: S3Location.fromS3Uri('s3://bucket/p'), samplingPercentage: 150, captureRequest: false, captureResponse: false },
    })).toThrow(/dataCapture.samplingPercentage 150 is not allowed[\s\S]*captures neither requests nor responses/);
  });

  test('runs its models in a VPC with one shared security group', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, vpc, networkIsolation: true });
    endpoint.addVariant('B', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    const models = Object.values(template.findResources('AWS::SageMaker::Model')) as any[];
    expect(models).toHaveLength(2);
    for (const model of models) {
      expect(model.Properties.EnableNetworkIsolation).toBe(true);
      expect(model.Properties.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^EndpointSecurityGroup/), 'GroupId'] }]);
    }
    expect(endpoint.connections.securityGroups).toHaveLength(1);
  });

  test('shifts traffic by canary with rollback alarms on update', () => {
    // GIVEN
    const stack = newStack();
    const alarm = new cloudwatch.Alarm(stack, 'Errors', {
      metric: new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'Invocation5XXErrors' }),
      threshold: 1,
      evaluationPeriods: 1,
    });

    // WHEN
    new Endpoint(stack, 'Endpoint', {
      image: cpuImage(),
      instanceType: InstanceType.ML_M5_LARGE,
      initialInstanceCount: 4,
      deploymentGuardrails: {
        trafficRouting: TrafficRouting.canary({ size: CapacitySize.instances(2), waitInterval: Duration.minutes(10) }),
        rollbackAlarms: [alarm],
        terminationWait: Duration.minutes(2),
        maximumExecutionTimeout: Duration.hours(2),
      },
    });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: 'CANARY', CanarySize: { Type: 'INSTANCE_COUNT', Value: 2 }, WaitIntervalInSeconds: 600 },
          TerminationWaitInSeconds: 120,
          MaximumExecutionTimeoutInSeconds: 7200,
        },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: { Ref: Match.stringLikeRegexp('^Errors') } }] },
      },
    });
  });

  test('shifts traffic linearly or all at once', () => {
    const stack = newStack();
    new Endpoint(stack, 'Linear', {
      image: cpuImage(),
      instanceType: InstanceType.ML_M5_LARGE,
      deploymentGuardrails: { trafficRouting: TrafficRouting.linear({ stepSize: CapacitySize.percent(25) }) },
    });
    new Endpoint(stack, 'Once', {
      image: cpuImage(),
      instanceType: InstanceType.ML_M5_LARGE,
      deploymentGuardrails: { trafficRouting: TrafficRouting.allAtOnce() },
    });
    const endpoints = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::Endpoint')) as any[];
    expect(endpoints.map(e => e.Properties.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration)).toEqual([
      { Type: 'LINEAR', LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 25 }, WaitIntervalInSeconds: 300 },
      { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 300 },
    ]);
    expect(endpoints[0].Properties.DeploymentConfig.AutoRollbackConfiguration).toBeUndefined();
  });

  test('fails on traffic steps outside what SageMaker accepts', () => {
    const stack = newStack();
    const make = (id: string, trafficRouting: TrafficRouting, count = 1) => new Endpoint(stack, id, {
      image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, initialInstanceCount: count, deploymentGuardrails: { trafficRouting },
    });
    expect(() => make('A', TrafficRouting.canary({ size: CapacitySize.percent(60) }))).toThrow(/canary size 60% is not allowed; use a whole percentage from 1 to 50/);
    expect(() => make('B', TrafficRouting.linear({ stepSize: CapacitySize.percent(5) }))).toThrow(/linear step size 5% is not allowed; use a whole percentage from 10 to 50/);
    expect(() => make('C', TrafficRouting.canary({ size: CapacitySize.instances(3) }), 4)).toThrow(/canary size 3 instances is more than half of initialInstanceCount 4/);
    expect(() => make('D', TrafficRouting.allAtOnce({ waitInterval: Duration.hours(2) }))).toThrow(/waitInterval 2 hours is not allowed; use whole seconds from 0 s to 3600 s/);
  });

  test('grants invoke and streaming invoke on the endpoint', () => {
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    endpoint.grantInvoke(caller);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Caller') }],
      PolicyDocument: {
        Statement: [{
          Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Endpoint'), 'EndpointArn'] },
        }],
      },
    });
  });

  test('gives metrics of the default variant and of each variant', () => {
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: gpuImage(), instanceType: InstanceType.ML_G5_XLARGE });
    const b = endpoint.addVariant('B', { image: gpuImage(), instanceType: InstanceType.ML_G5_XLARGE });
    const name = stack.resolve(endpoint.endpointName);
    const described = (m: cloudwatch.Metric) => [m.namespace, m.metricName, m.statistic, m.period.toSeconds(), stack.resolve(m.dimensions)];
    const dims = (variant: string) => ({ EndpointName: name, VariantName: variant });
    expect([
      endpoint.metricInvocations(), endpoint.metricInvocationsPerInstance(), endpoint.metricInvocationErrors(),
      endpoint.metricInvocation4xxErrors(), endpoint.metricInvocation5xxErrors(), endpoint.metricModelLatency(),
      endpoint.metricOverheadLatency(), endpoint.metricCpuUtilization(), endpoint.metricMemoryUtilization(),
      endpoint.metricDiskUtilization(), endpoint.metricGpuUtilization(), endpoint.metricGpuMemoryUtilization(),
      endpoint.metric('AWS/SageMaker', 'ModelLoadingWaitTime'),
    ].map(described)).toEqual([
      ['AWS/SageMaker', 'Invocations', 'Sum', 300, dims('AllTraffic')],
      ['AWS/SageMaker', 'InvocationsPerInstance', 'Sum', 300, dims('AllTraffic')],
      ['AWS/SageMaker', 'InvocationModelErrors', 'Sum', 300, dims('AllTraffic')],
      ['AWS/SageMaker', 'Invocation4XXErrors', 'Sum', 300, dims('AllTraffic')],
      ['AWS/SageMaker', 'Invocation5XXErrors', 'Sum', 300, dims('AllTraffic')],
      ['AWS/SageMaker', 'ModelLatency', 'Average', 300, dims('AllTraffic')],
      ['AWS/SageMaker', 'OverheadLatency', 'Average', 300, dims('AllTraffic')],
      ['/aws/sagemaker/Endpoints', 'CPUUtilization', 'Average', 300, dims('AllTraffic')],
      ['/aws/sagemaker/Endpoints', 'MemoryUtilization', 'Average', 300, dims('AllTraffic')],
      ['/aws/sagemaker/Endpoints', 'DiskUtilization', 'Average', 300, dims('AllTraffic')],
      ['/aws/sagemaker/Endpoints', 'GPUUtilization', 'Average', 300, dims('AllTraffic')],
      ['/aws/sagemaker/Endpoints', 'GPUMemoryUtilization', 'Average', 300, dims('AllTraffic')],
      ['AWS/SageMaker', 'ModelLoadingWaitTime', 'Average', 300, dims('AllTraffic')],
    ]);
    expect(described(b.metricGpuUtilization({ period: Duration.minutes(1) }))).toEqual(['/aws/sagemaker/Endpoints', 'GPUUtilization', 'Average', 60, dims('B')]);
    expect(described(b.metricModelLatency({ statistic: 'p99' }))).toEqual(['AWS/SageMaker', 'ModelLatency', 'p99', 300, dims('B')]);
  });

  test('gives every metric of a non-default variant with its own dimensions', () => {
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    const b = endpoint.addVariant('B', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    const metrics = [
      b.metricInvocations(), b.metricInvocationsPerInstance(), b.metricInvocationErrors(), b.metricInvocation4xxErrors(),
      b.metricInvocation5xxErrors(), b.metricModelLatency(), b.metricOverheadLatency(), b.metricCpuUtilization(),
      b.metricMemoryUtilization(), b.metricDiskUtilization(), b.metricGpuUtilization(), b.metricGpuMemoryUtilization(),
      b.metric('/aws/sagemaker/Endpoints', 'CPUReservation'),
    ];
    expect(metrics.map(m => m.metricName)).toEqual([
      'Invocations', 'InvocationsPerInstance', 'InvocationModelErrors', 'Invocation4XXErrors', 'Invocation5XXErrors', 'ModelLatency',
      'OverheadLatency', 'CPUUtilization', 'MemoryUtilization', 'DiskUtilization', 'GPUUtilization', 'GPUMemoryUtilization', 'CPUReservation',
    ]);
    expect(new Set(metrics.map(m => m.dimensions!.VariantName))).toEqual(new Set(['B']));
  });

  test('fails on security groups without a VPC, and gives no connections outside one', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    expect(() => new Endpoint(stack, 'Bad', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, securityGroups: [sg] }))
      .toThrow(/vpcSubnets and securityGroups need vpc/);
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    expect(() => endpoint.connections).toThrow(/^TestStack\/Endpoint: connections is not available: this endpoint is not in a VPC; set vpc/);
  });

  test('fails on a zero-instance traffic step and on more than 10 rollback alarms', () => {
    const stack = newStack();
    const alarms = Array.from({ length: 11 }, (_, i) => cloudwatch.Alarm.fromAlarmArn(stack, `A${i}`, `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a${i}`));
    expect(() => new Endpoint(stack, 'Endpoint', {
      image: cpuImage(),
      instanceType: InstanceType.ML_M5_LARGE,
      deploymentGuardrails: { trafficRouting: TrafficRouting.linear({ stepSize: CapacitySize.instances(0) }), rollbackAlarms: alarms },
    })).toThrow(/^TestStack\/Endpoint: 2 problems:\n- deploymentGuardrails linear step size 0 instances is not allowed[^\n]*\n- deploymentGuardrails rollbackAlarms has 11 alarms; SageMaker accepts at most 10/);
  });

  test('imports an endpoint by name or ARN, with a lower-case name in the ARN', () => {
    const stack = newStack();
    const byName = Endpoint.fromEndpointName(stack, 'ByName', 'My-Endpoint');
    expect(stack.resolve(byName.endpointArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-west-1:123456789012:endpoint/my-endpoint']] });
    const byArn = Endpoint.fromEndpointArn(stack, 'ByArn', 'arn:aws:sagemaker:us-east-1:111111111111:endpoint/other');
    expect(byArn.endpointName).toBe('other');
    const withVariant = Endpoint.fromEndpointAttributes(stack, 'Attrs', { endpointName: 'e', variantName: 'Blue' });
    expect(withVariant.metricInvocations().dimensions).toEqual({ EndpointName: 'e', VariantName: 'Blue' });
    expect(byName.metricInvocations().dimensions).toEqual({ EndpointName: 'My-Endpoint', VariantName: 'AllTraffic' });

    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    byArn.grantInvoke(caller);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream'],
          Effect: 'Allow',
          Resource: 'arn:aws:sagemaker:us-east-1:111111111111:endpoint/other',
        }],
      },
    });
    expect(() => Endpoint.fromEndpointAttributes(stack, 'None', {})).toThrow(/needs endpointName or endpointArn/);
  });

  test('runs an image without an entry point and without model data', () => {
    const stack = newStack();
    new Endpoint(stack, 'Endpoint', { image: anyImage(), instanceType: InstanceType.ML_INF2_XLARGE });
    const model = only(Template.fromStack(stack), 'AWS::SageMaker::Model');
    expect(Object.keys(model.Properties.PrimaryContainer.Environment).sort()).toEqual(['SAGEMAKER_CONTAINER_LOG_LEVEL', 'SAGEMAKER_REGION']);
  });
});
