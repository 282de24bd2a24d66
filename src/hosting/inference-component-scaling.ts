import { Duration, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { methodWhere } from './hosting-facts';
import { Problems } from '../private/validation';

/**
 * Scaling an inference component's copies on the requests each copy receives.
 */
export interface InvocationsPerCopyScalingProps extends appscaling.BaseTargetTrackingProps {
  /**
   * Target invocations per copy per minute (`SageMakerInferenceComponentInvocationsPerCopy`), measured in a load
   * test of one copy.
   */
  readonly invocationsPerCopy: number;
}

/**
 * Properties of a `ScalableCopyCount`.
 */
export interface ScalableCopyCountProps extends appscaling.BaseScalableAttributeProps {
  /** The component's name, for the scale-from-zero alarm. */
  readonly inferenceComponentName: string;
}

/**
 * The number of copies of an inference component (`sagemaker:inference-component:DesiredCopyCount`), scaled by
 * Application Auto Scaling. The instances under the copies follow through the endpoint's managed instance scaling.
 */
export class ScalableCopyCount extends appscaling.BaseScalableAttribute {
  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param props the scalable dimension and its bounds
   */
  constructor(scope: Construct, id: string, props: ScalableCopyCountProps) {
    super(scope, id, props);
  }

  /**
   * Keeps the invocations per copy at a target (target tracking on
   * `SageMakerInferenceComponentInvocationsPerCopy`). With `minCopies: 0` this scales in to zero copies when idle;
   * the step policy the component adds brings the first copy back.
   *
   * @param id the policy's construct id
   * @param props the target
   */
  public scaleOnInvocationsPerCopy(id: string, props: InvocationsPerCopyScalingProps): void {
    const problems = new Problems();
    if (!Token.isUnresolved(props.invocationsPerCopy) && !(props.invocationsPerCopy > 0 && Number.isFinite(props.invocationsPerCopy))) {
      problems.add(`invocationsPerCopy ${props.invocationsPerCopy} is not allowed; use a positive number of invocations per copy per minute`);
    }
    problems.throwIfAny(methodWhere(this, `scaleOnInvocationsPerCopy ${id}`));
    this.doScaleToTrackMetric(id, {
      ...props,
      targetValue: props.invocationsPerCopy,
      predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_INFERENCE_COMPONENT_INVOCATIONS_PER_COPY,
    });
  }

  /**
   * The step-scaling policy that takes a component from zero copies to one when a request finds no copy
   * (`NoCapacityInvocationFailures` of at least 1), as SageMaker documents for scale to zero.
   *
   * @internal
   */
  public _scaleFromZero(noCapacity: cloudwatch.IMetric): void {
    const action = new appscaling.StepScalingAction(this, 'ScaleFromZero', {
      scalingTarget: this,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
      cooldown: Duration.minutes(1),
    });
    action.addAdjustment({ adjustment: 1, lowerBound: 0 });
    const alarm = new cloudwatch.Alarm(this, 'NoCapacityAlarm', {
      alarmDescription: 'A request found no copy of the inference component: start one (scale from zero)',
      metric: noCapacity,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
    alarm.addAlarmAction(new cw_actions.ApplicationScalingAction(action));
  }
}
