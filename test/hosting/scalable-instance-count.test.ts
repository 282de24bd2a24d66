import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { cpuImage, gpuImage, newStack, only } from './fixtures';
import { InstanceType } from '../../src/compute/instance-type';
import { Endpoint } from '../../src/hosting';

function policies(stack: any): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
    .map((p: any) => p.Properties.TargetTrackingScalingPolicyConfiguration ?? p.Properties.StepScalingPolicyConfiguration);
}

describe('autoscaling', () => {
  test('registers the variant with the service-linked role, reading the endpoint name so it is deleted first', () => {
    // GIVEN
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, initialInstanceCount: 2 });

    // WHEN
    endpoint.autoScaleInstanceCount({ minCapacity: 2, maxCapacity: 6 }).scaleOnInvocations('Rps', { maxRequestsPerSecond: 20 });

    // THEN
    const template = Template.fromStack(stack);
    const endpointId = Object.keys(template.findResources('AWS::SageMaker::Endpoint'))[0];
    const target = only(template, 'AWS::ApplicationAutoScaling::ScalableTarget');
    expect(target.Properties).toMatchObject({
      MinCapacity: 2,
      MaxCapacity: 6,
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      ServiceNamespace: 'sagemaker',
      ResourceId: { 'Fn::Join': ['', ['endpoint/', { 'Fn::GetAtt': [endpointId, 'EndpointName'] }, '/variant/AllTraffic']] },
    });
    expect(JSON.stringify(target.Properties.RoleARN)).toContain('aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint');
    expect(target.DependsOn).toBeUndefined(); // the GetAtt in ResourceId orders it after the endpoint (deleted before it)
    template.resourceCountIs('AWS::IAM::Role', 1); // only the model's role: no role for scaling
    expect(policies(stack)).toEqual([{
      PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
      TargetValue: 600, // 20 rps * 60 s * 0.5 safety factor
    }]);
  });

  test('tracks invocations per instance directly, with cooldowns', () => {
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    endpoint.autoScaleInstanceCount({ maxCapacity: 3 }).scaleOnInvocations('Rpm', {
      invocationsPerInstance: 1000, scaleInCooldown: Duration.minutes(10), scaleOutCooldown: Duration.minutes(1), disableScaleIn: true,
    });
    expect(policies(stack)[0]).toMatchObject({ TargetValue: 1000, ScaleInCooldown: 600, ScaleOutCooldown: 60, DisableScaleIn: true });
  });

  test('fails on both or neither invocation targets and a bad safety factor', () => {
    const stack = newStack();
    const scaling = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE })
      .autoScaleInstanceCount({ maxCapacity: 3 });
    expect(() => scaling.scaleOnInvocations('A', {}))
      .toThrow(/^TestStack\/Endpoint\/AllTraffic\/InstanceCount: scaleOnInvocations A: maxRequestsPerSecond and invocationsPerInstance are both unset; set exactly one/);
    expect(() => scaling.scaleOnInvocations('B', { maxRequestsPerSecond: 5, invocationsPerInstance: 5, safetyFactor: 2 }))
      .toThrow(/scaleOnInvocations B: 2 problems:\n- maxRequestsPerSecond and invocationsPerInstance are both set[^\n]*\n- safetyFactor 2 is not allowed/);
  });

  test('scales on GPU utilisation per GPU, multiplied by the GPU count', () => {
    // GIVEN a 4-GPU instance
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: gpuImage(), instanceType: InstanceType.ML_G5_12XLARGE });

    // WHEN
    endpoint.autoScaleInstanceCount({ maxCapacity: 4 }).scaleOnGpuUtilization('Gpu', { targetUtilizationPercent: 70 });

    // THEN
    expect(policies(stack)[0]).toMatchObject({
      CustomizedMetricSpecification: {
        Namespace: '/aws/sagemaker/Endpoints',
        MetricName: 'GPUUtilization',
        Statistic: 'Average',
        Dimensions: [
          { Name: 'EndpointName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^Endpoint/), 'EndpointName'] } },
          { Name: 'VariantName', Value: 'AllTraffic' },
        ],
      },
      TargetValue: 280,
    });
  });

  test('scales on CPU utilisation per vCPU', () => {
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_C5_XLARGE });
    endpoint.autoScaleInstanceCount({ maxCapacity: 4 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 50 });
    expect(policies(stack)[0]).toMatchObject({ CustomizedMetricSpecification: { MetricName: 'CPUUtilization' }, TargetValue: 200 });
  });

  test('warns that an uncatalogued type scales on the per-instance sum as given', () => {
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: gpuImage(), instanceType: InstanceType.of('ml.g9.xlarge') });
    endpoint.autoScaleInstanceCount({ maxCapacity: 4 }).scaleOnGpuUtilization('Gpu', { targetUtilizationPercent: 70 });
    expect(policies(stack)[0].TargetValue).toBe(70);
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('its GPU count is unknown'));
  });

  test('fails to scale on GPU utilisation without a GPU, or on a percentage outside (0, 100]', () => {
    const stack = newStack();
    const cpu = new Endpoint(stack, 'Cpu', { image: cpuImage(), instanceType: InstanceType.ML_C5_XLARGE }).autoScaleInstanceCount({ maxCapacity: 2 });
    expect(() => cpu.scaleOnGpuUtilization('Gpu', { targetUtilizationPercent: 50 }))
      .toThrow(/^TestStack\/Cpu\/AllTraffic\/InstanceCount: scaleOnGpuUtilization Gpu: instanceType ml.c5.xlarge has no NVIDIA GPU/);
    expect(() => cpu.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 150 }))
      .toThrow(/^TestStack\/Cpu\/AllTraffic\/InstanceCount: scaleOnCpuUtilization Cpu: targetUtilizationPercent 150 is not allowed/);
    expect(() => cpu.scaleOnGpuUtilization('Both', { targetUtilizationPercent: 0 }))
      .toThrow(/scaleOnGpuUtilization Both: 2 problems:\n- instanceType ml.c5.xlarge has no NVIDIA GPU[^\n]*\n- targetUtilizationPercent 0 is not allowed/);
  });

  test('tracks a custom metric, steps on a metric and follows a schedule', () => {
    // GIVEN
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    const scaling = endpoint.autoScaleInstanceCount({ maxCapacity: 8 });
    const queue = new cloudwatch.Metric({ namespace: 'MyApp', metricName: 'QueueDepthPerInstance' });

    // WHEN
    scaling.scaleToTrackMetric('Queue', { metric: queue, targetValue: 10 });
    scaling.scaleOnMetric('Latency', {
      metric: endpoint.metricModelLatency(),
      scalingSteps: [{ upper: 100000, change: -1 }, { lower: 500000, change: +2 }],
    });
    scaling.scaleOnSchedule('Night', { schedule: appscaling.Schedule.cron({ hour: '20', minute: '0' }), maxCapacity: 1 });

    // THEN
    const template = Template.fromStack(stack);
    expect(policies(stack)[0]).toMatchObject({ CustomizedMetricSpecification: { Namespace: 'MyApp', MetricName: 'QueueDepthPerInstance' }, TargetValue: 10 });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ModelLatency', Namespace: 'AWS/SageMaker', Threshold: 500000 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: [{ ScheduledActionName: 'Night', Schedule: 'cron(0 20 * * ? *)', ScalableTargetAction: { MaxCapacity: 1 } }],
    });
  });

  test('scales each variant on its own', () => {
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    const b = endpoint.addVariant('B', { image: cpuImage(), instanceType: InstanceType.ML_C5_XLARGE });
    endpoint.autoScaleInstanceCount({ maxCapacity: 2 });
    b.autoScaleInstanceCount({ maxCapacity: 5 });
    const targets = Object.values(Template.fromStack(stack).findResources('AWS::ApplicationAutoScaling::ScalableTarget')) as any[];
    expect(targets.map(t => [t.Properties.ResourceId['Fn::Join'][1][2], t.Properties.MaxCapacity])).toEqual([['/variant/AllTraffic', 2], ['/variant/B', 5]]);
  });

  test('fails on a burstable type, zero minimum on a real-time endpoint, max below min, and a second call', () => {
    const stack = newStack();
    const burst = new Endpoint(stack, 'Burst', { image: cpuImage(), instanceType: InstanceType.ML_T2_MEDIUM });
    expect(() => burst.autoScaleInstanceCount({ maxCapacity: 2 }))
      .toThrow(/^TestStack\/Burst\/AllTraffic: autoScaleInstanceCount: instanceType ml.t2.medium is burstable and cannot autoscale/);

    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    expect(() => endpoint.autoScaleInstanceCount({ minCapacity: 0, maxCapacity: 2 })).toThrow(/minCapacity 0 is not allowed on a real-time endpoint[\s\S]*only an AsyncEndpoint scales to zero/);
    expect(() => endpoint.autoScaleInstanceCount({ minCapacity: 3, maxCapacity: 2 })).toThrow(/maxCapacity 2 is not allowed; use an integer of at least 3/);
    endpoint.autoScaleInstanceCount({ maxCapacity: 2 });
    expect(() => endpoint.autoScaleInstanceCount({ maxCapacity: 3 }))
      .toThrow(/^TestStack\/Endpoint\/AllTraffic: autoScaleInstanceCount: a second call is not allowed: variant AllTraffic already scales/);
  });

  test('fails to scale a real-time endpoint on a backlog', () => {
    const stack = newStack();
    const scaling = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE }).autoScaleInstanceCount({ maxCapacity: 2 });
    expect(() => scaling.scaleOnBacklog('Backlog', { targetBacklogPerInstance: -1 })).toThrow(/^TestStack\/Endpoint\/AllTraffic\/InstanceCount: scaleOnBacklog Backlog: 2 problems:\n- scaleOnBacklog is not allowed on a real-time endpoint: only an AsyncEndpoint has a request backlog[^\n]*\n- targetBacklogPerInstance -1 is not allowed; use a positive number/);
  });
});
