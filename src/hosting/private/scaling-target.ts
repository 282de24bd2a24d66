// Internal: the scalable targets Application Auto Scaling registers for SageMaker. Not re-exported.
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Construct } from 'constructs';
import { sageMakerScalingRole } from '../hosting-facts';

/**
 * The props of a SageMaker scalable target: the production variant of an endpoint (`endpoint/<name>/variant/<variant>`
 * with `sagemaker:variant:<dimension>`), scaled through the service-linked role, between the given bounds.
 */
export function variantScalingTarget(scope: Construct, target: {
  readonly endpointName: string;
  readonly variantName: string;
  /** `DesiredInstanceCount` or `DesiredProvisionedConcurrency`. */
  readonly dimension: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
}): appscaling.BaseScalableAttributeProps {
  return {
    serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
    // reads the endpoint's name (GetAtt of the endpoint resource), so the target is created after the endpoint
    // and deleted before it
    resourceId: `endpoint/${target.endpointName}/variant/${target.variantName}`,
    dimension: `sagemaker:variant:${target.dimension}`,
    role: sageMakerScalingRole(scope),
    minCapacity: target.minCapacity,
    maxCapacity: target.maxCapacity,
  };
}
