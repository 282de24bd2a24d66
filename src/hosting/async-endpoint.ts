import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { Endpoint, EndpointProps } from './endpoint';
import { OUTPUT_KEY_ACTIONS } from './execution-role';
import { checkInteger, throwProblems } from './hosting-facts';
import { S3Location } from './s3-location';
import { ScalableInstanceCount } from './scalable-instance-count';
import { INVOCATION_NAMESPACE } from './variant-metrics';
import { warn } from '../private/validation';

/**
 * Which notification carries the inference response itself.
 */
export enum IncludeInferenceResponseIn {
  /** The success notification. */
  SUCCESS_NOTIFICATION_TOPIC = 'SUCCESS_NOTIFICATION_TOPIC',
  /** The error notification. */
  ERROR_NOTIFICATION_TOPIC = 'ERROR_NOTIFICATION_TOPIC',
}

/**
 * SNS notifications of an asynchronous endpoint.
 */
export interface AsyncNotifications {
  /**
   * Topic told when a request succeeds; the model's role may publish to it.
   *
   * @default - no success notification
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceNotificationConfig.html#sagemaker-Type-AsyncInferenceNotificationConfig-SuccessTopic
   */
  readonly successTopic?: sns.ITopic;

  /**
   * Topic told when a request fails; the model's role may publish to it.
   *
   * @default - no error notification
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceNotificationConfig.html#sagemaker-Type-AsyncInferenceNotificationConfig-ErrorTopic
   */
  readonly errorTopic?: sns.ITopic;

  /**
   * Notifications that carry the response payload (up to 128 KB) as well as its location.
   *
   * @default - none: notifications carry the output location only
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceNotificationConfig.html#sagemaker-Type-AsyncInferenceNotificationConfig-IncludeInferenceResponseIn
   */
  readonly includeInferenceResponseIn?: IncludeInferenceResponseIn[];
}

/**
 * Properties of an `AsyncEndpoint`.
 */
export interface AsyncEndpointProps extends EndpointProps {
  /**
   * Where responses are written; the model's role may put objects there.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceOutputConfig.html#sagemaker-Type-AsyncInferenceOutputConfig-S3OutputPath
   */
  readonly outputPath: S3Location;

  /**
   * Where failed requests' errors are written; the model's role may put objects there.
   *
   * @default - errors go to `outputPath`
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceOutputConfig.html#sagemaker-Type-AsyncInferenceOutputConfig-S3FailurePath
   */
  readonly failurePath?: S3Location;

  /**
   * Key that encrypts the outputs; the model's role may use it (`kms:Encrypt`, `kms:GenerateDataKey`, and
   * `kms:Decrypt` for multipart uploads).
   *
   * @default - the bucket's default encryption
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceOutputConfig.html#sagemaker-Type-AsyncInferenceOutputConfig-KmsKeyId
   */
  readonly outputEncryptionKey?: kms.IKey;

  /**
   * Where callers put request payloads; the model's role may read them (`s3:GetObject`, and `kms:Decrypt` on the
   * bucket's key).
   *
   * @default - no grant, and a synth warning when the library creates the role: SageMaker reads every request's
   * `InputLocation` with the model's role, so the role must already be able to read it
   */
  readonly inputLocation?: S3Location;

  /**
   * SNS notifications of results and errors.
   *
   * @default - no notifications
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceOutputConfig.html#sagemaker-Type-AsyncInferenceOutputConfig-NotificationConfig
   */
  readonly notifications?: AsyncNotifications;

  /**
   * Requests one instance works on at once (1-1000).
   *
   * @default - SageMaker picks a value for the container
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceClientConfig.html#sagemaker-Type-AsyncInferenceClientConfig-MaxConcurrentInvocationsPerInstance
   */
  readonly maxConcurrentInvocationsPerInstance?: number;

  /**
   * Fewest instances when idle; `0` scales to zero while the queue is empty. Setting this (or
   * `maxCapacity`) turns on backlog scaling: target tracking on `ApproximateBacklogSizePerInstance`
   * and a step policy on `HasBacklogWithoutCapacity` that starts the first instance from zero.
   *
   * @default - no autoscaling (unless `maxCapacity` is set; then 0)
   */
  readonly minCapacity?: number;

  /**
   * Most instances under load.
   *
   * @default - the larger of `initialInstanceCount` and `minCapacity` (at least 1)
   */
  readonly maxCapacity?: number;

  /**
   * Queued requests per instance that backlog scaling aims for.
   *
   * @default 5
   */
  readonly targetBacklogPerInstance?: number;
}

/**
 * An asynchronous SageMaker endpoint: requests are queued, answered into S3 and announced over SNS,
 * and the fleet can scale to zero while the queue is empty.
 */
export class AsyncEndpoint extends Endpoint {
  /**
   * The instance count scaling set up by `minCapacity` / `maxCapacity`.
   *
   * @default - undefined when neither is set
   */
  public readonly scalableInstanceCount?: ScalableInstanceCount;

