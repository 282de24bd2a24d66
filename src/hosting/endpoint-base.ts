import { Resource, ResourceProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { aws_sagemaker as sagemakerRefs } from 'aws-cdk-lib/interfaces';
import { Construct } from 'constructs';
import { VariantMetrics } from './variant-metrics';

/**
 * A SageMaker endpoint, defined here or imported.
 *
 * It extends aws-cdk-lib's `aws_sagemaker.IEndpoint` (`endpointName`, `endpointArn`, `grantInvoke`, `endpointRef`),
 * the interface other modules accept (for example `aws_apigateway.SagemakerIntegration`), so every endpoint of this
 * library can be handed to them.
 */
export interface IEndpoint extends sagemaker.IEndpoint {
  // endpointName, endpointArn and grantInvoke come from aws_sagemaker.IEndpoint (jsii refuses re-declaring them).

  /**
   * Any metric of the endpoint's default variant, with `EndpointName` and `VariantName` dimensions.
   *
   * @param namespace `AWS/SageMaker` (invocations, latency) or `/aws/sagemaker/Endpoints` (instances)
   * @param metricName the metric name
   * @param props overrides
   * @default - average over 5 minutes
   */
  metric(namespace: string, metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Number of requests sent to the model (`Invocations`).
   *
   * @default - sum over 5 minutes
   */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Requests per instance (`InvocationsPerInstance`), what invocation-based scaling tracks.
   *
   * @default - sum over 5 minutes
   */
  metricInvocationsPerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Requests for which the model returned an error (`InvocationModelErrors`).
   *
   * @default - sum over 5 minutes
   */
  metricInvocationErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Requests answered with a 4xx status (`Invocation4XXErrors`).
   *
   * @default - sum over 5 minutes
   */
  metricInvocation4xxErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Requests answered with a 5xx status (`Invocation5XXErrors`).
   *
   * @default - sum over 5 minutes
   */
  metricInvocation5xxErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Time the model took to answer, in microseconds (`ModelLatency`).
   *
   * @default - average over 5 minutes
   */
  metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Time SageMaker added on top of the model, in microseconds (`OverheadLatency`).
   *
   * @default - average over 5 minutes
   */
  metricOverheadLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * CPU utilisation, summed over the cores (0-100 per vCPU) (`CPUUtilization`).
   *
   * @default - average over 5 minutes
   */
  metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Memory utilisation in percent (`MemoryUtilization`).
   *
   * @default - average over 5 minutes
   */
  metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Disk utilisation in percent (`DiskUtilization`).
   *
   * @default - average over 5 minutes
   */
  metricDiskUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * GPU utilisation, summed over the GPUs (0-100 per GPU) (`GPUUtilization`).
   *
   * @default - average over 5 minutes
   */
  metricGpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * GPU memory utilisation, summed over the GPUs (0-100 per GPU) (`GPUMemoryUtilization`).
   *
   * @default - average over 5 minutes
   */
  metricGpuMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/**
 * Attributes of an endpoint defined elsewhere.
 */
export interface EndpointAttributes {
  /**
   * The name of the endpoint.
   *
   * @default - derived from `endpointArn`
   */
  readonly endpointName?: string;

  /**
   * The ARN of the endpoint.
   *
   * @default - derived from `endpointName` in this stack's account and region
   */
  readonly endpointArn?: string;

  /**
   * The variant the endpoint-level metrics describe.
   *
   * @default 'AllTraffic'
   */
  readonly variantName?: string;
}

/**
 * The CloudWatch metrics of one production variant, defined once: an endpoint's `metricXxx` methods describe
 * its default variant, an `EndpointVariant`'s describe that variant. Counts are sums, latencies and
 * utilisation averages, over 5 minutes.
 */
export abstract class VariantMetricsBase extends Resource {
  /**
   * The `EndpointName` dimension of the metrics.
   */
  protected abstract readonly metricsEndpointName: string;

  /**
   * The `VariantName` dimension of the metrics.
   */
  protected abstract readonly metricsVariantName: string;

  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param props physical name, account and region of the resource
   */
  protected constructor(scope: Construct, id: string, props: ResourceProps = {}) {
    super(scope, id, props);
  }

  /**
   * Any metric of the variant, with `EndpointName` and `VariantName` dimensions.
   *
   * @param namespace `AWS/SageMaker` (invocations, latency) or `/aws/sagemaker/Endpoints` (instances)
   * @param metricName the metric name
   * @param props overrides
   * @default - average over 5 minutes
   */
  public metric(namespace: string, metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics().metric(namespace, metricName, 'Average', props);
  }

  /**
   * Number of requests sent to the model (`Invocations`).
   *
   * @default - sum over 5 minutes
   */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics().invocations('Invocations', props);
  }

  /**
   * Requests per instance (`InvocationsPerInstance`), what invocation-based scaling tracks.
   *
   * @default - sum over 5 minutes
   */
  public metricInvocationsPerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics().invocations('InvocationsPerInstance', props);
  }

  /**
   * Requests for which the model returned an error (`InvocationModelErrors`).
   *
   * @default - sum over 5 minutes
   */
  public metricInvocationErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics().invocations('InvocationModelErrors', props);
  }

  /**
   * Requests answered with a 4xx status (`Invocation4XXErrors`).
   *
   * @default - sum over 5 minutes
   */
  public metricInvocation4xxErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics().invocations('Invocation4XXErrors', props);
  }

  /**
   * Requests answered with a 5xx status (`Invocation5XXErrors`).
   *
   * @default - sum over 5 minutes
   */
  public metricInvocation5xxErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics().invocations('Invocation5XXErrors', props);
  }

  /**
   * Time the model took to answer, in microseconds (`ModelLatency`).
   *
   * @default - average over 5 minutes
   */
  public metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics().latency('ModelLatency', props);
  }

  /**
   * Time SageMaker added on top of the model, in microseconds (`OverheadLatency`).
   *
   * @default - average over 5 minutes
   */
  public metricOverheadLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics().latency('OverheadLatency', props);
  }

  /**
   * CPU utilisation, summed over the cores (0-100 per vCPU) (`CPUUtilization`).
   *
   * @default - average over 5 minutes
   */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics().instance('CPUUtilization', props);
  }

  /**
   * Memory utilisation in percent (`MemoryUtilization`).
   *
   * @default - average over 5 minutes
   */
  public metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics().instance('MemoryUtilization', props);
  }

  /**
   * Disk utilisation in percent (`DiskUtilization`).
   *
   * @default - average over 5 minutes
   */
  public metricDiskUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics().instance('DiskUtilization', props);
  }

  /**
   * GPU utilisation, summed over the GPUs (0-100 per GPU) (`GPUUtilization`).
   *
   * @default - average over 5 minutes
   */
  public metricGpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics().instance('GPUUtilization', props);
  }

  /**
   * GPU memory utilisation, summed over the GPUs (0-100 per GPU) (`GPUMemoryUtilization`).
   *
   * @default - average over 5 minutes
   */
  public metricGpuMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics().instance('GPUMemoryUtilization', props);
  }

  private metrics(): VariantMetrics {
    return new VariantMetrics(this.metricsEndpointName, this.metricsVariantName);
  }
}

