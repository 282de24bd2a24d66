import { Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as iam from 'aws-cdk-lib/aws-iam';
import { cpuImage, gpuImage, MODEL_DATA, newStack, only } from './fixtures';
import { ServerlessEndpoint, ServerlessEndpointProps } from '../../src/hosting';

describe('ServerlessEndpoint', () => {
  test('serves on serverless compute with memory, concurrency and provisioned concurrency', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const endpoint = new ServerlessEndpoint(stack, 'Cheap', {
      image: cpuImage(), modelData: MODEL_DATA, memory: Size.gibibytes(4), maxConcurrency: 20, provisionedConcurrency: 2,
    });

    // THEN
    const template = Template.fromStack(stack);
    const config = only(template, 'AWS::SageMaker::EndpointConfig').Properties;
    expect(config.ProductionVariants).toEqual([{
      VariantName: 'AllTraffic',
      ModelName: { 'Fn::GetAtt': [expect.stringMatching(/^CheapModel/), 'ModelName'] },
      InitialVariantWeight: 1,
      ServerlessConfig: { MemorySizeInMB: 4096, MaxConcurrency: 20, ProvisionedConcurrency: 2 },
    }]);
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: { ModelDataUrl: 's3://models/model.tar.gz', Environment: Match.objectLike({ SAGEMAKER_PROGRAM: 'inference.py' }) },
    });
    expect(stack.resolve(endpoint.endpointConfigName)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CheapConfig/), 'EndpointConfigName'] });
    expect(stack.resolve(endpoint.modelName)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CheapModel/), 'ModelName'] });
  });

  test('defaults to 20 concurrent requests without provisioned concurrency', () => {
    const stack = newStack();
    new ServerlessEndpoint(stack, 'Cheap', { image: cpuImage(), memory: Size.gibibytes(1) });
    expect(only(Template.fromStack(stack), 'AWS::SageMaker::EndpointConfig').Properties.ProductionVariants[0].ServerlessConfig)
      .toEqual({ MemorySizeInMB: 1024, MaxConcurrency: 20 });
  });

  test('fails on memory that is not 1-6 GiB in 1 GiB steps', () => {
    const stack = newStack();
    expect(() => new ServerlessEndpoint(stack, 'A', { image: cpuImage(), memory: Size.mebibytes(1536) }))
      .toThrow(/memory 1536 MiB is not allowed; a serverless endpoint takes 1-6 GiB in 1 GiB steps/);
    expect(() => new ServerlessEndpoint(stack, 'B', { image: cpuImage(), memory: Size.gibibytes(8) }))
      .toThrow(/memory 8192 MiB is not allowed/);
    expect(() => new ServerlessEndpoint(stack, 'C', { image: cpuImage() } as unknown as ServerlessEndpointProps))
      .toThrow(/memory is required for a ServerlessEndpoint/);
  });

  test('fails on concurrency outside 1-200 and provisioned concurrency above it', () => {
    const stack = newStack();
    expect(() => new ServerlessEndpoint(stack, 'A', { image: cpuImage(), memory: Size.gibibytes(2), maxConcurrency: 201 }))
      .toThrow(/maxConcurrency 201 is not allowed; use an integer from 1 to 200/);
    expect(() => new ServerlessEndpoint(stack, 'B', { image: cpuImage(), memory: Size.gibibytes(2), maxConcurrency: 0 }))
      .toThrow(/maxConcurrency 0 is not allowed/);
    expect(() => new ServerlessEndpoint(stack, 'C', { image: cpuImage(), memory: Size.gibibytes(2), maxConcurrency: 5, provisionedConcurrency: 6 }))
      .toThrow(/provisionedConcurrency 6 is not allowed; use an integer from 1 to 5/);
  });

  test('fails on an instance type and on an accelerated image', () => {
    const stack = newStack();
    expect(() => new ServerlessEndpoint(stack, 'A', { image: cpuImage(), memory: Size.gibibytes(2), instanceType: 'ml.m5.large' } as unknown as ServerlessEndpointProps))
      .toThrow(/instanceType cannot be set on a ServerlessEndpoint/);
    expect(() => new ServerlessEndpoint(stack, 'B', { image: gpuImage(), memory: Size.gibibytes(2) }))
      .toThrow(/image needs accelerator NVIDIA_GPU, but a ServerlessEndpoint runs on CPU only/);
  });

  test('grants invoke and gives metrics, including cold-start setup time', () => {
    const stack = newStack();
    const endpoint = new ServerlessEndpoint(stack, 'Cheap', { image: cpuImage(), memory: Size.gibibytes(2) });
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    endpoint.grantInvoke(caller);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Caller') }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'sagemaker:InvokeEndpoint' })] },
    });
    expect([endpoint.metricModelSetupTime().metricName, endpoint.metricInvocations().metricName]).toEqual(['ModelSetupTime', 'Invocations']);
    expect(Object.keys(endpoint.metricModelSetupTime().dimensions!)).toEqual(['EndpointName', 'VariantName']);
  });
});