  private asyncConfig?: CfnEndpointConfig.AsyncInferenceConfigProperty;

  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param props the properties of the AsyncEndpoint
   */
  constructor(scope: Construct, id: string, props: AsyncEndpointProps) {
    super(scope, id, props);

    const problems: string[] = [];
    if (props.outputPath === undefined) {
      problems.push('outputPath is required for an AsyncEndpoint: responses are written to S3; use S3Location.fromBucket(bucket, prefix) or S3Location.fromS3Uri(uri)');
    }
    checkInteger(problems, 'maxConcurrentInvocationsPerInstance', props.maxConcurrentInvocationsPerInstance, 1, 1000);
    if (props.targetBacklogPerInstance !== undefined && props.minCapacity === undefined && props.maxCapacity === undefined) {
      problems.push('targetBacklogPerInstance needs minCapacity or maxCapacity to turn on backlog scaling');
    }
    throwProblems(this, problems);

    const output = props.outputPath.bindForWrite(this, this.role);
    const failure = props.failurePath?.bindForWrite(this, this.role);
    if (props.inputLocation) {
      props.inputLocation.bindForRead(this, this.role);
    } else if (props.role === undefined) {
      // SageMaker reads each request's InputLocation with the model's role: without a grant every invocation fails
      warn(this, 'hosting', 'asyncInputNotGranted', 'inputLocation is not set, so the model\'s role may not read the '
        + 'request payloads that InvokeEndpointAsync points to (InputLocation) and every invocation fails; set inputLocation '
        + 'to where callers put them (S3Location.fromBucket(bucket, \'async/input\')), or grant s3:GetObject on them to endpoint.role');
    }
    // SageMaker encrypts the results with this key: named actions, not grantEncrypt's GenerateDataKey* / ReEncrypt*
    props.outputEncryptionKey?.grant(this.role, ...OUTPUT_KEY_ACTIONS);
    const notes = props.notifications;
    for (const topic of [notes?.successTopic, notes?.errorTopic]) {
      if (topic) {
        // sns:Publish on the topic, and for an encrypted topic the two key actions publishing needs
        // (topic.grantPublish would add kms:GenerateDataKey*)
        iam.Grant.addToPrincipal({ grantee: this.role, actions: ['sns:Publish'], resourceArns: [topic.topicArn] });
        topic.masterKey?.grant(this.role, 'kms:GenerateDataKey', 'kms:Decrypt');
      }
    }
    for (const where of notes?.includeInferenceResponseIn ?? []) {
      const topic = where === IncludeInferenceResponseIn.SUCCESS_NOTIFICATION_TOPIC ? notes?.successTopic : notes?.errorTopic;
      if (topic && !topic.masterKey) {
        warn(this, 'hosting', 'responseInUnencryptedTopic', `notifications.includeInferenceResponseIn ${where} sends inference `
          + `responses through the topic ${topic.node.path}, which has no masterKey: the payloads are kept unencrypted by SNS; `
          + 'create the topic with a KMS masterKey (the model\'s role is granted its use)');
      }
    }
    const notification = notes && (notes.successTopic || notes.errorTopic || notes.includeInferenceResponseIn)
      ? {
        successTopic: notes.successTopic?.topicArn,
        errorTopic: notes.errorTopic?.topicArn,
        includeInferenceResponseIn: notes.includeInferenceResponseIn,
      }
      : undefined;
    this.asyncConfig = {
      clientConfig: props.maxConcurrentInvocationsPerInstance !== undefined
        ? { maxConcurrentInvocationsPerInstance: props.maxConcurrentInvocationsPerInstance }
        : undefined,
      outputConfig: {
        s3OutputPath: output.s3Uri,
        s3FailurePath: failure?.s3Uri,
        kmsKeyId: props.outputEncryptionKey?.keyArn,
        notificationConfig: notification,
      },
    };

    if (props.minCapacity !== undefined || props.maxCapacity !== undefined) {
      const min = props.minCapacity ?? 0;
      const initial = props.initialInstanceCount ?? 1;
      const max = props.maxCapacity ?? (Token.isUnresolved(min) || Token.isUnresolved(initial) ? initial : Math.max(initial, min, 1));
      this.scalableInstanceCount = this.autoScaleInstanceCount({ minCapacity: min, maxCapacity: max });
      this.scalableInstanceCount.scaleOnBacklog('Backlog', { targetBacklogPerInstance: props.targetBacklogPerInstance });
    }
  }

  /**
   * Requests waiting in the queue (`ApproximateBacklogSize`).
   *
   * @default - average over 1 minute
   */
  public metricApproximateBacklogSize(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.endpointMetric('ApproximateBacklogSize', props);
  }

  /**
   * Requests waiting per instance (`ApproximateBacklogSizePerInstance`), what backlog scaling tracks.
   *
   * @default - average over 1 minute
   */
  public metricApproximateBacklogSizePerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.endpointMetric('ApproximateBacklogSizePerInstance', props);
  }

  /**
   * 1 while requests wait and no instance runs (`HasBacklogWithoutCapacity`).
   *
   * @default - average over 1 minute
   */
  public metricHasBacklogWithoutCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.endpointMetric('HasBacklogWithoutCapacity', props);
  }

  /**
   * Age of the oldest queued request, in seconds (`ApproximateAgeOfOldestRequest`).
   *
   * @default - maximum over 1 minute
   */
  public metricApproximateAgeOfOldestRequest(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.endpointMetric('ApproximateAgeOfOldestRequest', { statistic: 'Maximum', ...props });
  }

  protected get invokeActions(): string[] {
    return ['sagemaker:InvokeEndpointAsync'];
  }

  /** @internal */
  protected _isAsynchronous(): boolean {
    return true;
  }

  /** @internal */
  protected _renderAsyncInferenceConfig(): CfnEndpointConfig.AsyncInferenceConfigProperty | undefined {
    return this.asyncConfig;
  }

  private endpointMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: INVOCATION_NAMESPACE,
      metricName,
      statistic: 'Average',
      period: Duration.minutes(1),
      ...props,
      dimensionsMap: { EndpointName: this.endpointName, ...props?.dimensionsMap },
    });
  }
}
