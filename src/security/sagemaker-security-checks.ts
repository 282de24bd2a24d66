import { Annotations, CfnResource, IAspect, Stack, Token } from 'aws-cdk-lib';
import { CfnEndpointConfig, CfnModel } from 'aws-cdk-lib/aws-sagemaker';
import { IConstruct } from 'constructs';
import { InstanceType } from '../compute/instance-type';
import { TRAINING_JOB_RESOURCE_TYPE, TrainingJobProperty } from '../training/private/protocol';

/**
 * What `SageMakerSecurityChecks` requires of every SageMaker resource in its scope. Each is off unless set.
 */
export interface SageMakerSecurityChecksProps {
  /**
   * Every model (`EnableNetworkIsolation`) and training job (`EnableNetworkIsolation` in the request the
   * training custom resource sends) runs without network access.
   *
   * @default false
   */
  readonly requireNetworkIsolation?: boolean;

  /**
   * Every model and training job runs in a VPC (`VpcConfig`).
   *
   * @default false
   */
  readonly requireVpc?: boolean;

  /**
   * Every endpoint configuration (`KmsKeyId`) and training job (`ResourceConfig.VolumeKmsKeyId`) encrypts its
   * storage volumes with a customer managed key. Instance types with local NVMe storage are encrypted in
   * hardware and take no training volume key; such a job is not judged.
   *
   * @default false
   */
  readonly requireVolumeEncryptionKey?: boolean;

  /**
   * Every training job (`OutputDataConfig.KmsKeyId`), async endpoint (`AsyncInferenceConfig.OutputConfig.KmsKeyId`)
   * and data capture (`DataCaptureConfig.KmsKeyId`) encrypts what it writes to S3 with a customer managed key.
   *
   * @default false
   */
  readonly requireOutputEncryptionKey?: boolean;

  /**
   * Every training job of more than one instance encrypts the traffic between its instances
   * (`EnableInterContainerTrafficEncryption`).
   *
   * @default false
   */
  readonly requireInterContainerEncryption?: boolean;
}

/**
 * An Aspect that refuses, as synth errors, SageMaker resources that do not meet the requirements it is given.
 *
 * Scanners (cdk-nag, checkov) see a model's and an endpoint configuration's properties, but not what the training
 * custom resource (`Custom::SageMakerTrainingJob`) sends to `CreateTrainingJob`: network isolation, volume and output
 * keys, VPC and inter-container encryption are inside its `Request` property. This Aspect reads both, so one
 * line requires each across an app:
 *
 * `Aspects.of(app).add(new SageMakerSecurityChecks({ requireNetworkIsolation: true, requireVolumeEncryptionKey: true }))`
 *
 * Values that are tokens count as set. Each error names the resource, the setting and the prop that sets it.
 */
export class SageMakerSecurityChecks implements IAspect {
  private readonly props: SageMakerSecurityChecksProps;

  /**
   * @param props what to require
   */
  constructor(props: SageMakerSecurityChecksProps = {}) {
    this.props = props;
  }

  /**
   * Checks one construct.
   *
   * @param node the construct
   */
  public visit(node: IConstruct): void {
    if (node instanceof CfnModel) {
      this.checkModel(node);
    } else if (node instanceof CfnEndpointConfig) {
      this.checkEndpointConfig(node);
    } else if (CfnResource.isCfnResource(node) && node.cfnResourceType === TRAINING_JOB_RESOURCE_TYPE) {
      this.checkTrainingJob(node);
    }
  }

  private checkModel(model: CfnModel): void {
    const problems: string[] = [];
    if (this.props.requireNetworkIsolation && !isTrue(model.enableNetworkIsolation)) {
      problems.push('EnableNetworkIsolation is not true; set networkIsolation: true on the endpoint or model');
    }
    if (this.props.requireVpc && model.vpcConfig === undefined) {
      problems.push('VpcConfig is not set; set vpc on the endpoint or model');
    }
    report(model, 'model', problems);
  }

