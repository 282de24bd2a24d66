import { Duration, Names, Resource, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnInferenceComponent } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { checkName, checkSeconds, checkTimeout, DEFAULT_TIMEOUTS, isAccelerated, sageMakerScalingRole } from './hosting-facts';
import { ScalableCopyCount } from './inference-component-scaling';
import { ContainerLogLevel, Model, ModelContainerProps } from './model';
import { INVOCATION_NAMESPACE } from './variant-metrics';
import { AcceleratorKind, Workload } from '../compute/accelerator';
import { checkInstanceType } from '../compute/compatibility';
import { InstanceType } from '../compute/instance-type';
import { checkInteger, checkMember, Problems, throwProblems } from '../private/validation';

/** Utilisation metrics of inference components, normalised to the resources a copy reserves. */
const COMPONENT_NAMESPACE = '/aws/sagemaker/InferenceComponents';

/**
 * The unit of a rolling update's batch size.
 */
export enum CopyCapacityUnit {
  /** A number of copies. */
  COPY_COUNT = 'COPY_COUNT',
  /** A percentage of the component's copies. */
  CAPACITY_PERCENT = 'CAPACITY_PERCENT',
}

/**
 * How many copies of an inference component a rolling update replaces at a time.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentCapacitySize.html
 */
export class CopyCapacity {
  /**
   * A number of copies.
   *
   * @param count copies per batch (at least 1)
   */
  public static copies(count: number): CopyCapacity {
    return new CopyCapacity(CopyCapacityUnit.COPY_COUNT, count);
  }

  /**
   * A percentage of the component's copies.
   *
   * @param percent 1-100
   */
  public static percent(percent: number): CopyCapacity {
    return new CopyCapacity(CopyCapacityUnit.CAPACITY_PERCENT, percent);
  }

  /** The unit. */
  public readonly unit: CopyCapacityUnit;

  /** The number of copies, or the percentage. */
  public readonly value: number;

  private constructor(unit: CopyCapacityUnit, value: number) {
    this.unit = unit;
    this.value = value;
  }
}

/**
 * A rolling update of an inference component: copies are replaced batch by batch, and the update rolls back when
 * an alarm fires.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentRollingUpdatePolicy.html
 */
export interface InferenceComponentRollingUpdate {
  /**
   * Copies replaced per batch.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentRollingUpdatePolicy.html#sagemaker-Type-InferenceComponentRollingUpdatePolicy-MaximumBatchSize
   */
  readonly maximumBatchSize: CopyCapacity;

  /**
   * How long to watch the alarms after each batch (0-3600 s).
   *
   * @default Duration.seconds(0)
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentRollingUpdatePolicy.html#sagemaker-Type-InferenceComponentRollingUpdatePolicy-WaitIntervalInSeconds
   */
  readonly waitInterval?: Duration;

  /**
   * Copies restored per batch when the update rolls back.
   *
   * @default - all copies at once
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentRollingUpdatePolicy.html#sagemaker-Type-InferenceComponentRollingUpdatePolicy-RollbackMaximumBatchSize
   */
  readonly rollbackMaximumBatchSize?: CopyCapacity;

  /**
   * Longest the update may take (600-28800 s).
   *
   * @default - SageMaker's default
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentRollingUpdatePolicy.html#sagemaker-Type-InferenceComponentRollingUpdatePolicy-MaximumExecutionTimeoutInSeconds
   */
  readonly maximumExecutionTimeout?: Duration;

  /**
   * Alarms that roll the update back when they fire (at most 10).
   *
   * @default - none: the update rolls back only when copies fail to start
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AutoRollbackConfig.html#sagemaker-Type-AutoRollbackConfig-Alarms
   */
  readonly rollbackAlarms?: cloudwatch.IAlarm[];
}

/**
 * A model as an inference component, and what each copy of it reserves on an instance.
 */
export interface InferenceComponentOptions extends ModelContainerProps {
  /**
   * The component's name, which callers pass as `InferenceComponentName` to InvokeEndpoint.
   *
   * @default - a name unique in the account, derived from the construct path
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateInferenceComponent.html#sagemaker-CreateInferenceComponent-request-InferenceComponentName
   */
  readonly inferenceComponentName?: string;

