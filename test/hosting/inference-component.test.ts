import { Duration, Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { cpuImage, gpuImage, newStack, only } from './fixtures';
import { ModelData } from '../../src/artifacts';
import { InstanceType } from '../../src/compute/instance-type';
import { CopyCapacity, InferenceComponentEndpoint } from '../../src/hosting';

function endpointOf(stack: any, props: Partial<ConstructorParameters<typeof InferenceComponentEndpoint>[2]> = {}) {
  return new InferenceComponentEndpoint(stack, 'Llms', {
    instanceType: InstanceType.ML_G5_12XLARGE, minInstanceCount: 0, maxInstanceCount: 4, ...props,
  });
}

describe('InferenceComponentEndpoint', () => {
  test('its configuration carries the execution role and managed instance scaling, and no model', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    endpointOf(stack);
    // THEN
    const config = only(Template.fromStack(stack), 'AWS::SageMaker::EndpointConfig').Properties;
    expect(config.ExecutionRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^LlmsRole/), 'Arn'] });
    expect(config.ProductionVariants).toEqual([{
      VariantName: 'AllTraffic',
      InstanceType: 'ml.g5.12xlarge',
      InitialInstanceCount: 1,
      ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 4 },
    }]);
    Template.fromStack(stack).resourceCountIs('AWS::SageMaker::Model', 0);
  });

  test('fails for bounds SageMaker refuses, naming each prop, value and what is allowed', () => {
    const stack = newStack();
    expect(() => endpointOf(stack, { minInstanceCount: 3, maxInstanceCount: 2, initialInstanceCount: 5 })).toThrow(
      /Llms: 2 problems:\n- maxInstanceCount 2 is less than minInstanceCount 3; use a maxInstanceCount of at least 3\n- initialInstanceCount 5 is more than maxInstanceCount 2; use at most 2 instances/);
  });

  test('fails for scale to zero without managed instance scaling', () => {
    const stack = newStack();
    expect(() => endpointOf(stack, { managedInstanceScaling: false })).toThrow(
      /minInstanceCount 0 needs managedInstanceScaling: .*set managedInstanceScaling to true or minInstanceCount to at least 1/);
  });

  test('fails for an instance type that cannot host', () => {
    const stack = newStack();
    expect(() => endpointOf(stack, { instanceType: InstanceType.of('ml.c5n.xlarge') })).toThrow(/instanceType ml.c5n.xlarge cannot run endpoints/);
  });
});

