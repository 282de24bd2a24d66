import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { methodWhere, throwProblems } from './hosting-facts';
import { INSTANCE_NAMESPACE, INVOCATION_NAMESPACE } from './variant-metrics';
import { AcceleratorKind } from '../compute/accelerator';
import { InstanceType } from '../compute/instance-type';

/**
 * Bounds of a variant's instance count.
 */
export interface InstanceCountScalingProps {
  /**
   * Fewest instances. Only an `AsyncEndpoint` may scale to 0.
   *
   * @default 1
   */
  readonly minCapacity?: number;

  /**
   * Most instances.
   */
  readonly maxCapacity: number;
}

/**
 * Scaling on the number of requests per instance.
 *
 * Give either `maxRequestsPerSecond` (what one instance sustains, measured in a load test) or
 * `invocationsPerInstance` (the per-minute target SageMaker tracks), not both.
 */
export interface InvocationsScalingProps extends appscaling.BaseTargetTrackingProps {
  /**
   * Requests per second one instance sustains; the target becomes
   * `maxRequestsPerSecond * 60 * safetyFactor` invocations per instance per minute.
   *
   * @default - use `invocationsPerInstance`
   */
  readonly maxRequestsPerSecond?: number;

  /**
   * The share of `maxRequestsPerSecond` to aim for, leaving headroom while new instances start (0-1].
   *
   * @default 0.5
   */
  readonly safetyFactor?: number;

  /**
   * Target invocations per instance per minute (`SageMakerVariantInvocationsPerInstance`).
   *
   * @default - derived from `maxRequestsPerSecond`
   */
  readonly invocationsPerInstance?: number;
}

/**
 * Scaling on a utilisation percentage (CPU or GPU).
 */
export interface UtilizationScalingProps extends appscaling.BaseTargetTrackingProps {
  /**
   * Target utilisation of one device, in percent (1-100). The library multiplies it by the number of
   * devices, because SageMaker reports the sum over the cores / GPUs of an instance.
   */
  readonly targetUtilizationPercent: number;
}

/**
 * Scaling to keep a custom metric at a target value.
 */
export interface MetricTrackingScalingProps extends appscaling.BaseTargetTrackingProps {
  /**
   * The metric to track; it should fall as instances are added (a per-instance quantity).
   */
  readonly metric: cloudwatch.IMetric;

  /**
   * The value to keep the metric at.
   */
  readonly targetValue: number;
}

/**
 * Scaling of an asynchronous endpoint on its queue.
 */
export interface BacklogScalingProps extends appscaling.BaseTargetTrackingProps {
  /**
   * Queued requests per instance to aim for (`ApproximateBacklogSizePerInstance`).
   *
   * @default 5
   */
  readonly targetBacklogPerInstance?: number;
}

/**
 * The bounds a scalable target may have given the variant's initial instance count (as the alpha module
 * refuses): a minimum above it, or a maximum below it, contradicts the count the endpoint is deployed with,
 * and Application Auto Scaling would move the count right after every deploy. Tokens are not judged.
 *
 * @internal
 */
export function capacityAgainstInitialCount(min: number, max: number, initial: number, prefix = ''): string[] {
  const problems: string[] = [];
  if ([min, max, initial].some(v => Token.isUnresolved(v))) {
    return problems;
  }
  if (min > initial) {
    problems.push(`minCapacity ${min} is more than ${prefix}initialInstanceCount ${initial}; use a minCapacity of at most ${initial}, `
      + `or set ${prefix}initialInstanceCount to at least ${min}`);
  }
  if (max < initial) {
    problems.push(`maxCapacity ${max} is less than ${prefix}initialInstanceCount ${initial}; use a maxCapacity of at least ${initial}, `
      + `or set ${prefix}initialInstanceCount to at most ${max}`);
  }
  return problems;
}

/**
 * Properties of a `ScalableInstanceCount`. Created by `autoScaleInstanceCount`.
 */
export interface ScalableInstanceCountProps extends appscaling.BaseScalableAttributeProps {
  /**
   * The endpoint's name.
   */
  readonly endpointName: string;

