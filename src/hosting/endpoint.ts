import { Annotations, ArnFormat, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnEndpoint, CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { DataCaptureOptions } from './data-capture';
import { CapacityUnit, DeploymentGuardrails, TrafficRoutingType } from './deployment';
import { EndpointAttributes, EndpointBase, IEndpoint } from './endpoint-base';
import { EndpointVariant, InstanceVariantProps } from './endpoint-variant';
import { createExecutionRole, OUTPUT_KEY_ACTIONS } from './execution-role';
import {
  checkInteger, checkName, checkSeconds, DEFAULT_VARIANT_NAME, endpointArnComponents, MAX_VARIANTS, methodWhere, throwProblems,
} from './hosting-facts';
import { VpcModelOptions } from './model';
import { InstanceCountScalingProps, ScalableInstanceCount } from './scalable-instance-count';
import { describeWhere } from '../private/validation';

/**
 * Options of an instance-based endpoint, beyond its first variant.
 */
export interface EndpointOptions extends VpcModelOptions {
  /**
   * The endpoint's name. The endpoint is updated in place, so a fixed name does not block updates.
   *
   * @default - a name CloudFormation generates
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpoint.html#sagemaker-CreateEndpoint-request-EndpointName
   */
  readonly endpointName?: string;

  /**
   * The name of the variant the props describe.
   *
   * @default 'AllTraffic'
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-VariantName
   */
  readonly variantName?: string;

  /**
   * Key that encrypts the ML storage volumes of the endpoint's instances (`KmsKeyId`). It does not encrypt the
   * local NVMe storage of instance types that have it (`InstanceType.localStorage`: `g5`, `p4d`, `m5d` ...),
   * which SageMaker encrypts in hardware: such a type gets a warning. The principal that deploys must be
   * allowed to use the key.
   *
   * @default - volumes encrypted with an AWS managed key
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html#sagemaker-CreateEndpointConfig-request-KmsKeyId
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Capture requests and responses to S3.
   *
   * @default - no data capture
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html#sagemaker-CreateEndpointConfig-request-DataCaptureConfig
   */
  readonly dataCapture?: DataCaptureOptions;

  /**
   * Blue/green deployment guardrails for updates: traffic shifting and rollback alarms.
   *
   * @default - SageMaker's default blue/green update: all traffic at once, no rollback alarms
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpoint.html#sagemaker-CreateEndpoint-request-DeploymentConfig
   */
  readonly deploymentGuardrails?: DeploymentGuardrails;
}

/**
 * Properties of an `Endpoint`: its first production variant and the endpoint's options.
 */
export interface EndpointProps extends InstanceVariantProps, EndpointOptions {
}

/**
 * A real-time SageMaker endpoint on instances, with one or more weighted production variants
 * (each its own model, instance type and count).
 *
 * The model and the endpoint configuration have no fixed names: a change replaces them and the
 * endpoint moves to the new configuration without downtime (with `deploymentGuardrails`, by canary
 * or linear traffic shifting and rollback on alarms).
 */
export class Endpoint extends EndpointBase {
  /**
   * An endpoint defined elsewhere, by name.
   *
   * @param scope the scope
   * @param id the construct id
   * @param endpointName the endpoint's name
   */
  public static fromEndpointName(scope: Construct, id: string, endpointName: string): IEndpoint {
    return new ImportedEndpoint(scope, id, { endpointName });
  }

  /**
   * An endpoint defined elsewhere, by ARN.
   *
   * @param scope the scope
   * @param id the construct id
   * @param endpointArn the endpoint's ARN
   */
  public static fromEndpointArn(scope: Construct, id: string, endpointArn: string): IEndpoint {
    return new ImportedEndpoint(scope, id, { endpointArn });
  }

  /**
   * An endpoint defined elsewhere, by its attributes.
   *
   * @param scope the scope
   * @param id the construct id
   * @param attrs name or ARN, and the variant its metrics describe
   */
  public static fromEndpointAttributes(scope: Construct, id: string, attrs: EndpointAttributes): IEndpoint {
    return new ImportedEndpoint(scope, id, attrs);
  }

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

  /** The variant created from the props; the endpoint-level metrics describe it. */
  public readonly defaultVariant: EndpointVariant;

  /** The name of the default variant. */
  public readonly defaultVariantName: string;

  /** The execution role of the endpoint's models. */
  public readonly role: iam.IRole;

  private readonly variantList: EndpointVariant[] = [];
  private readonly options: EndpointOptions;
  private readonly resource: CfnEndpoint;
  private readonly securityGroups?: ec2.ISecurityGroup[];
  private readonly _connections?: ec2.Connections;

  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param props the properties of the Endpoint
   */
  constructor(scope: Construct, id: string, props: EndpointProps) {
    super(scope, id, { physicalName: props.endpointName });
    this.options = props;

    const problems: string[] = [];
    checkName(problems, 'endpointName', props.endpointName);
    if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
      problems.push('vpcSubnets and securityGroups need vpc; set vpc or remove them');
    }
    this.checkDataCapture(problems, props.dataCapture);
    this.checkDeploymentGuardrails(problems, props.deploymentGuardrails);
    throwProblems(this, problems);

    this.role = props.role ?? createExecutionRole(this, 'Role', { endpointName: props.endpointName });
    if (props.vpc) {
      this.securityGroups = props.securityGroups ?? [new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: `SageMaker endpoint ${this.node.path}`,
        allowAllOutbound: true,
      })];
      this._connections = new ec2.Connections({ securityGroups: this.securityGroups });
    }

    const config = new CfnEndpointConfig(this, 'Config', {
      productionVariants: Lazy.any({ produce: () => this.variantList.map(v => v._render()) }) as any,
      kmsKeyId: props.encryptionKey?.keyArn,
      dataCaptureConfig: this.renderDataCapture(props.dataCapture),
      asyncInferenceConfig: Lazy.any({ produce: () => this._renderAsyncInferenceConfig() }),
    });
    this.endpointConfigName = config.attrEndpointConfigName;

    this.resource = new CfnEndpoint(this, 'Resource', {
      endpointName: props.endpointName,
      endpointConfigName: config.attrEndpointConfigName,
      deploymentConfig: this.renderDeploymentConfig(props),
    });
    // through the Resource helpers, so a stack in another environment reads the name and ARN of a named endpoint
    this.endpointName = this.getResourceNameAttribute(this.resource.attrEndpointName);
    this.endpointArn = this.getResourceArnAttribute(this.resource.attrEndpointArn, endpointArnComponents(this.physicalName));

    this.defaultVariantName = props.variantName ?? DEFAULT_VARIANT_NAME;
    this.defaultVariant = this.addVariant(this.defaultVariantName, props);

    this.node.addValidation({ validate: () => this.validateWeights() });
  }

  /**
   * The production variants, in the order they were added.
   */
  public get variants(): EndpointVariant[] {
    return [...this.variantList];
  }

  /**
   * The names of the variants' models.
   */
  public get modelNames(): string[] {
    return this.variantList.map(v => v.model.modelName);
  }

  /**
   * The network connections of the endpoint's containers. Throws when the endpoint is not in a VPC.
   */
  public get connections(): ec2.Connections {
    if (!this._connections) {
      throw new Error(`${describeWhere(this)}: connections is not available: this endpoint is not in a VPC; set vpc to manage its network access`);
    }
    return this._connections;
  }

  /**
   * Adds a production variant: its own model, instance type, count and traffic weight (A/B testing).
   *
   * @param variantName the variant's name (letters, digits, hyphens)
   * @param props the variant
   */
  public addVariant(variantName: string, props: InstanceVariantProps): EndpointVariant {
    const problems: string[] = [];
    checkName(problems, 'variantName', variantName);
    if (this.variantList.some(v => v.variantName === variantName)) {
      problems.push(`variantName '${variantName}' is already a variant of this endpoint; variant names must be unique`);
    }
    if (this.variantList.length >= MAX_VARIANTS) {
      problems.push(`variantName '${variantName}' would be variant ${this.variantList.length + 1}; an endpoint has at most `
        + `${MAX_VARIANTS} production variants: remove a variant, or serve the model from another endpoint`);
    }
    const prefix = this.variantList.length === 0 ? '' : `${variantName}.`;
    // a catalog fact (InstanceType.localStorage); undefined (a token, an unknown family) is not judged
    const storage = props.instanceType.localStorage === true;
    if (storage && this.options.encryptionKey) {
      // CreateEndpointConfig accepts a KmsKeyId with such types but does not encrypt their local storage with it
      // (its API reference; older editions said the call fails): legal, but not what the key suggests.
      Annotations.of(this).addWarningV2('@cdk-sagemaker-containers/hosting:encryptionKeyOnLocalStorage',
        `encryptionKey does not encrypt the local NVMe instance storage of ${prefix}instanceType ${props.instanceType.name}: `
        + 'SageMaker encrypts that storage in hardware and uses the key only for what is not on it. Use an instance type '
        + 'without local storage (InstanceType.localStorage false, e.g. ml.m5, ml.c5, ml.p3, ml.inf2) if the model must sit on '
        + 'storage encrypted with your key');
    }
    if (storage && props.volumeSize) {
      problems.push(`${prefix}volumeSize cannot be used with instanceType ${props.instanceType.name}, which serves from local NVMe instance storage; remove volumeSize`);
    }
    const guardrails = this.options.deploymentGuardrails;
    const size = guardrails?.trafficRouting.size;
    const count = props.initialInstanceCount ?? 1;
    if (size?.unit === CapacityUnit.INSTANCE_COUNT && guardrails!.trafficRouting.routingType === TrafficRoutingType.CANARY
      && !Token.isUnresolved(count) && !Token.isUnresolved(size.value) && size.value > count / 2) {
      problems.push(`deploymentGuardrails canary size ${size.value} instances is more than half of ${prefix}initialInstanceCount ${count}; `
        + 'use at most half the instances, or CapacitySize.percent(...)');
    }
    // the first variant is the endpoint's own props; a later one names the call that added it
    throwProblems(this.variantList.length === 0 ? this : methodWhere(this, `addVariant ${variantName}`), problems);

    const variant = new EndpointVariant(this, variantName, {
      ...props,
      role: this.role,
      logLevel: this.options.logLevel,
      networkIsolation: this.options.networkIsolation,
      vpc: this.options.vpc,
      vpcSubnets: this.options.vpcSubnets,
      securityGroups: this.securityGroups,
      variantName,
      endpointName: this.endpointName,
      asynchronous: this._isAsynchronous(),
    });
    if (this._connections) {
      // one set of connections for the endpoint and its models: a group added later reaches every VpcConfig
      variant.model._useConnections(this._connections);
    }
    this.variantList.push(variant);
    return variant;
  }

  /**
   * Scales the default variant's instance count. Use `variant.autoScaleInstanceCount` for others.
   *
   * @param props the capacity bounds
   */
  public autoScaleInstanceCount(props: InstanceCountScalingProps): ScalableInstanceCount {
    return this.defaultVariant.autoScaleInstanceCount(props);
  }

  protected get invokeActions(): string[] {
    return ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'];
  }

  /**
   * Whether this is an asynchronous endpoint.
   *
   * @internal
   */
  protected _isAsynchronous(): boolean {
    return false;
  }

  /**
   * The async inference configuration, for `AsyncEndpoint`.
   *
   * @internal
   */
  protected _renderAsyncInferenceConfig(): CfnEndpointConfig.AsyncInferenceConfigProperty | undefined {
    return undefined;
  }

  private validateWeights(): string[] {
    const weights = this.variantList.map(v => v.initialVariantWeight);
    if (weights.every(w => !Token.isUnresolved(w) && w === 0)) {
      return [`initialVariantWeight is 0 for every variant (${this.variantList.map(v => v.variantName).join(', ')}); `
        + 'at least one variant needs a positive weight to receive traffic'];
    }
    return [];
  }

  private checkDataCapture(problems: string[], capture?: DataCaptureOptions): void {
    if (!capture) {
      return;
    }
    checkInteger(problems, 'dataCapture.samplingPercentage', capture.samplingPercentage, 0, 100);
    if (capture.captureRequest === false && capture.captureResponse === false) {
      problems.push('dataCapture captures neither requests nor responses; set captureRequest or captureResponse to true, or remove dataCapture');
    }
  }

  private renderDataCapture(capture?: DataCaptureOptions): CfnEndpointConfig.DataCaptureConfigProperty | undefined {
    if (!capture) {
      return undefined;
    }
    const destination = capture.destination.bindForWrite(this, this.role);
    // SageMaker encrypts the captured data with this key (kms:Encrypt, its API reference) as SSE-KMS uploads
    // (kms:GenerateDataKey), multipart ones also need kms:Decrypt: named actions, not grantEncrypt's wildcard set
    capture.encryptionKey?.grant(this.role, ...OUTPUT_KEY_ACTIONS);
    const modes = [
      ...(capture.captureRequest ?? true ? [{ captureMode: 'Input' }] : []),
      ...(capture.captureResponse ?? true ? [{ captureMode: 'Output' }] : []),
    ];
    const headers = capture.csvContentTypes || capture.jsonContentTypes
      ? { csvContentTypes: capture.csvContentTypes, jsonContentTypes: capture.jsonContentTypes }
      : undefined;
    return {
      enableCapture: true,
      initialSamplingPercentage: capture.samplingPercentage ?? 20,
      destinationS3Uri: destination.s3Uri,
      kmsKeyId: capture.encryptionKey?.keyArn,
      captureOptions: modes,
      captureContentTypeHeader: headers,
    };
  }

  private checkDeploymentGuardrails(problems: string[], guardrails?: DeploymentGuardrails): void {
    if (!guardrails) {
      return;
    }
    const routing = guardrails.trafficRouting;
    checkSeconds(problems, 'deploymentGuardrails waitInterval', routing.waitInterval, 0, 3600);
    checkSeconds(problems, 'deploymentGuardrails terminationWait', guardrails.terminationWait, 0, 3600);
    checkSeconds(problems, 'deploymentGuardrails maximumExecutionTimeout', guardrails.maximumExecutionTimeout, 600, 28800);
    const size = routing.size;
    if (size && !Token.isUnresolved(size.value)) {
      const what = routing.routingType === TrafficRoutingType.CANARY ? 'canary size' : 'linear step size';
      if (size.unit === CapacityUnit.CAPACITY_PERCENT) {
        const [min, max] = routing.routingType === TrafficRoutingType.CANARY ? [1, 50] : [10, 50];
        if (!Number.isInteger(size.value) || size.value < min || size.value > max) {
          problems.push(`deploymentGuardrails ${what} ${size.value}% is not allowed; use a whole percentage from ${min} to ${max}`);
        }
      } else if (!Number.isInteger(size.value) || size.value < 1) {
        problems.push(`deploymentGuardrails ${what} ${size.value} instances is not allowed; use at least 1 instance`);
      }
    }
    const alarms = guardrails.rollbackAlarms ?? [];
    if (alarms.length > 10) {
      problems.push(`deploymentGuardrails rollbackAlarms has ${alarms.length} alarms; SageMaker accepts at most 10`);
    }
  }

  private renderDeploymentConfig(props: EndpointOptions): CfnEndpoint.DeploymentConfigProperty | undefined {
    const guardrails = props.deploymentGuardrails;
    if (!guardrails) {
      return undefined;
    }
    const routing = guardrails.trafficRouting;
    const size = routing.size;
    const alarms = guardrails.rollbackAlarms ?? [];
    const stepSize = size ? { type: size.unit, value: size.value } : undefined;
    return {
      blueGreenUpdatePolicy: {
        trafficRoutingConfiguration: {
          type: routing.routingType,
          waitIntervalInSeconds: routing.waitInterval.toSeconds(),
          canarySize: routing.routingType === TrafficRoutingType.CANARY ? stepSize : undefined,
          linearStepSize: routing.routingType === TrafficRoutingType.LINEAR ? stepSize : undefined,
        },
        terminationWaitInSeconds: guardrails.terminationWait?.toSeconds(),
        maximumExecutionTimeoutInSeconds: guardrails.maximumExecutionTimeout?.toSeconds(),
      },
      autoRollbackConfiguration: alarms.length > 0
        ? { alarms: alarms.map(alarm => ({ alarmName: alarm.alarmName })) }
        : undefined,
    };
  }
}

