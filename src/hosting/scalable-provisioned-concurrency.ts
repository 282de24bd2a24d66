import { Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Construct } from 'constructs';
import { methodWhere, throwProblems } from './hosting-facts';

/**
 * Bounds of a serverless variant's provisioned concurrency.
 */
export interface ProvisionedConcurrencyScalingProps {
  /**
   * Fewest warm workers.
   *
   * @default 1
   */
  readonly minCapacity?: number;

  /**
   * Most warm workers; at most the endpoint's `maxConcurrency`.
   */
  readonly maxCapacity: number;
}

/**
 * Scaling on how much of the provisioned concurrency is in use.
 */
export interface ProvisionedConcurrencyUtilizationProps extends appscaling.BaseTargetTrackingProps {
  /**
   * Share of the warm workers in use to aim for, in (0, 1].
   *
   * @default 0.5
   */
  readonly targetUtilization?: number;
}

/**
 * The provisioned concurrency of a serverless variant, scaled by Application Auto Scaling.
 * Created by `ServerlessEndpoint.autoScaleProvisionedConcurrency`.
 */
export class ScalableProvisionedConcurrency extends appscaling.BaseScalableAttribute {
  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param props the properties of the ScalableProvisionedConcurrency
   */
  constructor(scope: Construct, id: string, props: appscaling.BaseScalableAttributeProps) {
    super(scope, id, props);
  }

  /**
   * Keeps the utilisation of the warm workers at a target
   * (`SageMakerVariantProvisionedConcurrencyUtilization`).
   *
   * @param id construct id of the policy
   * @param props the target
   */
  public scaleOnUtilization(id: string, props: ProvisionedConcurrencyUtilizationProps = {}): void {
    const target = props.targetUtilization ?? 0.5;
    if (!Token.isUnresolved(target) && !(target > 0 && target <= 1)) {
      throwProblems(methodWhere(this, `scaleOnUtilization ${id}`), [`targetUtilization ${target} is not allowed; use a share in (0, 1], e.g. 0.5`]);
    }
    super.doScaleToTrackMetric(id, {
      policyName: props.policyName,
      disableScaleIn: props.disableScaleIn,
      scaleInCooldown: props.scaleInCooldown,
      scaleOutCooldown: props.scaleOutCooldown,
      predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_VARIANT_PROVISIONED_CONCURRENCY_UTILIZATION,
      targetValue: target,
    });
  }

  /**
   * Sets the provisioned-concurrency bounds on a schedule (warm workers for business hours).
   *
   * @param id construct id of the scheduled action
   * @param props the schedule and bounds
   */
  public scaleOnSchedule(id: string, props: appscaling.ScalingSchedule): void {
    super.doScaleOnSchedule(id, props);
  }
}