  /**
   * The variant's name.
   */
  readonly variantName: string;

  /**
   * The variant's instance type (decides the device count of utilisation targets).
   */
  readonly instanceType: InstanceType;

  /**
   * Whether the endpoint is asynchronous (may scale on its backlog).
   *
   * @default false
   */
  readonly asynchronous?: boolean;
}

/**
 * The instance count of a production variant, scaled by Application Auto Scaling.
 */
export class ScalableInstanceCount extends appscaling.BaseScalableAttribute {
  private readonly scaling: ScalableInstanceCountProps;

  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param props the properties of the ScalableInstanceCount
   */
  constructor(scope: Construct, id: string, props: ScalableInstanceCountProps) {
    super(scope, id, props);
    this.scaling = props;
  }

  /**
   * Keeps the invocations per instance at a target.
   *
   * @param id construct id of the policy
   * @param props the target
   */
  public scaleOnInvocations(id: string, props: InvocationsScalingProps): void {
    const problems: string[] = [];
    const hasRps = props.maxRequestsPerSecond !== undefined;
    const hasPerInstance = props.invocationsPerInstance !== undefined;
    if (hasRps === hasPerInstance) {
      problems.push(`maxRequestsPerSecond and invocationsPerInstance are ${hasRps ? 'both set' : 'both unset'}; `
        + 'set exactly one of them (what one instance sustains, or the per-minute target)');
    }
    const safety = props.safetyFactor ?? 0.5;
    if (!Token.isUnresolved(safety) && !(safety > 0 && safety <= 1)) {
      problems.push(`safetyFactor ${safety} is not allowed; use a number in (0, 1]`);
    }
    for (const [name, value] of [['maxRequestsPerSecond', props.maxRequestsPerSecond], ['invocationsPerInstance', props.invocationsPerInstance]] as const) {
      if (value !== undefined && !Token.isUnresolved(value) && !(value > 0)) {
        problems.push(`${name} ${value} is not allowed; use a positive number`);
      }
    }
    throwProblems(methodWhere(this, `scaleOnInvocations ${id}`), problems);
    const target = hasPerInstance ? props.invocationsPerInstance! : props.maxRequestsPerSecond! * 60 * safety;
    super.doScaleToTrackMetric(id, {
      ...this.baseTracking(props),
      predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
      targetValue: target,
    });
  }

  /**
   * Keeps the GPU utilisation at a target percentage per GPU.
   *
   * @param id construct id of the policy
   * @param props the target
   */
  public scaleOnGpuUtilization(id: string, props: UtilizationScalingProps): void {
    const type = this.scaling.instanceType;
    const problems: string[] = [];
    if (!Token.isUnresolved(type.name) && type.acceleratorKind !== AcceleratorKind.NVIDIA_GPU) {
      problems.push(`instanceType ${type.name} has no NVIDIA GPU, so GPUUtilization is never reported; `
        + 'scale on invocations or CPU utilisation instead');
    }
    this.scaleOnUtilization(`scaleOnGpuUtilization ${id}`, problems, id, 'GPUUtilization', props, type.acceleratorCount, 'GPU');
  }

  /**
   * Keeps the CPU utilisation at a target percentage per vCPU.
   *
   * @param id construct id of the policy
   * @param props the target
   */
  public scaleOnCpuUtilization(id: string, props: UtilizationScalingProps): void {
    this.scaleOnUtilization(`scaleOnCpuUtilization ${id}`, [], id, 'CPUUtilization', props, this.scaling.instanceType.vcpus, 'vCPU');
  }

  /**
   * Keeps a custom metric at a target value (target tracking).
   *
   * @param id construct id of the policy
   * @param props the metric and target
   */
  public scaleToTrackMetric(id: string, props: MetricTrackingScalingProps): void {
    super.doScaleToTrackMetric(id, {
      ...this.baseTracking(props),
      customMetric: props.metric,
      targetValue: props.targetValue,
    });
  }