  /**
   * Accelerators (GPUs, Neuron devices) one copy reserves; at most the instance type's count. Refused on CPU
   * instances.
   *
   * @default - every accelerator of one instance on accelerated instance types; none on CPU ones
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentComputeResourceRequirements.html#sagemaker-Type-InferenceComponentComputeResourceRequirements-NumberOfAcceleratorDevicesRequired
   */
  readonly acceleratorCount?: number;

  /**
   * Memory one copy reserves (at least 128 MiB, whole MiB); at most the instance type's memory.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentComputeResourceRequirements.html#sagemaker-Type-InferenceComponentComputeResourceRequirements-MinMemoryRequiredInMb
   */
  readonly minMemory: Size;

  /**
   * Memory one copy may use at most.
   *
   * @default - no limit beyond the instance's memory
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentComputeResourceRequirements.html#sagemaker-Type-InferenceComponentComputeResourceRequirements-MaxMemoryRequiredInMb
   */
  readonly maxMemory?: Size;

  /**
   * CPU cores one copy reserves (at least 0.25, in steps of 0.25); at most the instance type's vCPUs.
   *
   * @default - none reserved
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentComputeResourceRequirements.html#sagemaker-Type-InferenceComponentComputeResourceRequirements-NumberOfCpuCoresRequired
   */
  readonly cpuCores?: number;

  /**
   * Copies started with the component.
   *
   * @default - `minCopies`, or 1 when that is 0 or unset
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentRuntimeConfig.html#sagemaker-Type-InferenceComponentRuntimeConfig-CopyCount
   */
  readonly initialCopyCount?: number;

  /**
   * Fewest copies autoscaling keeps. 0 lets the component scale to zero when idle; a step-scaling policy on
   * `NoCapacityInvocationFailures` then brings the first copy back when a request arrives (requests fail for
   * the few minutes that takes).
   *
   * @default - no autoscaling unless `maxCopies` is set; then `initialCopyCount`
   */
  readonly minCopies?: number;

  /**
   * Most copies autoscaling starts; they must fit on `maxInstanceCount` instances of the endpoint.
   *
   * @default - no autoscaling unless `minCopies` is set; then `initialCopyCount`
   */
  readonly maxCopies?: number;

  /**
   * How long a copy may take to pass its first `/ping` health check (60-3600 s).
   *
   * @default - 10 minutes on CPU instances, 30 minutes on accelerated ones
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentStartupParameters.html#sagemaker-Type-InferenceComponentStartupParameters-ContainerStartupHealthCheckTimeoutInSeconds
   */
  readonly containerStartupHealthCheckTimeout?: Duration;

  /**
   * How long SageMaker may take to download the model data for a copy (60-3600 s).
   *
   * @default - 10 minutes on CPU instances, 30 minutes on accelerated ones
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentStartupParameters.html#sagemaker-Type-InferenceComponentStartupParameters-ModelDataDownloadTimeoutInSeconds
   */
  readonly modelDataDownloadTimeout?: Duration;

  /**
   * How updates replace the component's copies.
   *
   * @default - SageMaker's default: a blue/green update of all copies
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentDeploymentConfig.html#sagemaker-Type-InferenceComponentDeploymentConfig-RollingUpdatePolicy
   */
  readonly rollingUpdate?: InferenceComponentRollingUpdate;

  /**
   * Log level of the serving stack (`SAGEMAKER_CONTAINER_LOG_LEVEL`).
   *
   * @default - the endpoint's `logLevel`
   */
  readonly logLevel?: ContainerLogLevel;
}

/**
 * The endpoint an inference component is placed on, as the component reads it.
 */
export interface IInferenceComponentHost {
  /**
   * The endpoint's name.
   *
   * @attribute
   */
  readonly endpointName: string;

  /**
   * The endpoint's ARN.
   *
   * @attribute
   */
  readonly endpointArn: string;

  /** The variant that hosts the components. */
  readonly defaultVariantName: string;

  /** The instance type of the endpoint. */
  readonly instanceType: InstanceType;

  /** Most instances of the endpoint. */
  readonly maxInstanceCount: number;

  /** The execution role of the components' models. */
  readonly role: iam.IRole;
}