  private checkEndpointConfig(config: CfnEndpointConfig): void {
    const problems: string[] = [];
    if (this.props.requireVolumeEncryptionKey && config.kmsKeyId === undefined) {
      problems.push('KmsKeyId is not set, so the ML storage volumes use an AWS managed key; set encryptionKey on the endpoint');
    }
    if (this.props.requireOutputEncryptionKey) {
      const resolve = (v: unknown) => Stack.of(config).resolve(v);
      const async = resolve(config.asyncInferenceConfig);
      if (async && !async.OutputConfig?.KmsKeyId && !async.outputConfig?.kmsKeyId) {
        problems.push('AsyncInferenceConfig.OutputConfig.KmsKeyId is not set; set outputEncryptionKey on the AsyncEndpoint');
      }
      const capture = resolve(config.dataCaptureConfig);
      if (capture && !capture.KmsKeyId && !capture.kmsKeyId) {
        problems.push('DataCaptureConfig.KmsKeyId is not set; set dataCapture.encryptionKey');
      }
    }
    report(config, 'endpoint configuration', problems);
  }

  private checkTrainingJob(job: CfnResource): void {
    const request = trainingRequest(job);
    if (request === undefined) {
      return; // a request that is itself a token cannot be judged
    }
    const problems: string[] = [];
    const count = Number(request.ResourceConfig?.InstanceCount ?? 1);
    if (this.props.requireNetworkIsolation && !isTrue(request.EnableNetworkIsolation)) {
      problems.push('EnableNetworkIsolation is not true; set networkIsolation: true on the TrainingJob');
    }
    if (this.props.requireVpc && request.VpcConfig === undefined) {
      problems.push('VpcConfig is not set; set vpc on the TrainingJob');
    }
    if (this.props.requireVolumeEncryptionKey && request.ResourceConfig?.VolumeKmsKeyId === undefined
      && !hasLocalStorage(request.ResourceConfig?.InstanceType)) {
      problems.push('ResourceConfig.VolumeKmsKeyId is not set; set volumeEncryptionKey on the TrainingJob');
    }
    if (this.props.requireOutputEncryptionKey && request.OutputDataConfig?.KmsKeyId === undefined) {
      problems.push('OutputDataConfig.KmsKeyId is not set; set outputEncryptionKey on the TrainingJob');
    }
    if (this.props.requireInterContainerEncryption && (Token.isUnresolved(count) || count > 1)
      && !isTrue(request.EnableInterContainerTrafficEncryption)) {
      problems.push(`EnableInterContainerTrafficEncryption is not true for ${count} instances; set interContainerEncryption: true on the TrainingJob`);
    }
    report(job, 'training job', problems);
  }
}

/** Booleans CloudFormation may hand over as strings; a token counts as set. */
function isTrue(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return Token.isUnresolved(value) || value === 'true';
  return Token.isUnresolved(value);
}

/** Whether the catalog says the instance type's storage is local NVMe, encrypted in hardware (SageMaker refuses a volume key). */
function hasLocalStorage(instanceType: unknown): boolean {
  return typeof instanceType === 'string' && !Token.isUnresolved(instanceType) && InstanceType.of(instanceType).localStorage === true;
}

/** The `CreateTrainingJob` request a training custom resource sends, as an object (the JSON string of older templates too). */
function trainingRequest(job: CfnResource): any | undefined {
  // the properties the resource was created with (CustomResource has no typed accessor for them)
  const properties = (job as any)._cfnProperties ?? {};
  const request = properties[TrainingJobProperty.REQUEST];
  if (typeof request === 'string') {
    if (Token.isUnresolved(request)) return undefined;
    try {
      return JSON.parse(request);
    } catch {
      return undefined;
    }
  }
  return request && typeof request === 'object' ? request : undefined;
}

function report(resource: CfnResource, what: string, problems: string[]): void {
  for (const problem of problems) {
    Annotations.of(resource).addError(`SageMakerSecurityChecks: ${what} ${resource.node.path}: ${problem}`);
  }
}