describe('addInferenceComponent', () => {
  test('creates a component with its own model, compute requirements and copies, scaling to zero as AWS documents', () => {
    // GIVEN
    const stack = newStack();
    const endpoint = endpointOf(stack);
    const bucket = s3.Bucket.fromBucketName(stack, 'Weights', 'weights');
    // WHEN
    const llama = endpoint.addInferenceComponent('Llama', {
      image: gpuImage(),
      modelData: ModelData.fromS3Prefix(bucket, 'llama-3-8b/', { acceptEula: true }),
      acceleratorCount: 2,
      minMemory: Size.gibibytes(32),
      minCopies: 0,
      maxCopies: 4,
    });
    llama.copyScaling!.scaleOnInvocationsPerCopy('PerCopy', { invocationsPerCopy: 10 });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      EndpointName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Llms'), 'EndpointName'] },
      VariantName: 'AllTraffic',
      InferenceComponentName: Match.stringLikeRegexp('^TestStack-Llms-Llama-'),
      Specification: {
        ModelName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LlmsLlamaModel'), 'ModelName'] },
        ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: 2, MinMemoryRequiredInMb: 32768 },
        StartupParameters: { ContainerStartupHealthCheckTimeoutInSeconds: 1800, ModelDataDownloadTimeoutInSeconds: 1800 },
      },
      RuntimeConfig: { CopyCount: 1 },
    });
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({ ModelDataSource: { S3DataSource: Match.objectLike({ S3DataType: 'S3Prefix', CompressionType: 'None' }) } }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
      ResourceId: Match.stringLikeRegexp('^inference-component/TestStack-Llms-Llama-'),
      MinCapacity: 0,
      MaxCapacity: 4,
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 10,
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerInferenceComponentInvocationsPerCopy' },
      }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'ChangeInCapacity',
        MetricAggregationType: 'Maximum',
        Cooldown: 60,
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'NoCapacityInvocationFailures',
      Namespace: 'AWS/SageMaker',
      Dimensions: [{ Name: 'InferenceComponentName', Value: Match.stringLikeRegexp('^TestStack-Llms-Llama-') }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('ScaleFromZero') }],
    });
    // the scalable target waits for the component
    const target = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0] as any;
    expect(target.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^LlmsLlama[0-9A-F]{8}$/)]));
  });

  test('two components share the endpoint and its role, each with its own model', () => {
    const stack = newStack();
    const endpoint = endpointOf(stack);
    endpoint.addInferenceComponent('A', { image: gpuImage(), acceleratorCount: 1, minMemory: Size.gibibytes(8) });
    endpoint.addInferenceComponent('B', { image: gpuImage(), acceleratorCount: 3, minMemory: Size.gibibytes(16) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SageMaker::InferenceComponent', 2);
    template.resourceCountIs('AWS::SageMaker::Model', 2);
    template.resourceCountIs('AWS::IAM::Role', 1);
    expect(endpoint.inferenceComponents.map(c => c.acceleratorCount)).toEqual([1, 3]);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  });

  test('defaults to every accelerator of one instance, and renders a rolling update with rollback alarms', () => {
    const stack = newStack();
    const endpoint = endpointOf(stack);
    const alarm = new cloudwatch.Alarm(stack, 'Errors', {
      metric: new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'Invocation5XXErrors' }), threshold: 1, evaluationPeriods: 1,
    });
    endpoint.addInferenceComponent('Big', {
      image: gpuImage(),
      minMemory: Size.gibibytes(64),
      maxMemory: Size.gibibytes(96),
      cpuCores: 8,
      rollingUpdate: {
        maximumBatchSize: CopyCapacity.copies(1),
        rollbackMaximumBatchSize: CopyCapacity.percent(50),
        waitInterval: Duration.minutes(5),
        maximumExecutionTimeout: Duration.hours(1),
        rollbackAlarms: [alarm],
      },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      Specification: Match.objectLike({
        ComputeResourceRequirements: {
          NumberOfAcceleratorDevicesRequired: 4, MinMemoryRequiredInMb: 65536, MaxMemoryRequiredInMb: 98304, NumberOfCpuCoresRequired: 8,
        },
      }),
      DeploymentConfig: {
        RollingUpdatePolicy: {
          MaximumBatchSize: { Type: 'COPY_COUNT', Value: 1 },
          RollbackMaximumBatchSize: { Type: 'CAPACITY_PERCENT', Value: 50 },
          WaitIntervalInSeconds: 300,
          MaximumExecutionTimeoutInSeconds: 3600,
        },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: { Ref: Match.stringLikeRegexp('^Errors') } }] },
      },
    });
  });

  test('grantInvoke allows InvokeEndpoint on the endpoint and this component only; metrics carry its name', () => {
    const stack = newStack();
    const endpoint = endpointOf(stack);
    const component = endpoint.addInferenceComponent('A', { image: gpuImage(), acceleratorCount: 1, minMemory: Size.gibibytes(8), inferenceComponentName: 'chat' });
    const user = new iam.User(stack, 'User');
    component.grantInvoke(user);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Users: [{ Ref: Match.stringLikeRegexp('^User') }],
      PolicyDocument: {
        Statement: [{
          Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
          Effect: 'Allow',
          Resource: [
            { 'Fn::GetAtt': [Match.stringLikeRegexp('^Llms'), 'EndpointArn'] },
            { 'Fn::GetAtt': [Match.stringLikeRegexp('^LlmsA'), 'InferenceComponentArn'] },
          ],
        }],
      },
    });
    expect(stack.resolve(component.metricInvocations().dimensions)).toEqual({ InferenceComponentName: 'chat' });
    expect(component.metricGpuUtilization().namespace).toBe('/aws/sagemaker/InferenceComponents');
    expect(component.metricGpuUtilization().metricName).toBe('GPUUtilizationNormalized');
  });

  test('fails when one copy needs more accelerators or memory than one instance has, naming both figures', () => {
    const stack = newStack();
    const endpoint = endpointOf(stack);
    expect(() => endpoint.addInferenceComponent('TooBig', { image: gpuImage(), acceleratorCount: 8, minMemory: Size.gibibytes(256) })).toThrow(
      /Llms\/TooBig: 2 problems:\n- acceleratorCount 8 is not allowed; use a whole number from 1 to 4\n- minMemory 256 GiB does not fit one ml.g5.12xlarge, which has 192 GiB of memory; use at most 192 GiB or a larger instance type/);
  });

  test('fails when maxCopies do not fit maxInstanceCount instances, with the per-instance figures', () => {
    const stack = newStack();
    const endpoint = endpointOf(stack);
    expect(() => endpoint.addInferenceComponent('Many', { image: gpuImage(), acceleratorCount: 2, minMemory: Size.gibibytes(32), minCopies: 0, maxCopies: 9 })).toThrow(
      /maxCopies 9 do not fit the endpoint: one ml.g5.12xlarge holds 2 copies \(4 accelerators \/ 2 per copy; 192 GiB memory \/ 32 GiB per copy\), so maxInstanceCount 4 holds at most 8; use at most 8 copies/);
  });

  test('fails for copy bounds, accelerators on a CPU instance, cores and memory SageMaker refuses', () => {
    const stack = newStack();
    const cpu = new InferenceComponentEndpoint(stack, 'Cpu', { instanceType: InstanceType.ML_M5_XLARGE });
    expect(() => cpu.addInferenceComponent('C', {
      image: cpuImage(), acceleratorCount: 1, minMemory: Size.mebibytes(64), cpuCores: 0.3, minCopies: 2, initialCopyCount: 1, maxCopies: 3,
    })).toThrow(/Cpu\/C: 4 problems:\n- acceleratorCount 1 is not allowed on instanceType ml.m5.xlarge, which has no accelerator; remove acceleratorCount or use an accelerated instance type\n- minMemory 64 MiB is not allowed; use whole MiB, at least 128 MiB\n- cpuCores 0.3 is not allowed; use a multiple of 0.25 from 0.25, at most the 4 vCPUs of ml.m5.xlarge\n- initialCopyCount 1 is less than minCopies 2; start at least 2 copies/);
  });

  test('fails for rolling-update sizes and timeouts out of range', () => {
    const stack = newStack();
    const endpoint = endpointOf(stack);
    expect(() => endpoint.addInferenceComponent('U', {
      image: gpuImage(),
      acceleratorCount: 1,
      minMemory: Size.gibibytes(8),
      rollingUpdate: { maximumBatchSize: CopyCapacity.percent(150), maximumExecutionTimeout: Duration.minutes(1) },
    })).toThrow(/rollingUpdate.maximumBatchSize 150 is not allowed; use a whole number from 1 to 100\n- rollingUpdate.maximumExecutionTimeout 1 minute is not allowed; use whole seconds from 600 s to 28800 s/);
  });

  test('fails when a component\'s image needs an accelerator the endpoint\'s instance type lacks', () => {
    const stack = newStack();
    const endpoint = new InferenceComponentEndpoint(stack, 'Cpu', { instanceType: InstanceType.ML_M5_XLARGE });
    expect(() => endpoint.addInferenceComponent('G', { image: gpuImage(), minMemory: Size.gibibytes(1) })).toThrow(/ml.m5.xlarge/);
  });
});

