import { Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnEndpoint, CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { EndpointBase } from './endpoint-base';
import { createExecutionRole } from './execution-role';
import {
  checkInteger, checkName, DEFAULT_VARIANT_NAME, endpointArnComponents, methodWhere, throwProblems,
} from './hosting-facts';
import { Model, ModelContainerProps, ModelOptions } from './model';
import { variantScalingTarget } from './private/scaling-target';
import { ProvisionedConcurrencyScalingProps, ScalableProvisionedConcurrency } from './scalable-provisioned-concurrency';
import { ImageAccelerator } from '../compute/accelerator';

/** Serverless memory sizes SageMaker offers, in GiB. */
const SERVERLESS_MEMORY_GIB = [1, 2, 3, 4, 5, 6];

/**
 * Properties of a `ServerlessEndpoint`.
 */
export interface ServerlessEndpointProps extends ModelContainerProps, ModelOptions {
  /**
   * Memory of each worker: 1, 2, 3, 4, 5 or 6 GiB. vCPUs scale with it.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantServerlessConfig.html#sagemaker-Type-ProductionVariantServerlessConfig-MemorySizeInMB
   */
  readonly memory: Size;

  /**
   * Most requests served at once (1-200).
   *
   * @default 20
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantServerlessConfig.html#sagemaker-Type-ProductionVariantServerlessConfig-MaxConcurrency
   */
  readonly maxConcurrency?: number;

  /**
   * Workers kept warm to avoid cold starts (1 to `maxConcurrency`).
   *
   * @default - none: every worker starts on demand
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantServerlessConfig.html#sagemaker-Type-ProductionVariantServerlessConfig-ProvisionedConcurrency
   */
  readonly provisionedConcurrency?: number;

  /**
   * The endpoint's name.
   *
   * @default - a name CloudFormation generates
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpoint.html#sagemaker-CreateEndpoint-request-EndpointName
   */
  readonly endpointName?: string;

  /**
   * The variant's name.
   *
   * @default 'AllTraffic'
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-VariantName
   */
  readonly variantName?: string;
}

/**
 * A serverless SageMaker endpoint: no instances to choose or scale; pay per request. Runs CPU images
 * only, without VPC, network isolation, data capture or several variants.
 */
export class ServerlessEndpoint extends EndpointBase {
  /**
   * The name of the endpoint.
   *
   * @attribute
   */
  public readonly endpointName: string;

  /**
   * The ARN of the endpoint.
   *
   * @attribute
   */
  public readonly endpointArn: string;

  /**
   * The name of the endpoint configuration (changes on every update).
   *
   * @attribute
   */
  public readonly endpointConfigName: string;

  /** The name of the endpoint's only variant. */
  public readonly defaultVariantName: string;

  /** The model the endpoint serves. */
  public readonly model: Model;

  /** The execution role of the model. */
  public readonly role: iam.IRole;

  /** The name of the model. */
  public readonly modelName: string;

  private readonly maxConcurrency: number;
  private readonly provisionedConcurrency?: number;
  private scalable?: ScalableProvisionedConcurrency;

  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param props the properties of the ServerlessEndpoint
   */
  constructor(scope: Construct, id: string, props: ServerlessEndpointProps) {
    super(scope, id, { physicalName: props.endpointName });

    const problems: string[] = [];
    checkName(problems, 'endpointName', props.endpointName);
    checkName(problems, 'variantName', props.variantName);
    if (props.memory === undefined) {
      problems.push(`memory is required for a ServerlessEndpoint; use Size.gibibytes(n) with n one of ${SERVERLESS_MEMORY_GIB.join(', ')}`);
    } else if (!props.memory.isUnresolved()) {
      const gib = props.memory.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
      if (!SERVERLESS_MEMORY_GIB.includes(gib)) {
        problems.push(`memory ${props.memory.toMebibytes({ rounding: SizeRoundingBehavior.NONE })} MiB is not allowed; `
          + `a serverless endpoint takes 1-6 GiB in 1 GiB steps (Size.gibibytes(n), n one of ${SERVERLESS_MEMORY_GIB.join(', ')})`);
      }
    }
    const maxConcurrency = props.maxConcurrency ?? 20;
    checkInteger(problems, 'maxConcurrency', maxConcurrency, 1, 200);
    if (props.provisionedConcurrency !== undefined) {
      checkInteger(problems, 'provisionedConcurrency', props.provisionedConcurrency, 1,
        Token.isUnresolved(maxConcurrency) ? undefined : maxConcurrency);
    }
    if ((props as any).instanceType !== undefined) {
      problems.push('instanceType cannot be set on a ServerlessEndpoint: SageMaker picks the compute; use memory and maxConcurrency, or an Endpoint');
    }
    if ((props as any).pipelineContainers !== undefined) {
      problems.push('pipelineContainers cannot be set on a ServerlessEndpoint: serverless endpoints do not run serial inference '
        + 'pipelines (one container per model); use an Endpoint for a pipeline');
    }
    throwProblems(this, problems);

    this.maxConcurrency = maxConcurrency;
    this.provisionedConcurrency = props.provisionedConcurrency;
    this.role = props.role ?? createExecutionRole(this, 'Role', { endpointName: props.endpointName });
    this.model = new Model(this, 'Model', { ...props, role: this.role });
    const accel = this.model.imageAccelerator;
    const modelProblems: string[] = [];
    if (accel === ImageAccelerator.NVIDIA_GPU || accel === ImageAccelerator.NEURON) {
      modelProblems.push(`image needs accelerator ${accel}, but a ServerlessEndpoint runs on CPU only; use a CPU image or an Endpoint on an accelerated instance type`);
    }
    if (this.model._multiModelDataUri !== undefined) {
      modelProblems.push(`modelData ModelData.fromMultiModelPrefix(${this.model._multiModelDataUri}) is not allowed: a ServerlessEndpoint `
        + 'serves one model; use single-model data (ModelData.fromAsset, fromBucket, fromS3Prefix), or an Endpoint for a multi-model endpoint');
    }
    throwProblems(this, modelProblems);
    this.modelName = this.model.modelName;
    this.defaultVariantName = props.variantName ?? DEFAULT_VARIANT_NAME;

    const config = new CfnEndpointConfig(this, 'Config', {
      productionVariants: [{
        variantName: this.defaultVariantName,
        modelName: this.model.modelName,
        initialVariantWeight: 1,
        serverlessConfig: {
          memorySizeInMb: props.memory.toMebibytes(),
          maxConcurrency,
          provisionedConcurrency: props.provisionedConcurrency,
        },
      }],
    });
    this.endpointConfigName = config.attrEndpointConfigName;
    const resource = new CfnEndpoint(this, 'Resource', {
      endpointName: props.endpointName,
      endpointConfigName: config.attrEndpointConfigName,
    });
    // through the Resource helpers, so a stack in another environment reads the name and ARN of a named endpoint
    this.endpointName = this.getResourceNameAttribute(resource.attrEndpointName);
    this.endpointArn = this.getResourceArnAttribute(resource.attrEndpointArn, endpointArnComponents(this.physicalName));
  }

  /**
   * Scales the provisioned concurrency (warm workers) with Application Auto Scaling. Needs
   * `provisionedConcurrency`. Call once; add policies to the result. The scalable target reads the
   * endpoint's name, so it is created after the endpoint and deleted before it.
   *
   * @param props the bounds
   */
  public autoScaleProvisionedConcurrency(props: ProvisionedConcurrencyScalingProps): ScalableProvisionedConcurrency {
    const where = methodWhere(this, 'autoScaleProvisionedConcurrency');
    if (this.scalable) {
      throwProblems(where, ['a second call is not allowed: this endpoint already scales; add policies to the object the first call returned']);
    }
    const problems: string[] = [];
    if (this.provisionedConcurrency === undefined) {
      problems.push('provisionedConcurrency is not set on this endpoint, so there are no warm workers to scale; '
        + 'set provisionedConcurrency to the initial number of warm workers');
    }
    const min = props.minCapacity ?? 1;
    checkInteger(problems, 'minCapacity', min, 1, Token.isUnresolved(this.maxConcurrency) ? undefined : this.maxConcurrency);
    checkInteger(problems, 'maxCapacity', props.maxCapacity, Token.isUnresolved(min) ? 1 : min,
      Token.isUnresolved(this.maxConcurrency) ? undefined : this.maxConcurrency);
    throwProblems(where, problems);
    this.scalable = new ScalableProvisionedConcurrency(this, 'ProvisionedConcurrency', variantScalingTarget(this, {
      endpointName: this.endpointName, variantName: this.defaultVariantName, dimension: 'DesiredProvisionedConcurrency', minCapacity: min, maxCapacity: props.maxCapacity,
    }));
    return this.scalable;
  }

  /**
   * Time to start a new worker, in microseconds (`ModelSetupTime`): cold starts.
   *
   * @default - average over 5 minutes
   */
  public metricModelSetupTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('AWS/SageMaker', 'ModelSetupTime', props);
  }

  protected get invokeActions(): string[] {
    return ['sagemaker:InvokeEndpoint'];
  }
}