/** Every invoke action, for imported endpoints whose kind is unknown. */
const ALL_INVOKE_ACTIONS = ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream'];

/**
 * An endpoint defined elsewhere.
 */
class ImportedEndpoint extends EndpointBase {
  public readonly endpointName: string;
  public readonly endpointArn: string;
  public readonly defaultVariantName: string;

  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param attrs the attributes of the imported endpoint
   */
  constructor(scope: Construct, id: string, attrs: EndpointAttributes) {
    super(scope, id);
    const stack = Stack.of(scope);
    if (attrs.endpointArn !== undefined) {
      this.endpointArn = attrs.endpointArn;
      this.endpointName = attrs.endpointName
        ?? stack.splitArn(attrs.endpointArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    } else if (attrs.endpointName !== undefined) {
      this.endpointName = attrs.endpointName;
      // SageMaker writes endpoint names in lower case in ARNs
      const arnName = Token.isUnresolved(attrs.endpointName) ? attrs.endpointName : attrs.endpointName.toLowerCase();
      this.endpointArn = stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: arnName });
    } else {
      throw new Error('Endpoint.fromEndpointAttributes needs endpointName or endpointArn; neither was given');
    }
    this.defaultVariantName = attrs.variantName ?? DEFAULT_VARIANT_NAME;
  }

  protected get invokeActions(): string[] {
    return ALL_INVOKE_ACTIONS;
  }
}