/**
 * Properties of an `InferenceComponent`.
 */
export interface InferenceComponentProps extends InferenceComponentOptions {
  /**
   * The endpoint that hosts the component (an `InferenceComponentEndpoint`).
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateInferenceComponent.html#sagemaker-CreateInferenceComponent-request-EndpointName
   */
  readonly endpoint: IInferenceComponentHost;
}

/**
 * A model placed on an `InferenceComponentEndpoint` (`AWS::SageMaker::InferenceComponent`), with its own model,
 * the accelerators, memory and CPU cores each copy reserves, and its number of copies. Usually created with
 * `InferenceComponentEndpoint.addInferenceComponent`.
 */
export class InferenceComponent extends Resource {
  /**
   * The component's name, for `InferenceComponentName` on InvokeEndpoint.
   *
   * @attribute
   */
  public readonly inferenceComponentName: string;

  /**
   * The component's ARN.
   *
   * @attribute
   */
  public readonly inferenceComponentArn: string;

  /** The component's model. */
  public readonly model: Model;

  /** Accelerators one copy reserves (0 on CPU instances). */
  public readonly acceleratorCount: number;

  /** Copies started with the component. */
  public readonly initialCopyCount: number;

  /**
   * The fewest copies the component keeps: `minCopies` when it scales, else `initialCopyCount`. 0 for a component
   * that scales to zero.
   */
  public readonly minCopyCount: number;

  /**
   * The copy count's autoscaling, when `minCopies` or `maxCopies` is set: add policies to it.
   *
   * @default - no autoscaling
   */
  public readonly copyScaling?: ScalableCopyCount;

  private readonly endpoint: IInferenceComponentHost;

  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param props the properties of the InferenceComponent
   */
  constructor(scope: Construct, id: string, props: InferenceComponentProps) {
    super(scope, id);
    this.endpoint = props.endpoint;
    const type = props.endpoint.instanceType;
    const problems = new Problems();

    const accelerated = isAccelerated(type);
    const accelerators = props.acceleratorCount ?? (accelerated ? type.acceleratorCount ?? 1 : 0);
    const min = props.minCopies;
    const initial = props.initialCopyCount ?? (min === undefined || Token.isUnresolved(min) ? 1 : Math.max(min, 1));
    const scales = props.minCopies !== undefined || props.maxCopies !== undefined;
    const minCopies = min ?? initial;
    const maxCopies = props.maxCopies ?? initial;

    const legacy: string[] = [];
    checkName(legacy, 'inferenceComponentName', props.inferenceComponentName);
    checkTimeout(legacy, 'containerStartupHealthCheckTimeout', props.containerStartupHealthCheckTimeout);
    checkTimeout(legacy, 'modelDataDownloadTimeout', props.modelDataDownloadTimeout);
    problems.addAll(legacy);
    this.checkCompute(problems, props);
    checkInteger(problems, 'initialCopyCount', initial, 1);
    checkInteger(problems, 'minCopies', props.minCopies, 0);
    checkInteger(problems, 'maxCopies', props.maxCopies, 1);
    const known = (...n: number[]) => n.every(v => !Token.isUnresolved(v));
    if (known(minCopies, initial) && initial < minCopies) {
      problems.add(`initialCopyCount ${initial} is less than minCopies ${minCopies}; start at least ${minCopies} copies`);
    }
    if (known(maxCopies, initial) && initial > maxCopies) {
      problems.add(`initialCopyCount ${initial} is more than maxCopies ${maxCopies}; use a maxCopies of at least ${initial}`);
    }
    this.checkCopiesFit(problems, props, accelerators, Math.max(
      known(maxCopies) ? maxCopies : 0, known(initial) ? initial : 0));
    problems.throwIfAny(this);

    this.acceleratorCount = accelerators;
    this.initialCopyCount = initial;
    this.minCopyCount = minCopies;
    this.inferenceComponentName = props.inferenceComponentName
      ?? Names.uniqueResourceName(this, { maxLength: 63, separator: '-' });

    this.model = new Model(this, 'Model', {
      image: props.image,
      modelData: props.modelData,
      environment: props.environment,
      submitDirectory: props.submitDirectory,
      role: props.endpoint.role,
      logLevel: props.logLevel,
    });
    if (this.model._multiModelDataUri !== undefined) {
      throwProblems(this, [`modelData ModelData.fromMultiModelPrefix(${this.model._multiModelDataUri}) is not allowed: an inference `
        + 'component serves one model per copy; use single-model data (ModelData.fromAsset, fromBucket, fromS3Prefix) and one '
        + 'component per model, or an Endpoint for a multi-model endpoint']);
    }
    const mismatch = new Problems();
    mismatch.capture(() => checkInstanceType(this, {
      instanceType: type,
      workload: Workload.HOSTING,
      imageAccelerator: this.model.imageAccelerator,
      imageArchitecture: this.model.imageArchitecture,
      imageCudaVersion: this.model.imageCudaVersion,
      propName: 'endpoint instanceType',
    }));
    mismatch.throwIfAny(this);

    const defaults = accelerated ? DEFAULT_TIMEOUTS.accelerated : DEFAULT_TIMEOUTS.cpu;
    const resource = new CfnInferenceComponent(this, 'Resource', {
      endpointName: props.endpoint.endpointName,
      variantName: props.endpoint.defaultVariantName,
      inferenceComponentName: this.inferenceComponentName,
      specification: {
        modelName: this.model.modelName,
        computeResourceRequirements: {
          numberOfAcceleratorDevicesRequired: accelerators > 0 ? accelerators : undefined,
          minMemoryRequiredInMb: props.minMemory.toMebibytes(),
          maxMemoryRequiredInMb: props.maxMemory?.toMebibytes(),
          numberOfCpuCoresRequired: props.cpuCores,
        },
        startupParameters: {
          containerStartupHealthCheckTimeoutInSeconds: (props.containerStartupHealthCheckTimeout ?? defaults.healthCheck).toSeconds(),
          modelDataDownloadTimeoutInSeconds: (props.modelDataDownloadTimeout ?? defaults.download).toSeconds(),
        },
      },
      runtimeConfig: { copyCount: initial },
      deploymentConfig: this.renderDeploymentConfig(props.rollingUpdate),
    });
    this.inferenceComponentArn = resource.attrInferenceComponentArn;
    // the model's grants (image pull, model data) exist before SageMaker starts copies with its role
    const policy = props.endpoint.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      resource.node.addDependency(policy);
    }