  /**
   * Scales in steps on a custom metric (step scaling).
   *
   * @param id construct id of the policy
   * @param props the metric and its steps
   */
  public scaleOnMetric(id: string, props: appscaling.BasicStepScalingPolicyProps): void {
    super.doScaleOnMetric(id, props);
  }

  /**
   * Sets the capacity bounds on a schedule.
   *
   * @param id construct id of the scheduled action
   * @param props the schedule and bounds
   */
  public scaleOnSchedule(id: string, props: appscaling.ScalingSchedule): void {
    super.doScaleOnSchedule(id, props);
  }

  /**
   * Scales an asynchronous endpoint on its queue: tracks `ApproximateBacklogSizePerInstance`, and
   * starts the first instance when requests wait with none running (`HasBacklogWithoutCapacity`),
   * which target tracking cannot do from zero.
   *
   * @param id construct id prefix of the policies
   * @param props the target
   */
  public scaleOnBacklog(id: string, props: BacklogScalingProps = {}): void {
    const problems: string[] = [];
    if (!this.scaling.asynchronous) {
      problems.push('scaleOnBacklog is not allowed on a real-time endpoint: only an AsyncEndpoint has a request backlog; '
        + 'scale a real-time endpoint on invocations or utilisation');
    }
    const target = props.targetBacklogPerInstance ?? 5;
    if (!Token.isUnresolved(target) && !(target > 0)) {
      problems.push(`targetBacklogPerInstance ${target} is not allowed; use a positive number`);
    }
    throwProblems(methodWhere(this, `scaleOnBacklog ${id}`), problems);
    super.doScaleToTrackMetric(id, {
      ...this.baseTracking(props),
      customMetric: this.backlogMetric('ApproximateBacklogSizePerInstance'),
      targetValue: target,
    });
    super.doScaleOnMetric(`${id}FromZero`, {
      metric: this.backlogMetric('HasBacklogWithoutCapacity'),
      scalingSteps: [
        { upper: 0.5, change: 0 },
        { lower: 0.5, change: 1 },
      ],
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: props.scaleOutCooldown ?? Duration.minutes(5),
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    });
  }

  /** An endpoint-level metric of the async queue, per minute (what backlog scaling reads). */
  private backlogMetric(metricName: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: INVOCATION_NAMESPACE,
      metricName,
      dimensionsMap: { EndpointName: this.scaling.endpointName },
      statistic: 'Average',
      period: Duration.minutes(1),
    });
  }

  private scaleOnUtilization(method: string, problems: string[], id: string, metricName: string, props: UtilizationScalingProps,
    devices: number | undefined, device: string): void {
    const percent = props.targetUtilizationPercent;
    if (!Token.isUnresolved(percent) && !(percent > 0 && percent <= 100)) {
      problems.push(`targetUtilizationPercent ${percent} is not allowed; use a percentage in (0, 100]`);
    }
    throwProblems(methodWhere(this, method), problems);
    if (devices === undefined) {
      Annotations.of(this).addWarningV2('@cdk-sagemaker-containers/hosting:unknownDeviceCount',
        `instanceType ${this.scaling.instanceType.name} is not catalogued, so its ${device} count is unknown; `
        + `${metricName} sums over the ${device}s, so the target ${percent} is used as is (right for one ${device} only)`);
    }
    super.doScaleToTrackMetric(id, {
      ...this.baseTracking(props),
      customMetric: new cloudwatch.Metric({
        namespace: INSTANCE_NAMESPACE,
        metricName,
        dimensionsMap: { EndpointName: this.scaling.endpointName, VariantName: this.scaling.variantName },
        statistic: 'Average',
        period: Duration.minutes(1),
      }),
      targetValue: percent * (devices ?? 1),
    });
  }

  private baseTracking(props: appscaling.BaseTargetTrackingProps): appscaling.BaseTargetTrackingProps {
    return {
      policyName: props.policyName,
      disableScaleIn: props.disableScaleIn,
      scaleInCooldown: props.scaleInCooldown,
      scaleOutCooldown: props.scaleOutCooldown,
    };
  }
}