describe('components sharing an endpoint', () => {
  test('fails at synth when the initial copies of all components need more accelerators than maxInstanceCount instances have', () => {
    // GIVEN
    const stack = newStack();
    const endpoint = endpointOf(stack, { minInstanceCount: 1, maxInstanceCount: 1 });
    endpoint.addInferenceComponent('A', { image: gpuImage(), acceleratorCount: 2, minMemory: Size.gibibytes(8), initialCopyCount: 2 });
    endpoint.addInferenceComponent('B', { image: gpuImage(), acceleratorCount: 1, minMemory: Size.gibibytes(8) });
    // WHEN / THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /the components' initial copies need 5 accelerators \(A 2 x 2, B 1 x 1\) but maxInstanceCount 1 of ml.g5.12xlarge has 4; raise maxInstanceCount or start fewer copies/);
  });

  test('accepts components that fit together', () => {
    const stack = newStack();
    const endpoint = endpointOf(stack, { minInstanceCount: 1, maxInstanceCount: 1 });
    endpoint.addInferenceComponent('A', { image: gpuImage(), acceleratorCount: 2, minMemory: Size.gibibytes(8) });
    endpoint.addInferenceComponent('B', { image: gpuImage(), acceleratorCount: 2, minMemory: Size.gibibytes(8) });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});