    if (scales) {
      const target = new ScalableCopyCount(this, 'CopyCount', {
        serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
        resourceId: `inference-component/${this.inferenceComponentName}`,
        dimension: 'sagemaker:inference-component:DesiredCopyCount',
        role: sageMakerScalingRole(this),
        minCapacity: minCopies,
        maxCapacity: maxCopies,
        inferenceComponentName: this.inferenceComponentName,
      });
      // registered once the component exists, deregistered before it is deleted
      target.node.addDependency(resource);
      if (known(minCopies) && minCopies === 0) {
        target._scaleFromZero(this.metricNoCapacityInvocationFailures());
      }
      this.copyScaling = target;
    }
  }

  /**
   * Lets a principal invoke this component (`InvokeEndpoint` with `InferenceComponentName`, streaming included).
   *
   * @param grantee who invokes
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
      resourceArns: [this.endpoint.endpointArn, this.inferenceComponentArn],
    });
  }

  /**
   * Any metric of this component, with the `InferenceComponentName` dimension.
   *
   * @param namespace `AWS/SageMaker` (invocations, latency) or `/aws/sagemaker/InferenceComponents` (utilisation)
   * @param metricName the metric name
   * @param props overrides
   * @default - average over 5 minutes
   */
  public metric(namespace: string, metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace,
      metricName,
      statistic: 'Average',
      period: Duration.minutes(5),
      ...props,
      dimensionsMap: { InferenceComponentName: this.inferenceComponentName, ...props?.dimensionsMap },
    });
  }

  /**
   * Requests sent to the component (`Invocations`).
   *
   * @default - sum over 5 minutes
   */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOCATION_NAMESPACE, 'Invocations', { statistic: 'Sum', ...props });
  }

  /**
   * Requests per copy (`InvocationsPerCopy`), what copy autoscaling tracks.
   *
   * @default - sum over 5 minutes
   */
  public metricInvocationsPerCopy(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOCATION_NAMESPACE, 'InvocationsPerCopy', { statistic: 'Sum', ...props });
  }

  /**
   * Requests for which the model returned an error (`InvocationModelErrors`).
   *
   * @default - sum over 5 minutes
   */
  public metricInvocationErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOCATION_NAMESPACE, 'InvocationModelErrors', { statistic: 'Sum', ...props });
  }

  /**
   * Time the model took to answer, in microseconds (`ModelLatency`).
   *
   * @default - average over 5 minutes
   */
  public metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOCATION_NAMESPACE, 'ModelLatency', props);
  }

  /**
   * Requests that failed because the component had no copy (`NoCapacityInvocationFailures`), what brings a
   * component back from zero copies.
   *
   * @default - maximum over 1 minute
   */
  public metricNoCapacityInvocationFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOCATION_NAMESPACE, 'NoCapacityInvocationFailures', { statistic: 'Maximum', period: Duration.minutes(1), ...props });
  }

  /**
   * GPU utilisation of the GPUs the copies reserve, in percent (`GPUUtilizationNormalized`).
   *
   * @default - average over 5 minutes
   */
  public metricGpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(COMPONENT_NAMESPACE, 'GPUUtilizationNormalized', props);
  }

  /**
   * GPU memory utilisation of the GPUs the copies reserve, in percent (`GPUMemoryUtilizationNormalized`).
   *
   * @default - average over 5 minutes
   */
  public metricGpuMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(COMPONENT_NAMESPACE, 'GPUMemoryUtilizationNormalized', props);
  }

  /**
   * CPU utilisation of the cores the copies reserve, in percent (`CPUUtilizationNormalized`).
   *
   * @default - average over 5 minutes
   */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(COMPONENT_NAMESPACE, 'CPUUtilizationNormalized', props);
  }

  /** Accelerators, memory and cores of one copy against one instance of the endpoint's type. */
  private checkCompute(problems: Problems, props: InferenceComponentOptions): void {
    const type = this.endpoint.instanceType;
    if (props.acceleratorCount !== undefined && !Token.isUnresolved(props.acceleratorCount)) {
      if (type.acceleratorKind === AcceleratorKind.NONE && type.catalogued) {
        problems.add(`acceleratorCount ${props.acceleratorCount} is not allowed on instanceType ${type.name}, which has no accelerator; `
          + 'remove acceleratorCount or use an accelerated instance type');
      } else {
        checkInteger(problems, 'acceleratorCount', props.acceleratorCount, 1, type.acceleratorCount);
      }
    }
    const minMiB = mebibytes(props.minMemory);
    if (minMiB !== undefined && (!Number.isInteger(minMiB) || minMiB < 128)) {
      problems.add(`minMemory ${minMiB} MiB is not allowed; use whole MiB, at least 128 MiB`);
    }
    const maxMiB = mebibytes(props.maxMemory);
    const instanceMiB = type.memory?.toMebibytes();
    if (maxMiB !== undefined && minMiB !== undefined && maxMiB < minMiB) {
      problems.add(`maxMemory ${maxMiB} MiB is less than minMemory ${minMiB} MiB; use at least the minimum`);
    }
    for (const [prop, mib] of [['minMemory', minMiB], ['maxMemory', maxMiB]] as const) {
      if (mib !== undefined && instanceMiB !== undefined && mib > instanceMiB) {
        problems.add(`${prop} ${gib(mib)} does not fit one ${type.name}, which has ${gib(instanceMiB)} of memory; `
          + `use at most ${gib(instanceMiB)} or a larger instance type`);
      }
    }
    if (props.cpuCores !== undefined && !Token.isUnresolved(props.cpuCores)) {
      const cores = props.cpuCores;
      if (!(cores >= 0.25) || !Number.isInteger(cores * 4) || (type.vcpus !== undefined && cores > type.vcpus)) {
        const most = type.vcpus !== undefined ? `, at most the ${type.vcpus} vCPUs of ${type.name}` : '';
        problems.add(`cpuCores ${cores} is not allowed; use a multiple of 0.25 from 0.25${most}`);
      }
    }
    if (props.rollingUpdate) {
      const update = props.rollingUpdate;
      for (const [prop, size] of [['rollingUpdate.maximumBatchSize', update.maximumBatchSize], ['rollingUpdate.rollbackMaximumBatchSize', update.rollbackMaximumBatchSize]] as const) {
        if (!size) continue;
        checkMember(problems, `${prop} unit`, size.unit, Object.values(CopyCapacityUnit));
        checkInteger(problems, prop, size.value, 1, size.unit === CopyCapacityUnit.CAPACITY_PERCENT ? 100 : undefined);
      }
      const legacy: string[] = [];
      checkSeconds(legacy, 'rollingUpdate.waitInterval', update.waitInterval, 0, 3600);
      checkSeconds(legacy, 'rollingUpdate.maximumExecutionTimeout', update.maximumExecutionTimeout, 600, 28800);
      problems.addAll(legacy);
      if ((update.rollbackAlarms ?? []).length > 10) {
        problems.add(`rollingUpdate.rollbackAlarms has ${update.rollbackAlarms!.length} alarms; SageMaker accepts at most 10`);
      }
    }
  }

  /** How many copies fit one instance, and whether the most copies asked for fit the endpoint's instances. */
  private checkCopiesFit(problems: Problems, props: InferenceComponentOptions, accelerators: number, mostCopies: number): void {
    const type = this.endpoint.instanceType;
    const maxInstances = this.endpoint.maxInstanceCount;
    if (mostCopies === 0 || Token.isUnresolved(maxInstances) || !type.catalogued || problems.count > 0) {
      return;
    }
    const limits: string[] = [];
    let perInstance = Number.MAX_SAFE_INTEGER;
    if (accelerators > 0 && type.acceleratorCount) {
      perInstance = Math.min(perInstance, Math.floor(type.acceleratorCount / accelerators));
      limits.push(`${type.acceleratorCount} accelerators / ${accelerators} per copy`);
    }
    const minMiB = mebibytes(props.minMemory);
    if (minMiB !== undefined && type.memory) {
      perInstance = Math.min(perInstance, Math.floor(type.memory.toMebibytes() / minMiB));
      limits.push(`${gib(type.memory.toMebibytes())} memory / ${gib(minMiB)} per copy`);
    }
    if (props.cpuCores !== undefined && !Token.isUnresolved(props.cpuCores) && type.vcpus) {
      perInstance = Math.min(perInstance, Math.floor(type.vcpus / props.cpuCores));
      limits.push(`${type.vcpus} vCPUs / ${props.cpuCores} per copy`);
    }
    const most = perInstance * maxInstances;
    if (mostCopies > most) {
      problems.add(`maxCopies ${mostCopies} do not fit the endpoint: one ${type.name} holds ${perInstance} copies (${limits.join('; ')}), `
        + `so maxInstanceCount ${maxInstances} holds at most ${most}; use at most ${most} copies, fewer resources per copy, or more instances`);
    }
  }

  private renderDeploymentConfig(
    update?: InferenceComponentRollingUpdate,
  ): CfnInferenceComponent.InferenceComponentDeploymentConfigProperty | undefined {
    if (!update) {
      return undefined;
    }
    const size = (c?: CopyCapacity) => (c ? { type: c.unit, value: c.value } : undefined);
    const alarms = update.rollbackAlarms ?? [];
    return {
      rollingUpdatePolicy: {
        maximumBatchSize: size(update.maximumBatchSize),
        waitIntervalInSeconds: (update.waitInterval ?? Duration.seconds(0)).toSeconds(),
        rollbackMaximumBatchSize: size(update.rollbackMaximumBatchSize),
        maximumExecutionTimeoutInSeconds: update.maximumExecutionTimeout?.toSeconds(),
      },
      autoRollbackConfiguration: alarms.length > 0 ? { alarms: alarms.map(a => ({ alarmName: a.alarmName })) } : undefined,
    };
  }
}

function mebibytes(size: Size | undefined): number | undefined {
  return size === undefined || size.isUnresolved() ? undefined : size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
}

function gib(mib: number): string {
  return `${Math.round((mib / 1024) * 100) / 100} GiB`;
}
