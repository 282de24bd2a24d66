// Internal: the CloudWatch metrics of one production variant. Not re-exported.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** Invocation metrics (per endpoint and variant). */
export const INVOCATION_NAMESPACE = 'AWS/SageMaker';
/** Instance metrics (CPU, memory, disk, GPU) per endpoint and variant. */
export const INSTANCE_NAMESPACE = '/aws/sagemaker/Endpoints';

/**
 * Builds a variant's metrics. Sums for counts, averages for latencies and utilisation, over 5 minutes.
 */
export class VariantMetrics {
  constructor(private readonly endpointName: string, private readonly variantName: string) {}

  public metric(namespace: string, metricName: string, statistic: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace,
      metricName,
      statistic,
      period: Duration.minutes(5),
      ...props,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: this.variantName, ...props?.dimensionsMap },
    });
  }

  public invocations(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOCATION_NAMESPACE, metricName, 'Sum', props);
  }

  public latency(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOCATION_NAMESPACE, metricName, 'Average', props);
  }

  public instance(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INSTANCE_NAMESPACE, metricName, 'Average', props);
  }
}