/**
 * What every endpoint offers: invoke grants and the metrics of its default variant.
 */
export abstract class EndpointBase extends VariantMetricsBase implements IEndpoint {
  /**
   * The name of the endpoint.
   *
   * @attribute
   */
  public abstract readonly endpointName: string;

  /**
   * The ARN of the endpoint.
   *
   * @attribute
   */
  public abstract readonly endpointArn: string;

  /**
   * The variant that the endpoint-level `metricXxx` methods describe.
   */
  public abstract readonly defaultVariantName: string;

  /**
   * The IAM actions `grantInvoke` allows.
   */
  protected abstract readonly invokeActions: string[];

  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param props physical name, account and region of the endpoint resource
   */
  protected constructor(scope: Construct, id: string, props: ResourceProps = {}) {
    super(scope, id, props);
  }

  /**
   * A reference to this endpoint for aws-cdk-lib's modules (`aws_sagemaker.IEndpointRef`).
   */
  public get endpointRef(): sagemakerRefs.EndpointReference {
    return { endpointArn: this.endpointArn };
  }

  /**
   * Lets a principal invoke the endpoint.
   *
   * @param grantee who invokes
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: this.invokeActions, resourceArns: [this.endpointArn] });
  }

  /**
   * The `EndpointName` dimension of the metrics: this endpoint's name.
   */
  protected get metricsEndpointName(): string {
    return this.endpointName;
  }

  /**
   * The `VariantName` dimension of the metrics: the default variant.
   */
  protected get metricsVariantName(): string {
    return this.defaultVariantName;
  }
}