describe('ServerlessEndpoint provisioned concurrency scaling', () => {
  test('scales the warm workers on their utilisation and on a schedule, reading the endpoint name', () => {
    // GIVEN
    const stack = newStack();
    const endpoint = new ServerlessEndpoint(stack, 'Cheap', { image: cpuImage(), memory: Size.gibibytes(2), maxConcurrency: 50, provisionedConcurrency: 2 });

    // WHEN
    const scaling = endpoint.autoScaleProvisionedConcurrency({ minCapacity: 1, maxCapacity: 10 });
    scaling.scaleOnUtilization('Warm', { targetUtilization: 0.7 });
    scaling.scaleOnSchedule('Night', { schedule: appscaling.Schedule.cron({ hour: '22', minute: '0' }), maxCapacity: 1 });

    // THEN
    const template = Template.fromStack(stack);
    const endpointId = Object.keys(template.findResources('AWS::SageMaker::Endpoint'))[0];
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 1,
      MaxCapacity: 10,
      ScalableDimension: 'sagemaker:variant:DesiredProvisionedConcurrency',
      ResourceId: { 'Fn::Join': ['', ['endpoint/', { 'Fn::GetAtt': [endpointId, 'EndpointName'] }, '/variant/AllTraffic']] },
      ScheduledActions: [Match.objectLike({ ScheduledActionName: 'Night' })],
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantProvisionedConcurrencyUtilization' },
        TargetValue: 0.7,
      },
    });
  });

  test('fails without provisioned concurrency, above maxConcurrency, on a bad target and on a second call', () => {
    const stack = newStack();
    const cold = new ServerlessEndpoint(stack, 'Cold', { image: cpuImage(), memory: Size.gibibytes(2) });
    expect(() => cold.autoScaleProvisionedConcurrency({ maxCapacity: 2 }))
      .toThrow(/^TestStack\/Cold: autoScaleProvisionedConcurrency: provisionedConcurrency is not set on this endpoint[^;]*; set provisionedConcurrency/);
    const warm = new ServerlessEndpoint(stack, 'Warm', { image: cpuImage(), memory: Size.gibibytes(2), maxConcurrency: 5, provisionedConcurrency: 1 });
    expect(() => warm.autoScaleProvisionedConcurrency({ maxCapacity: 6 })).toThrow(/maxCapacity 6 is not allowed; use an integer from 1 to 5/);
    const scaling = warm.autoScaleProvisionedConcurrency({ maxCapacity: 5 });
    expect(() => scaling.scaleOnUtilization('Bad', { targetUtilization: 70 }))
      .toThrow(/^TestStack\/Warm\/ProvisionedConcurrency: scaleOnUtilization Bad: targetUtilization 70 is not allowed; use a share in \(0, 1\]/);
    expect(() => warm.autoScaleProvisionedConcurrency({ maxCapacity: 5 }))
      .toThrow(/^TestStack\/Warm: autoScaleProvisionedConcurrency: a second call is not allowed: this endpoint already scales/);
  });
});
