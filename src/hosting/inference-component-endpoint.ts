import { Size, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnEndpoint, CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { EndpointBase } from './endpoint-base';
import { createExecutionRole } from './execution-role';
import { checkGibibytes, checkName, DEFAULT_VARIANT_NAME, endpointArnComponents } from './hosting-facts';
import { InferenceComponent, InferenceComponentOptions } from './inference-component';
import { ModelOptions } from './model';
import { checkVariantOptions } from './private/variant-options-check';
import { InferenceAmiVersion, RoutingStrategy } from './variant-options';
import { Workload } from '../compute/accelerator';
import { checkAutoscalable, checkInstanceType } from '../compute/compatibility';
import { InstanceType } from '../compute/instance-type';
import { checkInteger, Problems, warn } from '../private/validation';

/**
 * Properties of an `InferenceComponentEndpoint`.
 */
export interface InferenceComponentEndpointProps extends ModelOptions {
  /**
   * The instance type every component shares. Must be valid for hosting; each component's accelerators, memory
   * and CPU cores must fit one instance of it.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-InstanceType
   */
  readonly instanceType: InstanceType;

  /**
   * Instances started with the endpoint.
   *
   * @default - `minInstanceCount`, or 1 when that is 0
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-InitialInstanceCount
   */
  readonly initialInstanceCount?: number;

  /**
   * Fewest instances managed instance scaling keeps. 0 lets the endpoint scale to zero when no component has
   * a copy (components with `minCopies: 0`); requests then fail until a copy is back (a few minutes). See
   * https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html.
   *
   * @default 1
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantManagedInstanceScaling.html#sagemaker-Type-ProductionVariantManagedInstanceScaling-MinInstanceCount
   */
  readonly minInstanceCount?: number;

  /**
   * Most instances managed instance scaling starts to place the components' copies.
   *
   * @default - the larger of `initialInstanceCount` and `minInstanceCount`
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantManagedInstanceScaling.html#sagemaker-Type-ProductionVariantManagedInstanceScaling-MaxInstanceCount
   */
  readonly maxInstanceCount?: number;

  /**
   * Whether SageMaker adds and removes instances as components' copies need them (managed instance scaling).
   * Without it the endpoint keeps `initialInstanceCount` instances, and cannot scale to zero.
   *
   * @default true
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantManagedInstanceScaling.html#sagemaker-Type-ProductionVariantManagedInstanceScaling-Status
   */
  readonly managedInstanceScaling?: boolean;

  /**
   * The endpoint's name.
   *
   * @default - a name CloudFormation generates
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpoint.html#sagemaker-CreateEndpoint-request-EndpointName
   */
  readonly endpointName?: string;

  /**
   * The name of the endpoint's one production variant, which hosts the components.
   *
   * @default 'AllTraffic'
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-VariantName
   */
  readonly variantName?: string;

  /**
   * Key that encrypts the ML storage volumes of the instances (`KmsKeyId`).
   *
   * @default - volumes encrypted with an AWS managed key
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html#sagemaker-CreateEndpointConfig-request-KmsKeyId
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Size of the EBS volume of each instance (1-512 GiB). Not for instance types with local NVMe storage.
   *
   * @default - SageMaker's default for the instance type
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-VolumeSizeInGB
   */
  readonly volumeSize?: Size;

  /**
   * The machine image (NVIDIA or Neuron drivers) of the instances.
   *
   * @default - SageMaker's default image for the instance type
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-InferenceAmiVersion
   */
  readonly inferenceAmiVersion?: InferenceAmiVersion;

  /**
   * How requests are spread over the copies of a component.
   *
   * @default RoutingStrategy.RANDOM - SageMaker's default
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantRoutingConfig.html#sagemaker-Type-ProductionVariantRoutingConfig-RoutingStrategy
   */
  readonly routingStrategy?: RoutingStrategy;
}

/**
 * A real-time endpoint that hosts inference components: several models sharing the instances of one type, each
 * with its own accelerators, memory and number of copies (`AWS::SageMaker::InferenceComponent`).
 *
 * The endpoint configuration carries the execution role and managed instance scaling, and no model: add models
 * with `addInferenceComponent`. This is the only kind of real-time endpoint that scales to zero instances.
 */
export class InferenceComponentEndpoint extends EndpointBase {
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
   * The name of the endpoint configuration.
   *
   * @attribute
   */
  public readonly endpointConfigName: string;

  /** The name of the variant that hosts the components. */
  public readonly defaultVariantName: string;

  /** The instance type the components share. */
  public readonly instanceType: InstanceType;

  /** Fewest instances. */
  public readonly minInstanceCount: number;

  /** Most instances. */
  public readonly maxInstanceCount: number;

  /** Instances started with the endpoint. */
  public readonly initialInstanceCount: number;

  /** The execution role of the endpoint and of its components' models. */
  public readonly role: iam.IRole;

  private readonly componentList: InferenceComponent[] = [];
  private readonly options: InferenceComponentEndpointProps;
  private readonly resource: CfnEndpoint;
  private readonly config: CfnEndpointConfig;

  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param props the properties of the InferenceComponentEndpoint
   */
  constructor(scope: Construct, id: string, props: InferenceComponentEndpointProps) {
    super(scope, id, { physicalName: props.endpointName });
    this.options = props;
    const managed = props.managedInstanceScaling ?? true;
    const min = props.minInstanceCount ?? 1;
    const initial = props.initialInstanceCount ?? (Token.isUnresolved(min) ? 1 : Math.max(min, 1));
    const max = props.maxInstanceCount ?? (Token.isUnresolved(min) || Token.isUnresolved(initial) ? initial : Math.max(min, initial));

    const problems = new Problems();
    const legacy: string[] = [];
    checkName(legacy, 'endpointName', props.endpointName);
    checkName(legacy, 'variantName', props.variantName);
    checkGibibytes(legacy, 'volumeSize', props.volumeSize, 1, 512);
    problems.addAll(legacy);
    problems.addAll(checkVariantOptions('', props));
    checkInteger(problems, 'minInstanceCount', min, 0);
    checkInteger(problems, 'initialInstanceCount', initial, 1);
    checkInteger(problems, 'maxInstanceCount', max, 1);
    if (props.managedInstanceScaling !== undefined && typeof props.managedInstanceScaling !== 'boolean') {
      problems.add(`managedInstanceScaling ${JSON.stringify(props.managedInstanceScaling)} is not allowed; use true or false`);
    }
    const known = (...n: number[]) => n.every(v => !Token.isUnresolved(v));
    if (known(min, max) && max < min) {
      problems.add(`maxInstanceCount ${max} is less than minInstanceCount ${min}; use a maxInstanceCount of at least ${min}`);
    }
    if (known(initial, max) && initial > max) {
      problems.add(`initialInstanceCount ${initial} is more than maxInstanceCount ${max}; use at most ${max} instances`);
    }
    if (!managed && known(min) && min === 0) {
      problems.add('minInstanceCount 0 needs managedInstanceScaling: only managed instance scaling takes an endpoint to zero instances; '
        + 'set managedInstanceScaling to true or minInstanceCount to at least 1');
    }
    if (props.volumeSize && props.instanceType.localStorage === true) {
      problems.add(`volumeSize cannot be used with instanceType ${props.instanceType.name}, which serves from local NVMe instance storage; remove volumeSize`);
    }
    problems.capture(() => checkInstanceType(this, { instanceType: props.instanceType, workload: Workload.HOSTING }));
    if (managed) {
      problems.capture(() => checkAutoscalable(props.instanceType, 'instanceType'));
    }
    problems.throwIfAny(this);

    this.instanceType = props.instanceType;
    this.minInstanceCount = min;
    this.maxInstanceCount = max;
    this.initialInstanceCount = initial;
    this.defaultVariantName = props.variantName ?? DEFAULT_VARIANT_NAME;
    this.role = props.role ?? createExecutionRole(this, 'Role');

    this.config = new CfnEndpointConfig(this, 'Config', {
      // an endpoint for inference components names its execution role and no model
      executionRoleArn: this.role.roleArn,
      kmsKeyId: props.encryptionKey?.keyArn,
      productionVariants: [{
        variantName: this.defaultVariantName,
        instanceType: props.instanceType.name,
        initialInstanceCount: initial,
        managedInstanceScaling: managed
          ? { status: 'ENABLED', minInstanceCount: min, maxInstanceCount: max }
          : undefined,
        routingConfig: props.routingStrategy ? { routingStrategy: props.routingStrategy } : undefined,
        inferenceAmiVersion: props.inferenceAmiVersion?.version,
        volumeSizeInGb: props.volumeSize?.toGibibytes(),
      }],
    });
    this.endpointConfigName = this.config.attrEndpointConfigName;

    this.resource = new CfnEndpoint(this, 'Resource', {
      endpointName: props.endpointName,
      endpointConfigName: this.config.attrEndpointConfigName,
    });
    this.endpointName = this.getResourceNameAttribute(this.resource.attrEndpointName);
    this.endpointArn = this.getResourceArnAttribute(this.resource.attrEndpointArn, endpointArnComponents(this.physicalName));

    this.node.addValidation({ validate: () => this.validateSharedCapacity() });
    this.node.addValidation({ validate: () => { this.warnUnreachableZero(); return []; } });
  }

  /**
   * The components, in the order they were added.
   */
  public get inferenceComponents(): InferenceComponent[] {
    return [...this.componentList];
  }

  /**
   * Adds a model as an inference component: its own model, accelerators, memory and copies on the endpoint's
   * instances. Synth checks that one copy fits one instance and that `maxCopies` fit `maxInstanceCount`.
   *
   * @param id the construct id of the component (also the base of its generated name)
   * @param options the model and its compute requirements
   */
  public addInferenceComponent(id: string, options: InferenceComponentOptions): InferenceComponent {
    const component = new InferenceComponent(this, id, {
      ...options,
      endpoint: this,
      logLevel: options.logLevel ?? this.options.logLevel,
    });
    this.componentList.push(component);
    // the role's grants (image pull, model data) exist before the configuration that names the role
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      this.config.node.addDependency(policy);
    }
    return component;
  }

  /**
   * The copies every component starts with must fit `maxInstanceCount` instances together: their accelerators
   * (each copy reserves whole devices of one instance) and their memory.
   */
  private validateSharedCapacity(): string[] {
    const type = this.instanceType;
    const max = this.maxInstanceCount;
    if (this.componentList.length < 2 || Token.isUnresolved(max) || !type.catalogued) return [];
    const problems: string[] = [];
    const perInstance = type.acceleratorCount ?? 0;
    const wanted = this.componentList.reduce((n, c) => n + c.acceleratorCount * c.initialCopyCount, 0);
    if (perInstance > 0 && wanted > perInstance * max) {
      const parts = this.componentList.map(c => `${c.node.id} ${c.initialCopyCount} x ${c.acceleratorCount}`).join(', ');
      problems.push(`the components' initial copies need ${wanted} accelerators (${parts}) but maxInstanceCount ${max} of `
        + `${type.name} has ${perInstance * max}; raise maxInstanceCount or start fewer copies`);
    }
    return problems;
  }

  /**
   * `minInstanceCount: 0` lets managed instance scaling remove the last instance only once no copy is left: when
   * every component keeps a copy, the endpoint never reaches zero instances.
   */
  private warnUnreachableZero(): void {
    const min = this.minInstanceCount;
    if (Token.isUnresolved(min) || min !== 0 || this.componentList.length === 0) return;
    if (this.componentList.some(c => Token.isUnresolved(c.minCopyCount) || c.minCopyCount === 0)) return;
    const parts = this.componentList.map(c => `${c.node.id} keeps ${c.minCopyCount} ${c.minCopyCount === 1 ? 'copy' : 'copies'}`
      + (c.copyScaling ? ' (minCopies)' : ' (no autoscaling)')).join(', ');
    warn(this, 'hosting', 'minInstanceCountUnreachable', 'minInstanceCount 0 is set but no inference component can scale '
      + `to zero copies (${parts}), so the endpoint always keeps at least one instance; set minCopies: 0 on the components `
      + 'that may go idle (with maxCopies), or minInstanceCount to at least 1 to say what the endpoint does');
  }

  protected get invokeActions(): string[] {
    return ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'];
  }
}
