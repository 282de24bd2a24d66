import { Duration, Size, Token } from 'aws-cdk-lib';
import { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { VariantMetricsBase } from './endpoint-base';
import {
  checkGibibytes, checkInteger, checkName, checkTimeout, DEFAULT_TIMEOUTS, isAccelerated, methodWhere, throwProblems,
} from './hosting-facts';
import { Model, ModelContainerProps, VpcModelOptions } from './model';
import { variantScalingTarget } from './private/scaling-target';
import { checkVariantOptions } from './private/variant-options-check';
import { capacityAgainstInitialCount, InstanceCountScalingProps, ScalableInstanceCount } from './scalable-instance-count';
import { InferenceAmiVersion, RoutingStrategy } from './variant-options';
import { Workload } from '../compute/accelerator';
import { checkAutoscalable, checkInstanceType } from '../compute/compatibility';
import { InstanceType } from '../compute/instance-type';
import { Problems } from '../private/validation';

/**
 * A production variant that runs on instances: its model, hardware and share of the traffic.
 */
export interface InstanceVariantProps extends ModelContainerProps {
  /**
   * The instance type. Must be valid for hosting and match the image's accelerator and architecture.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-InstanceType
   */
  readonly instanceType: InstanceType;

  /**
   * Instances started with the endpoint.
   *
   * @default 1
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-InitialInstanceCount
   */
  readonly initialInstanceCount?: number;

  /**
   * The variant's share of the traffic, relative to the other variants' weights (A/B testing).
   *
   * @default 1
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-InitialVariantWeight
   */
  readonly initialVariantWeight?: number;

  /**
   * How long the container may take to pass its first `/ping` health check.
   *
   * @default - 10 minutes on CPU instances, 30 minutes on accelerated (GPU, Inferentia, Trainium) ones
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-ContainerStartupHealthCheckTimeoutInSeconds
   */
  readonly containerStartupHealthCheckTimeout?: Duration;

  /**
   * How long SageMaker may take to download the model data onto an instance.
   *
   * @default - 10 minutes on CPU instances, 30 minutes on accelerated (GPU, Inferentia, Trainium) ones
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-ModelDataDownloadTimeoutInSeconds
   */
  readonly modelDataDownloadTimeout?: Duration;

  /**
   * Size of the EBS volume attached to each instance (1-512 GiB). Not available on instance types
   * with local NVMe storage.
   *
   * @default - SageMaker's default for the instance type
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-VolumeSizeInGB
   */
  readonly volumeSize?: Size;

  /**
   * The machine image (NVIDIA or Neuron drivers) of the variant's accelerated instances. Refused on CPU instances,
   * and when its drivers do not match the instance's accelerator.
   *
   * @default - SageMaker's default image for the instance type
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-InferenceAmiVersion
   */
  readonly inferenceAmiVersion?: InferenceAmiVersion;

  /**
   * How requests are spread over the variant's instances.
   *
   * @default RoutingStrategy.RANDOM - SageMaker's default
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantRoutingConfig.html#sagemaker-Type-ProductionVariantRoutingConfig-RoutingStrategy
   */
  readonly routingStrategy?: RoutingStrategy;

  /**
   * The containers that run after the first one (`image`, `modelData`, `environment`, `submitDirectory`) as a
   * serial inference pipeline: each container's response is the next one's request (`Containers` with
   * `InferenceExecutionConfig.Mode: Serial`). At most 14 (15 in all); each is checked like the first and against
   * `instanceType`; the endpoint's `networkIsolation` and `vpc` apply to all of them.
   *
   * @default - none: one container
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html#sagemaker-CreateModel-request-Containers
   */
  readonly pipelineContainers?: ModelContainerProps[];
}

/**
 * Properties of an `EndpointVariant`. Created by `Endpoint` and `Endpoint.addVariant`.
 */
export interface EndpointVariantProps extends InstanceVariantProps, VpcModelOptions {
  /**
   * The variant's name.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-VariantName
   */
  readonly variantName: string;

  /**
   * The endpoint's name, as the endpoint resource's `EndpointName` attribute: scaling resources that
   * read it are created after the endpoint and deleted before it.
   */
  readonly endpointName: string;

  /**
   * Whether the endpoint is asynchronous.
   *
   * @default false
   */
  readonly asynchronous?: boolean;
}

/**
 * One production variant of an endpoint: a model on a fleet of one instance type. Its `metricXxx` methods
 * (from `VariantMetricsBase`) describe this variant.
 */
export class EndpointVariant extends VariantMetricsBase {
  /** The variant's name. */
  public readonly variantName: string;

  /** The model the variant serves. */
  public readonly model: Model;

  /** The instance type. */
  public readonly instanceType: InstanceType;

  /** Instances started with the endpoint. */
  public readonly initialInstanceCount: number;

  /** The variant's traffic weight. */
  public readonly initialVariantWeight: number;

  private readonly endpointName: string;
  private readonly asynchronous: boolean;
  private readonly containerStartupHealthCheckTimeout: Duration;
  private readonly modelDataDownloadTimeout: Duration;
  private readonly volumeSize?: Size;
  private readonly inferenceAmiVersion?: InferenceAmiVersion;
  private readonly routingStrategy?: RoutingStrategy;
  private scalable?: ScalableInstanceCount;
  private readonly propPrefix: string;

  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param props the properties of the EndpointVariant
   */
  constructor(scope: Construct, id: string, props: EndpointVariantProps) {
    super(scope, id);
    // messages about the endpoint's first variant name its props plainly; later ones carry the variant name
    const primary = !scope.node.children.some(c => c !== this && c instanceof EndpointVariant);
    const prefix = primary ? '' : `${props.variantName}.`;
    this.propPrefix = prefix;
    const problems: string[] = [];
    checkName(problems, 'variantName', props.variantName);
    checkInteger(problems, `${prefix}initialInstanceCount`, props.initialInstanceCount, 1);
    const weight = props.initialVariantWeight ?? 1;
    if (!Token.isUnresolved(weight) && !(weight >= 0 && Number.isFinite(weight))) {
      problems.push(`${prefix}initialVariantWeight ${weight} is not allowed; use a number of at least 0 (its share is weight / sum of all weights)`);
    }
    checkTimeout(problems, `${prefix}containerStartupHealthCheckTimeout`, props.containerStartupHealthCheckTimeout);
    checkTimeout(problems, `${prefix}modelDataDownloadTimeout`, props.modelDataDownloadTimeout);
    checkGibibytes(problems, `${prefix}volumeSize`, props.volumeSize, 1, 512);
    problems.push(...checkVariantOptions(prefix, props));
    throwProblems(this, problems);

    this.variantName = props.variantName;
    this.instanceType = props.instanceType;
    this.initialInstanceCount = props.initialInstanceCount ?? 1;
    this.initialVariantWeight = weight;
    this.endpointName = props.endpointName;
    this.asynchronous = props.asynchronous ?? false;
    this.volumeSize = props.volumeSize;
    this.inferenceAmiVersion = props.inferenceAmiVersion;
    this.routingStrategy = props.routingStrategy;

    this.model = new Model(this, 'Model', props);
    // every container of a pipeline runs on the variant's instances (model.addContainer ones: checked at synth)
    const checkContainer = (container: Model['_containerImages'][number]) => checkInstanceType(this, {
      instanceType: props.instanceType,
      workload: Workload.HOSTING,
      imageAccelerator: container.accelerator,
      imageArchitecture: container.architecture,
      imageCudaVersion: container.cudaVersion,
      propName: container.label === '' ? `${prefix}instanceType` : `${prefix}instanceType (for ${container.label}image)`,
    });
    const checked = this.model._containerImages.length;
    const mismatches = new Problems();
    this.model._containerImages.forEach(c => mismatches.capture(() => checkContainer(c)));
    mismatches.throwIfAny(this);
    this.node.addValidation({
      validate: () => {
        const later = new Problems();
        this.model._containerImages.slice(checked).forEach(c => later.capture(() => checkContainer(c)));
        return [...later.messages];
      },
    });

    const defaults = isAccelerated(props.instanceType) ? DEFAULT_TIMEOUTS.accelerated : DEFAULT_TIMEOUTS.cpu;
    this.containerStartupHealthCheckTimeout = props.containerStartupHealthCheckTimeout ?? defaults.healthCheck;
    this.modelDataDownloadTimeout = props.modelDataDownloadTimeout ?? defaults.download;
  }

  /**
   * Scales the variant's instance count with Application Auto Scaling. Call once; add policies to
   * the result. The scalable target is created after the endpoint and deleted before it.
   *
   * SageMaker refuses an endpoint update that changes the instance type of a scaled variant: to
   * change it, add the new type as a variant under a new name (the old target goes with the old
   * variant), or deploy once without autoscaling.
   *
   * @param props the capacity bounds
   */
  public autoScaleInstanceCount(props: InstanceCountScalingProps): ScalableInstanceCount {
    const where = methodWhere(this, 'autoScaleInstanceCount');
    if (this.scalable) {
      throwProblems(where, [`a second call is not allowed: variant ${this.variantName} already scales; add policies to the object the first call returned`]);
    }
    const problems: string[] = [];
    try {
      checkAutoscalable(this.instanceType, `${this.propPrefix}instanceType`,
        {
          imageAccelerator: this.model.imageAccelerator,
          imageArchitecture: this.model.imageArchitecture,
          imageCudaVersion: this.model.imageCudaVersion,
        });
    } catch (error) {
      problems.push((error as Error).message);
    }
    const min = props.minCapacity ?? 1;
    if (!Token.isUnresolved(min) && min === 0 && !this.asynchronous) {
      problems.push('minCapacity 0 is not allowed on a real-time endpoint, which must keep an instance to answer; only an AsyncEndpoint scales to zero (use minCapacity of at least 1)');
    } else {
      checkInteger(problems, 'minCapacity', min, this.asynchronous ? 0 : 1);
    }
    checkInteger(problems, 'maxCapacity', props.maxCapacity, Math.max(1, Token.isUnresolved(min) ? 1 : min));
    problems.push(...capacityAgainstInitialCount(min, props.maxCapacity, this.initialInstanceCount, this.propPrefix));
    throwProblems(where, problems);

    this.scalable = new ScalableInstanceCount(this, 'InstanceCount', {
      ...variantScalingTarget(this, {
        endpointName: this.endpointName, variantName: this.variantName, dimension: 'DesiredInstanceCount', minCapacity: min, maxCapacity: props.maxCapacity,
      }),
      endpointName: this.endpointName,
      variantName: this.variantName,
      instanceType: this.instanceType,
      asynchronous: this.asynchronous,
    });
    return this.scalable;
  }

  /**
   * The variant as CloudFormation renders it.
   *
   * @internal
   */
  public _render(): CfnEndpointConfig.ProductionVariantProperty {
    return {
      variantName: this.variantName,
      modelName: this.model.modelName,
      instanceType: this.instanceType.name,
      initialInstanceCount: this.initialInstanceCount,
      initialVariantWeight: this.initialVariantWeight,
      containerStartupHealthCheckTimeoutInSeconds: this.containerStartupHealthCheckTimeout.toSeconds(),
      modelDataDownloadTimeoutInSeconds: this.modelDataDownloadTimeout.toSeconds(),
      volumeSizeInGb: this.volumeSize?.toGibibytes(),
      inferenceAmiVersion: this.inferenceAmiVersion?.version,
      routingConfig: this.routingStrategy ? { routingStrategy: this.routingStrategy } : undefined,
    };
  }

  /**
   * The `EndpointName` dimension of the metrics: the endpoint's name.
   */
  protected get metricsEndpointName(): string {
    return this.endpointName;
  }

  /**
   * The `VariantName` dimension of the metrics: this variant.
   */
  protected get metricsVariantName(): string {
    return this.variantName;
  }
}

