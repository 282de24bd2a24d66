import * as crypto from 'crypto';
// types only (erased at compile): the request is checked against the API's own shape
import type { CreateTrainingJobRequest as ApiRequest, TrainingInstanceType } from '@aws-sdk/client-sagemaker';
import {
  ArnFormat, CustomResource, Duration, RemovalPolicy, Size, SizeRoundingBehavior, Stack, Token,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, DependencyGroup, IDependable } from 'constructs';
import { TrainingDistribution } from './distribution';
import { TrainingJobCompletion } from './private/completion';
import { stackFunction, useHandlerLogsKey } from './private/functions';
import { RESERVED_HYPERPARAMETERS } from './private/hyperparameters';
import {
  FINAL_TRAINING_JOB_STATUSES, INPUT_STAGING_DIR, modelArtifactsKeySuffix, OWNER_TAG_KEY, TRAINING_JOB_RESOURCE_TYPE,
  TrainingJobAttribute, TrainingJobProperty,
} from './private/protocol';
import {
  InputCompression, RecordWrapper, S3DataDistribution, S3DataType, TrainingInput, TrainingInputMode,
} from './training-input';
import { TrainingJobFunction } from './training-job-function';
import { ModelData, ModelDataConfig } from '../artifacts/model-data';
import { S3Location } from '../artifacts/s3-location';
import { Workload } from '../compute/accelerator';
import { checkInstanceType } from '../compute/compatibility';
import { InstanceType } from '../compute/instance-type';
import { SageMakerImage } from '../image/sagemaker-image';
import {
  bucketOfName, grantRead, grantReadPrefix, grantReadWritePrefix, grantWritePrefix, isInvalidS3Uri, S3LocationParts,
} from '../private/s3-grants';
import {
  checkEnvironmentVariables, checkInteger, checkMember, checkString, checkTags, Problems, warn,
} from '../private/validation';

/**
 * A regular expression SageMaker applies to the job's logs to publish a metric.
 */
export interface MetricDefinition {
  /**
   * Metric name (1-255 characters).
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_MetricDefinition.html#sagemaker-Type-MetricDefinition-Name
   */
  readonly name: string;
  /**
   * Regex whose first group captures the value, for example `loss: ([0-9\\.]+)` (1-500 characters).
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_MetricDefinition.html#sagemaker-Type-MetricDefinition-Regex
   */
  readonly regex: string;
}

/**
 * Properties of a `TrainingJob`.
 */
/**
 * How SageMaker stores the model a training job uploads (`OutputDataConfig.CompressionType`).
 */
export enum OutputCompression {
  /** `/opt/ml/model` packed into `<jobName>/output/model.tar.gz`, SageMaker's default. */
  GZIP = 'GZIP',
  /**
   * The files of `/opt/ml/model` uploaded as they are under `<jobName>/output/model/`; `TrainingJob.modelData`
   * hands them over as an uncompressed prefix, which large models load without unpacking.
   */
  NONE = 'NONE',
}

export interface TrainingJobProps {
  /**
   * The container image, with a training entry point (a program or a training module). A serving entry
   * point is refused.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AlgorithmSpecification.html#sagemaker-Type-AlgorithmSpecification-TrainingImage
   */
  readonly image: SageMakerImage;

  /**
   * The instance type; must be valid for training and match the image's accelerator and architecture.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html#sagemaker-Type-ResourceConfig-InstanceType
   */
  readonly instanceType: InstanceType;

  /**
   * How many instances run the job.
   *
   * @default 1
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html#sagemaker-Type-ResourceConfig-InstanceCount
   */
  readonly instanceCount?: number;

  /**
   * How the job spreads over instances and accelerators.
   *
   * @default TrainingDistribution.none()
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-HyperParameters
   */
  readonly distribution?: TrainingDistribution;

  /**
   * Hyperparameters, passed to the program as `--key value` and `SM_HP_<KEY>`. At most 100 entries
   * (distribution entries included), keys up to 256 and values up to 2,500 characters; the `sagemaker_` keys
   * the library sets itself (program, submit directory, distribution) are refused.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-HyperParameters
   */
  readonly hyperparameters?: { [key: string]: string };

  /**
   * Input channels (at most 20, unique names).
   *
   * @default - none
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-InputDataConfig
   */
  readonly inputs?: TrainingInput[];

  /**
   * Where the job's output goes: the archive is `<location>/<jobName>/output/model.tar.gz`, and the role may
   * write `<location>/<jobName>/` only. `S3Location.fromBucket(bucket, prefix)`, or `S3Location.fromS3Uri(uri)`:
   * a concrete URI without `bucket` names its bucket (imported by name, so no key is granted), a token URI needs
   * `{ bucket }`. Local input directories are unpacked under `<location>/inputs/` of the same bucket.
   *
   * @default - `training-jobs/` of a bucket the job creates: SSE-KMS (with `outputEncryptionKey` when given, else
   * the AWS managed key) with bucket keys, versioned, SSL only, public access blocked, RETAINED on stack deletion
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html#sagemaker-Type-OutputDataConfig-S3OutputPath
   */
  readonly outputLocation?: S3Location;

  /**
   * The bucket the model archive is written to.
   *
   * @default - a bucket is created: SSE-KMS (with `outputEncryptionKey` when given, else the AWS managed key) with
   * bucket keys, versioned, SSL only, public access blocked, RETAINED on stack deletion
   * @deprecated use outputLocation (`S3Location.fromBucket(bucket, prefix)`)
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html#sagemaker-Type-OutputDataConfig-S3OutputPath
   */
  readonly outputBucket?: s3.IBucket;

  /**
   * Where the output bucket the job creates writes its S3 server access logs (a bucket encrypted with SSE-S3, as
   * S3 server access logging requires). Only without `outputLocation` (or `outputBucket`).
   *
   * @default - no server access logs
   */
  readonly outputBucketAccessLogs?: s3.IBucket;

  /**
   * Key prefix of the server access logs in `outputBucketAccessLogs`.
   *
   * @default - the log bucket's root
   */
  readonly outputBucketAccessLogsPrefix?: string;

  /**
   * Key prefix of the job's output: the archive is `s3://<bucket>/<prefix>/<jobName>/output/model.tar.gz`
   * (leading and trailing slashes are trimmed).
   *
   * @default 'training-jobs'
   * @deprecated use outputLocation (`S3Location.fromBucket(bucket, prefix)`)
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html#sagemaker-Type-OutputDataConfig-S3OutputPath
   */
  readonly outputPrefix?: string;

  /**
   * KMS key that encrypts the output in S3.
   *
   * @default - the bucket's default encryption
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html#sagemaker-Type-OutputDataConfig-KmsKeyId
   */
  readonly outputEncryptionKey?: kms.IKey;

  /**
   * How SageMaker stores the model it uploads: one `model.tar.gz`, or the files as they are under a prefix
   * (`OutputCompression.NONE`), which `modelData` then hands over as `ModelData` of an uncompressed prefix.
   *
   * @default OutputCompression.GZIP
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html#sagemaker-Type-OutputDataConfig-CompressionType
   */
  readonly outputCompression?: OutputCompression;

  /**
   * Size of the ML storage volume of each instance (whole GiB, 1 or more). On an instance type with local NVMe
   * storage (`InstanceType.localStorage`: `g5`, `p4d`, `trn1` ...) SageMaker provisions no EBS volume and the job
   * gets the whole instance storage: the size has no effect there (a warning).
   *
   * @default Size.gibibytes(30)
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html#sagemaker-Type-ResourceConfig-VolumeSizeInGB
   */
  readonly volumeSize?: Size;

  /**
   * KMS key that encrypts the ML storage volumes. Refused with instance types that have local NVMe storage
   * (`InstanceType.localStorage`: `g5`, `p4d`, `trn1`, `m5d` ...), which the instance encrypts in hardware and for
   * which SageMaker refuses a key.
   *
   * @default - AWS managed encryption
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html#sagemaker-Type-ResourceConfig-VolumeKmsKeyId
   */
  readonly volumeEncryptionKey?: kms.IKey;

  /**
   * The VPC the instances run in.
   *
   * @default - SageMaker's network, no VPC
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-VpcConfig
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of the VPC to use.
   *
   * @default - the VPC's private subnets with egress
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_VpcConfig.html#sagemaker-Type-VpcConfig-Subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the instances (only with `vpc`).
   *
   * @default - one is created, allowing the job's instances to talk to each other
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_VpcConfig.html#sagemaker-Type-VpcConfig-SecurityGroupIds
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Cut the container off from the network (no outbound calls; SageMaker still downloads data and uploads
   * the model).
   *
   * @default false
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-EnableNetworkIsolation
   */
  readonly networkIsolation?: boolean;

  /**
   * Encrypt traffic between the instances of a distributed job (slower).
   *
   * @default false - a synth warning when instanceCount is more than 1
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-EnableInterContainerTrafficEncryption
   */
  readonly interContainerEncryption?: boolean;

  /**
   * KMS key of the log groups of the stack's training handler functions (the job handler, its completion
   * signal, the input-asset copier). They are shared by every TrainingJob of the stack: give every job the same
   * key, or only the first. The key's policy is given the CloudWatch Logs statement it needs when the key is
   * defined in this app; an imported key must already allow it.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly handlerLogsEncryptionKey?: kms.IKey;

  /**
   * Run on managed spot capacity.
   *
   * @default false
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-EnableManagedSpotTraining
   */
  readonly useSpotInstances?: boolean;

  /**
   * With spot: the longest the job may take, waiting for capacity included; at least `maxRuntime`.
   *
   * @default - `maxRuntime`
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_StoppingCondition.html#sagemaker-Type-StoppingCondition-MaxWaitTimeInSeconds
   */
  readonly maxWait?: Duration;

  /**
   * Where the checkpoints in `checkpointLocalPath` are synced to, so an interrupted spot job resumes. The role is
   * granted read and write on that prefix only (`s3:GetObject`, `s3:PutObject`, `s3:DeleteObject`,
   * `s3:AbortMultipartUpload`, `s3:ListBucket` limited to the prefix, and the bucket key's `kms:GenerateDataKey` /
   * `kms:Decrypt`): `S3Location.fromBucket(bucket, prefix)`, or `S3Location.fromS3Uri(uri, { bucket })`. A concrete
   * URI without `bucket` is granted by the bucket's name (no key); a token URI without `bucket` gets no grant and a
   * warning.
   *
   * @default - no checkpoints
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CheckpointConfig.html#sagemaker-Type-CheckpointConfig-S3Uri
   */
  readonly checkpointLocation?: S3Location;

  /**
   * S3 URI (`s3://bucket/prefix`) the checkpoints in `checkpointLocalPath` are synced to, so an interrupted
   * spot job resumes. The role is granted read and write on it: through `checkpointBucket` when given,
   * otherwise from the URI itself (a token URI then gets no grant and a warning).
   *
   * @default - no checkpoints
   * @deprecated use checkpointLocation (`S3Location.fromBucket(bucket, prefix)` or `S3Location.fromS3Uri(uri, { bucket })`)
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CheckpointConfig.html#sagemaker-Type-CheckpointConfig-S3Uri
   */
  readonly checkpointS3Uri?: string;

  /**
   * The bucket `checkpointS3Uri` points into. Give it when the URI is a token (a bucket of the same app):
   * the role is then granted read and write on the checkpoint prefix (`s3:GetObject`, `s3:PutObject`,
   * `s3:DeleteObject`, `s3:AbortMultipartUpload`, `s3:ListBucket` on that prefix, and the bucket key's
   * `kms:GenerateDataKey` / `kms:Decrypt`).
   *
   * @default - the grant is derived from `checkpointS3Uri`; a token URI gets none
   * @deprecated use checkpointLocation (`S3Location.fromBucket(bucket, prefix)` or `S3Location.fromS3Uri(uri, { bucket })`)
   */
  readonly checkpointBucket?: s3.IBucket;

  /**
   * Where the program writes checkpoints inside the container.
   *
   * @default - '/opt/ml/checkpoints' (SageMaker's default) when `checkpointLocation` (or `checkpointS3Uri`) is set
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CheckpointConfig.html#sagemaker-Type-CheckpointConfig-LocalPath
   */
  readonly checkpointLocalPath?: string;

  /**
   * The longest the job may run (at most 28 days). A waiting deployment must finish within 12 hours in all.
   * The default does not depend on `waitForCompletion`, so toggling that never trains again.
   *
   * @default Duration.hours(11)
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_StoppingCondition.html#sagemaker-Type-StoppingCondition-MaxRuntimeInSeconds
   */
  readonly maxRuntime?: Duration;

  /**
   * How many times SageMaker retries the job after an internal error (1-30). `maxRuntime` (and `maxWait`) bound
   * all attempts together, not each one, so retries never make a job outlast them; a waiting deployment allows
   * each attempt 15 minutes of start-up beyond them (within its 12 hours).
   *
   * @default - no retries
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_RetryStrategy.html#sagemaker-Type-RetryStrategy-MaximumRetryAttempts
   */
  readonly retryAttempts?: number;

  /**
   * Keep the instances warm this long after the job (warm pool, at most 1 hour), for a following job of the
   * same configuration. Not with spot.
   *
   * @default - no warm pool
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html#sagemaker-Type-ResourceConfig-KeepAlivePeriodInSeconds
   */
  readonly keepAlive?: Duration;

  /**
   * Environment variables of the container, added to the image's entry-point variables (a clash with those
   * is an error). At most 100 in all; names `[a-zA-Z_][a-zA-Z0-9_]*` and values of at most 512 characters
   * (CreateTrainingJob's limits).
   *
   * @default - only the entry-point variables
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-Environment
   */
  readonly environment?: { [key: string]: string };

  /**
   * Metrics SageMaker extracts from the logs (at most 40).
   *
   * @default - none
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AlgorithmSpecification.html#sagemaker-Type-AlgorithmSpecification-MetricDefinitions
   */
  readonly metricDefinitions?: MetricDefinition[];

  /**
   * Tags of the training job. They do not define the job: changing them starts no new job (they apply to the
   * next one). At most 50; keys of 1-128 and values of at most 256 letters, spaces, digits and `_ . : / = + - @`,
   * no key starting with `aws:`.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-Tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * The execution role.
   *
   * @default - a role is created with least privilege: read on the input prefixes, write on the output
   * prefix, ECR pull of the image, CloudWatch logs and metrics, KMS use of the given keys, ENI management with a VPC
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-RoleArn
   */
  readonly role?: iam.IRole;

  /**
   * Wait for the job to finish before the deployment goes on (up to 12 hours): a failed or stopped job
   * fails the deployment with SageMaker's reason. Without waiting, the deployment starts the job and goes on.
   *
   * @default true
   */
  readonly waitForCompletion?: boolean;

  /**
   * A value hashed into the job name. The name follows from everything that defines the job, so an unchanged
   * job is never trained twice; change this to train again anyway (for example after a failed job, whose name
   * SageMaker will not reuse, or after `cdk destroy`, when the old job's artifacts are in the retained old bucket).
   *
   * @default - none
   */
  readonly retrainToken?: string;

  /**
   * The readable start of the job name (letters, digits and '-', at most 40 characters); a hash of the job's
   * definition follows it.
   *
   * @default - derived from the construct id
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-TrainingJobName
   */
  readonly trainingJobNamePrefix?: string;
}

/**
 * A SageMaker training job, run at deploy time.
 *
 * The job name is a hash of everything that defines the job, so an unchanged redeploy starts nothing and a
 * change starts exactly one new job; the old job's artifacts stay. By default the deployment waits until the
 * job finishes (up to 12 hours) without polling: the job's EventBridge state-change event signals a
 * WaitCondition. Deleting the stack stops a running job (and waits until it has stopped) and keeps its artifacts.
 *
 * The constructor reads as: validate the props, bind the image and inputs, render the CreateTrainingJob request
 * (one method per request block), name the job, grant, then wire up the resource and its completion.
 */
export class TrainingJob extends Construct implements iam.IGrantable {
  /** Log group SageMaker writes training logs to (streams `<jobName>/algo-<n>-<time>`). */
  public static readonly LOG_GROUP_NAME = '/aws/sagemaker/TrainingJobs';

  /**
   * The training job name.
   * @attribute
   */
  public readonly trainingJobName: string;

  /**
   * The training job ARN.
   * @attribute
   */
  public readonly trainingJobArn: string;

  /**
   * S3 URI of the model archive (`s3://bucket/prefix/<jobName>/output/model.tar.gz`), as SageMaker reports it
   * for the job (DescribeTrainingJob's ModelArtifacts), so it always points where the archive is.
   * @attribute
   */
  public readonly modelArtifactsS3Uri: string;

  /** The execution role. */
  public readonly role: iam.IRole;

  /** The principal to grant further access to (the execution role). */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The bucket the model archive is written to. */
  public readonly outputBucket: s3.IBucket;

  /** The CloudWatch log group of the job's logs. */
  public readonly logGroupName: string = TrainingJob.LOG_GROUP_NAME;

  /**
   * What to depend on for a finished job: the WaitCondition when the deployment waits, the started job otherwise.
   */
  public readonly completion: IDependable;

  /** The job name as known at synth (a hash of the job's definition). */
  public readonly jobNameAtSynth: string;

  private readonly props: TrainingJobProps;
  private readonly wait: boolean;
  private readonly settings: JobSettings;
  private readonly artifactsKeyAtSynth: string;
  private readonly resource: CustomResource;

  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param props the properties of the TrainingJob
   */
  constructor(scope: Construct, id: string, props: TrainingJobProps) {
    super(scope, id);
    this.props = props;
    this.wait = props.waitForCompletion ?? true;

    // ---- validate: every problem of the props at once
    const problems = new Problems();
    this.settings = this.validate(problems);
    problems.throwIfAny(this);

    // ---- role, output, image, inputs (their own checks follow the bind)
    this.role = props.role ?? new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Execution role of SageMaker training job ${this.node.path}`,
    });
    this.grantPrincipal = this.role;
    this.outputBucket = props.outputBucket ?? this.settings.output?.bucket ?? this.outputBucketOfName() ?? this.createOutputBucket();
    const image = this.bindImage(problems);
    const inputs = this.bindInputs(problems);
    problems.throwIfAny(this);

    // ---- render the request: everything that defines the job
    const request: CreateTrainingJobRequest = {
      ...this.renderAlgorithmSpecification(image),
      RoleArn: this.role.roleArn,
      ...this.renderHyperParameters(),
      ...this.renderInputDataConfig(inputs.channels),
      ...this.renderOutputDataConfig(),
      ...this.renderResourceConfig(),
      ...this.renderStoppingCondition(),
      ...this.renderVpcConfig(),
      ...this.renderSecurity(),
      ...this.renderCheckpointConfig(),
      ...this.renderRetryStrategy(),
      ...this.renderEnvironment(image),
    };
    const hash = this.hashOf(request, image);
    const jobName = `${this.settings.namePrefix}-${hash}`;
    this.jobNameAtSynth = jobName;
    this.artifactsKeyAtSynth = `${this.settings.outputKeyPrefix}${modelArtifactsKeySuffix(jobName)}`;

    // ---- grants of the job's role
    this.grantOutput(jobName);
    this.grantLogsAndMetrics();
    this.grantKeys();
    this.grantNetwork();
    this.grantCheckpoints();

    // ---- the job, and its completion
    const completion = this.wait
      ? new TrainingJobCompletion(this, 'Completion', { jobName, hash, timeoutSeconds: this.waitTimeoutSeconds() })
      : undefined;
    const provider = this.grantHandler(jobName);
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: TRAINING_JOB_RESOURCE_TYPE,
      serviceToken: provider.functionArn,
      // past the handler's own deadline and Lambda's two retries, never CloudFormation's one hour
      serviceTimeout: HANDLER_SERVICE_TIMEOUT,
      properties: {
        [TrainingJobProperty.TRAINING_JOB_NAME]: jobName,
        // structured, never a JSON string joined from tokens: a deploy-time value holding `"` or `\` cannot
        // break it; CloudFormation hands every scalar over as a string and the handler restores the API's types
        [TrainingJobProperty.REQUEST]: { ...request, ...this.renderTags() },
        ...(completion ? { [TrainingJobProperty.COMPLETION_HANDLE_URL]: completion.handleUrl } : {}),
      },
    });
    // The role (with its policy) and the data must exist before the job starts; the provider's policy
    // before it is called; the rule before the job can end.
    this.resource.node.addDependency(policiesOf(this.role), policiesOf(provider.role), ...inputs.dependencies);
    if (completion) {
      this.resource.node.addDependency(completion.rule, completion.signalFunction);
    }
    this.trainingJobName = this.resource.getAttString(TrainingJobAttribute.TRAINING_JOB_NAME);
    this.trainingJobArn = this.resource.getAttString(TrainingJobAttribute.TRAINING_JOB_ARN);
    this.modelArtifactsS3Uri = this.resource.getAttString(TrainingJobAttribute.MODEL_ARTIFACTS_S3_URI);
    this.completion = completion ? completion.waitFor(this.resource) : this.resource;
  }

  /**
   * The model archive, for an `Endpoint`. Whatever binds it waits for the job to finish (when the deployment
   * waits) and may read the archive (and decrypt it with the output key). Without waiting, a model that binds it
   * can be created before the archive exists (a warning). With `outputCompression: NONE` it is the uncompressed
   * prefix `<jobName>/output/model/` (`ModelDataSource` S3Prefix), read and listed by the binder.
   */
  public get modelData(): ModelData {
    if (!this.wait) {
      warn(this, 'training', 'modelDataWithoutWaiting',
        'modelData of a job that does not wait (waitForCompletion: false): the model that uses it is created as soon '
        + 'as the job starts, before the archive exists, and fails or serves nothing until the job completes; '
        + 'set waitForCompletion: true, or deploy the model in a later deployment');
    }
    if (this.props.outputCompression === OutputCompression.NONE) {
      // the uncompressed model lies under <jobName>/output/model/ (the job name is known at synth)
      const prefix = this.artifactsKeyAtSynth.replace(/model\.tar\.gz$/, 'model/');
      return new TrainingJobModelData(
        ModelData.fromS3PrefixUri(this.outputBucket.s3UrlForObject(prefix)),
        this.completion,
        this.outputBucket,
        prefix,
        this.props.outputEncryptionKey,
        true,
      );
    }
    return new TrainingJobModelData(
      ModelData.fromS3Uri(this.modelArtifactsS3Uri),
      this.completion,
      this.outputBucket,
      this.artifactsKeyAtSynth,
      this.props.outputEncryptionKey,
    );
  }

  /**
   * A metric SageMaker publishes for the job's first instance (namespace `/aws/sagemaker/TrainingJobs`,
   * dimension `Host`), for example `CPUUtilization`, `GPUUtilization`, or a metric definition's name.
   */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: TrainingJob.LOG_GROUP_NAME,
      metricName,
      dimensionsMap: { Host: `${this.trainingJobName}/algo-1` },
      ...props,
    });
  }

  /** GPU utilization of the job's first instance (percent, summed over its GPUs). */
  public metricGpuUtilization(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('GPUUtilization', { statistic: 'Average', ...props });
  }

  /** CPU utilization of the job's first instance (percent, summed over its vCPUs). */
  public metricCpuUtilization(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('CPUUtilization', { statistic: 'Average', ...props });
  }

  /**
   * An EventBridge rule of yours that matches this job's successful end (its `SageMaker Training Job State Change`
   * event with status `Completed`), for example to start an evaluation or notify a team; it is apart from the
   * rule with which the deployment waits for the job. Add targets with `options.target` or `rule.addTarget`.
   *
   * @param id the rule's construct id, unique within this job
   * @param options a target, description, rule name and more event pattern (merged with the job's)
   */
  public onCompletion(id: string, options: events.OnEventOptions = {}): events.Rule {
    return this.stateChangeRule(id, options, ['Completed']);
  }

  /**
   * An EventBridge rule of yours that matches every final state change of this job (`Completed`, `Failed` or
   * `Stopped`); the status is the event's `detail.TrainingJobStatus`, the reason `detail.FailureReason`.
   *
   * @param id the rule's construct id, unique within this job
   * @param options a target, description, rule name and more event pattern (merged with the job's)
   */
  public onStateChange(id: string, options: events.OnEventOptions = {}): events.Rule {
    return this.stateChangeRule(id, options, FINAL_TRAINING_JOB_STATUSES);
  }

  private stateChangeRule(id: string, options: events.OnEventOptions, statuses: string[]): events.Rule {
    const rule = new events.Rule(this, id, options);
    rule.addTarget(options.target);
    rule.addEventPattern({
      source: ['aws.sagemaker'],
      detailType: ['SageMaker Training Job State Change'],
      // the name is known at synth: a rule filtered on it is in place before the job can end
      detail: { TrainingJobName: [this.jobNameAtSynth], TrainingJobStatus: statuses },
    });
    return rule;
  }

  // ---------------------------------------------------------------- validate

  /** Checks the props that need nothing bound, and returns what the rest of the constructor uses. */
  private validate(problems: Problems): JobSettings {
    const props = this.props;
    const instanceCount = props.instanceCount ?? 1;
    const distribution = props.distribution ?? TrainingDistribution.none();
    problems.capture(() => checkInstanceType(this, {
      instanceType: props.instanceType,
      workload: Workload.TRAINING,
      imageAccelerator: props.image.accelerator,
      imageArchitecture: props.image.architecture,
      imageCudaVersion: props.image.cudaVersion,
    }));
    if (!Token.isUnresolved(instanceCount) && (!Number.isInteger(instanceCount) || instanceCount < 1)) {
      problems.add(`instanceCount ${instanceCount} is not allowed; use a whole number of 1 or more`);
    }
    problems.addAll(distribution.validate({ instanceType: props.instanceType, instanceCount }));
    if (!Token.isUnresolved(instanceCount) && instanceCount > 1 && !props.interContainerEncryption) {
      warn(this, 'training', 'interContainerTrafficUnencrypted', `instanceCount ${instanceCount} without interContainerEncryption: `
        + 'the instances exchange gradients, parameters and data unencrypted inside the job\'s network; set '
        + 'interContainerEncryption: true (slower, for data a reviewer must see encrypted in transit), or acknowledge this warning');
    }
    const volumeGiB = volumeSizeGiB(props.volumeSize, problems);
    this.validateLocalStorage(problems);
    const durations = this.validateDurations(problems);
    const checkpoint = this.validateCheckpoints(problems);
    if (props.securityGroups && !props.vpc) {
      problems.add('securityGroups are set but vpc is not; security groups apply to a job in a VPC');
    }
    const output = this.validateOutput(problems);
    if (props.outputBucketAccessLogs && (props.outputBucket || output)) {
      const which = props.outputBucket ? 'outputBucket' : 'outputLocation';
      problems.add(`outputBucketAccessLogs is set but so is ${which}, whose logging is yours to configure; remove outputBucketAccessLogs`);
    }
    if (props.outputBucketAccessLogsPrefix !== undefined && !props.outputBucketAccessLogs) {
      problems.add('outputBucketAccessLogsPrefix is set but outputBucketAccessLogs is not; set the log bucket too');
    }
    const logsKeyProblem = useHandlerLogsKey(this, props.handlerLogsEncryptionKey);
    if (logsKeyProblem) problems.add(logsKeyProblem);
    if (props.vpcSubnets && !props.vpc) {
      problems.add('vpcSubnets are set but vpc is not');
    }

    const hyperparameters = { ...props.hyperparameters ?? {} };
    for (const key of Object.keys(hyperparameters)) {
      if (RESERVED_HYPERPARAMETERS.includes(key)) {
        problems.add(`hyperparameters key '${key}' is set by this library (entry point or distribution); `
          + 'remove it and use the image entryPoint or the distribution prop instead');
      }
    }
    Object.assign(hyperparameters, distribution.bind({ instanceType: props.instanceType, instanceCount }).hyperparameters);
    checkHyperparameters(hyperparameters, problems);
    checkChannels(props.inputs ?? [], problems);
    checkMetricDefinitions(props.metricDefinitions ?? [], problems);
    checkTags(problems, 'tags', props.tags ?? {});
    const tagCount = Object.keys(props.tags ?? {}).length;
    if (tagCount === 50) {
      problems.add('tags has 50 tags; at most 49 are allowed: the construct adds its ownership tag '
        + `'${OWNER_TAG_KEY}' (SageMaker allows 50)`);
    }
    if (Object.keys(props.tags ?? {}).some((key) => !Token.isUnresolved(key) && key === OWNER_TAG_KEY)) {
      problems.add(`tags key '${OWNER_TAG_KEY}' is reserved: the construct sets it to mark the jobs it owns; use another key`);
    }
    checkMember(problems, 'outputCompression', props.outputCompression, Object.values(OutputCompression));
    checkString(problems, 'trainingJobNamePrefix', props.trainingJobNamePrefix, {
      pattern: /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,39}$/,
      allowed: "letters, digits and '-' (not first or last), at most 40 characters",
    });
    const outputPrefix = trimSlashes(output ? output.keyPrefix! : props.outputPrefix ?? 'training-jobs');
    return {
      output,
      checkpoint,
      instanceCount,
      volumeGiB,
      hyperparameters,
      ...durations,
      outputPrefix,
      outputKeyPrefix: outputPrefix ? `${outputPrefix}/` : '',
      namePrefix: props.trainingJobNamePrefix ?? namePrefix(this.node.id),
    };
  }

  /**
   * Local NVMe storage (a catalog fact; undefined for a token or an unknown family, which is not judged):
   * SageMaker mounts it instead of an EBS volume, encrypts it in hardware and refuses a VolumeKmsKeyId.
   */
  private validateLocalStorage(problems: Problems): void {
    const props = this.props;
    if (props.instanceType.localStorage !== true) return;
    if (props.volumeEncryptionKey) {
      problems.add(`volumeEncryptionKey cannot be used with instanceType ${props.instanceType.name}: its local NVMe instance storage `
        + 'is encrypted in hardware and SageMaker refuses a VolumeKmsKeyId for it; remove volumeEncryptionKey, or use an instance '
        + 'type without local storage (InstanceType.localStorage false, e.g. ml.m5, ml.c5, ml.p3)');
    }
    if (props.volumeSize) {
      warn(this, 'training', 'volumeSizeOnLocalStorage',
        `volumeSize ${props.volumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE })} GiB has no effect on instanceType `
        + `${props.instanceType.name}: SageMaker provisions no EBS volume for a type with local NVMe instance storage and gives `
        + 'the job the whole instance storage instead; remove volumeSize');
    }
  }

  private validateDurations(problems: Problems): Pick<JobSettings, 'runtimeSeconds' | 'maxWaitSeconds' | 'longestJobSeconds'> {
    const props = this.props;
    // One default whether or not the deployment waits: the job name hashes the request, so toggling
    // waitForCompletion must not change it (and train again).
    const maxRuntime = props.maxRuntime ?? DEFAULT_MAX_RUNTIME;
    const runtimeSeconds = maxRuntime.toSeconds();
    if (runtimeSeconds < 1 || runtimeSeconds > MAX_RUNTIME.toSeconds()) {
      problems.add(`maxRuntime ${maxRuntime.toHumanString()} is not allowed; use 1 second to 28 days`);
    }
    if (props.maxWait && !props.useSpotInstances) {
      problems.add('maxWait is set but useSpotInstances is not; maxWait applies to managed spot training only');
    }
    const maxWaitSeconds = props.useSpotInstances ? (props.maxWait ?? maxRuntime).toSeconds() : undefined;
    if (maxWaitSeconds !== undefined && maxWaitSeconds < runtimeSeconds) {
      problems.add(`maxWait ${props.maxWait!.toHumanString()} is less than maxRuntime ${maxRuntime.toHumanString()}; `
        + 'with spot, maxWait counts the whole job (waiting for capacity included) and must be at least maxRuntime');
    }
    const longestJobSeconds = maxWaitSeconds ?? runtimeSeconds;
    if (this.wait && longestJobSeconds > MAX_WAIT_CONDITION_SECONDS) {
      const what = maxWaitSeconds !== undefined ? `maxWait ${props.maxWait?.toHumanString() ?? maxRuntime.toHumanString()}` : `maxRuntime ${maxRuntime.toHumanString()}`;
      problems.add(`${what} lets the job run longer than a deployment can wait (12 hours); `
        + 'lower it to 12 hours or less, or set waitForCompletion: false to start the job without waiting');
    }
    if (props.retryAttempts !== undefined) {
      checkInteger(problems, 'retryAttempts', props.retryAttempts, 1, 30);
    }
    if (props.keepAlive) {
      if (props.keepAlive.toSeconds() > 3600) {
        problems.add(`keepAlive ${props.keepAlive.toHumanString()} is not allowed; warm pools keep instances at most 1 hour`);
      }
      if (props.useSpotInstances) {
        problems.add('keepAlive (warm pool) cannot be used with useSpotInstances; SageMaker has no warm pools for spot');
      }
    }
    return { runtimeSeconds, maxWaitSeconds, longestJobSeconds };
  }

  /**
   * `outputLocation` (or the deprecated `outputBucket` / `outputPrefix`): the job needs a bucket it can grant on
   * (and name as `outputBucket`) and a key prefix known at synth (its archive's key, which `modelData` grants on).
   */
  private validateOutput(problems: Problems): S3LocationParts | undefined {
    const props = this.props;
    const location = props.outputLocation;
    if (!location) return undefined;
    for (const old of ['outputBucket', 'outputPrefix'] as const) {
      if (props[old] !== undefined) {
        problems.add(`${old} is not allowed with outputLocation (${old} is deprecated); use outputLocation alone, `
          + 'for example outputLocation: S3Location.fromBucket(bucket, prefix)');
      }
    }
    const parts = location._parts();
    if (!parts) {
      problems.add('outputLocation of a kind of its own is not allowed: the job grants on a part of it; '
        + 'use S3Location.fromBucket(bucket, prefix) or S3Location.fromS3Uri(uri)');
      return undefined;
    }
    if (!parts.bucket && parts.bucketName === undefined) {
      problems.add(`outputLocation ${parts.s3Uri} is a token S3 URI without a bucket, which the job cannot grant on nor `
        + 'name as outputBucket; use S3Location.fromS3Uri(uri, { bucket }) or S3Location.fromBucket(bucket, prefix)');
      return undefined;
    }
    if (parts.keyPrefix === undefined) {
      problems.add(`outputLocation ${parts.s3Uri} has a token key prefix, which the job must know at synth (its archive's key); `
        + 'use S3Location.fromBucket(bucket, prefix)');
      return undefined;
    }
    checkBucketOf(problems, 'outputLocation', parts);
    return parts;
  }

  /**
   * `checkpointLocation` (or the deprecated `checkpointS3Uri` / `checkpointBucket`, taken as
   * `S3Location.fromS3Uri(checkpointS3Uri, { bucket: checkpointBucket })`).
   */
  private validateCheckpoints(problems: Problems): CheckpointSettings | undefined {
    const props = this.props;
    let checkpoint: CheckpointSettings | undefined;
    if (props.checkpointLocation) {
      for (const old of ['checkpointS3Uri', 'checkpointBucket'] as const) {
        if (props[old] !== undefined) {
          problems.add(`${old} is not allowed with checkpointLocation (${old} is deprecated); use checkpointLocation alone, `
            + 'for example checkpointLocation: S3Location.fromBucket(bucket, prefix)');
        }
      }
      const parts = props.checkpointLocation._parts();
      if (!parts) {
        problems.add('checkpointLocation of a kind of its own is not allowed: the job renders its URI and grants on it; '
          + 'use S3Location.fromBucket(bucket, prefix) or S3Location.fromS3Uri(uri, { bucket })');
      } else {
        checkBucketOf(problems, 'checkpointLocation', parts);
        checkpoint = { prop: 'checkpointLocation', location: props.checkpointLocation, parts };
      }
    } else if (props.checkpointS3Uri !== undefined) {
      if (isInvalidS3Uri(props.checkpointS3Uri)) {
        problems.add(`checkpointS3Uri '${props.checkpointS3Uri}' is not an S3 URI; use s3://<bucket>/<prefix>`);
      } else {
        const location = S3Location.fromS3Uri(props.checkpointS3Uri, { bucket: props.checkpointBucket });
        const parts = location._parts()!;
        checkBucketOf(problems, 'checkpointS3Uri', parts, 'checkpointBucket');
        checkpoint = { prop: 'checkpointS3Uri', location, parts };
      }
    } else if (props.checkpointBucket) {
      problems.add('checkpointBucket is set but checkpointS3Uri is not; use checkpointLocation: S3Location.fromBucket(bucket, prefix) '
        + '(or set checkpointS3Uri to a prefix of that bucket)');
    }
    const configured = props.checkpointLocation !== undefined || props.checkpointS3Uri !== undefined;
    if (props.checkpointLocalPath !== undefined && !configured) {
      problems.add('checkpointLocalPath is set but checkpointLocation is not; checkpoints are synced to checkpointLocation');
    }
    if (props.useSpotInstances && !configured) {
      warn(this, 'training', 'spotWithoutCheckpoints',
        'useSpotInstances without checkpointLocation: an interrupted job starts again from the beginning; '
        + 'set checkpointLocation: S3Location.fromBucket(bucket, prefix)');
    }
    return checkpoint;
  }

  // ---------------------------------------------------------------- bind

  /** The bucket of an `outputLocation` given as a concrete URI without a bucket, imported by name. */
  private outputBucketOfName(): s3.IBucket | undefined {
    const name = this.settings.output?.bucketName;
    return name !== undefined ? s3.Bucket.fromBucketName(this, 'OutputLocationBucket', name) : undefined;
  }

  private createOutputBucket(): s3.IBucket {
    return new s3.Bucket(this, 'OutputBucket', {
      // SSE-KMS with the user's key, else with the AWS managed key; bucket keys cut the KMS requests per object
      encryption: this.props.outputEncryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.KMS_MANAGED,
      encryptionKey: this.props.outputEncryptionKey,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: this.props.outputBucketAccessLogs,
      serverAccessLogsPrefix: this.props.outputBucketAccessLogs ? this.props.outputBucketAccessLogsPrefix : undefined,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
      versioned: true,
    });
  }

  /**
   * Binds the image (ECR pull for the role) and checks the environment it brings with the user's. A token image
   * URI that got no pull grant from its image (not an ECR repository or asset of this app) gets a warning.
   */
  private bindImage(problems: Problems): BoundImage {
    const props = this.props;
    const recorder = new GrantRecorder(this.role);
    const image = props.image.bind(this, {
      workload: Workload.TRAINING,
      grantee: recorder,
      excludePaths: (props.inputs ?? []).filter((i) => i.localDirectory !== undefined).map((i) => i.localDirectory!),
    });
    if (Token.isUnresolved(image.imageUri) && !recorder.granted('ecr:BatchGetImage')) {
      warn(this, 'training', 'imageUriTokenWithoutPull',
        'the image URI is a token and no ECR pull permission was granted for it: the job fails at start with '
        + '"cannot pull the image" unless the role may pull it; use SageMakerImage.fromEcrRepository(repository, tag) '
        + '(which grants the pull), or grant ecr:BatchGetImage, ecr:GetDownloadUrlForLayer and ecr:GetAuthorizationToken to job.role');
    }
    const environment: { [key: string]: string } = { ...image.environment };
    for (const [key, value] of Object.entries(props.environment ?? {})) {
      if (key in environment && environment[key] !== value) {
        problems.add(`environment ${key}=${value} clashes with the image's entry point (${key}=${environment[key]}); `
          + 'change the entry point on the image instead');
      }
      environment[key] = value;
    }
    checkEnvironmentVariables(problems, 'environment', environment, {
      maxKeyLength: MAX_TRAINING_ENVIRONMENT_KEY, maxValueLength: MAX_TRAINING_ENVIRONMENT_VALUE, maxEntries: 100,
    });
    return { imageUri: image.imageUri, fingerprint: image.fingerprint, environment };
  }

  /** Binds the input channels (read grants; local directories unpacked under a prefix no job can write). */
  private bindInputs(problems: Problems): BoundInputs {
    const dependencies: IDependable[] = [];
    const stagingPrefix = `${this.settings.outputKeyPrefix}${INPUT_STAGING_DIR}`;
    const channels = (this.props.inputs ?? []).map((input): Channel => {
      const config = input.bind(this, { grantee: this.role, stagingBucket: this.outputBucket, stagingPrefix });
      if (config.dependable) {
        dependencies.push(config.dependable);
      }
      const o = input.options;
      const inputMode = o.inputMode ?? TrainingInputMode.FILE;
      const where = `inputs '${input.channelName}'`;
      checkMember(problems, `${where} inputMode`, o.inputMode, Object.values(TrainingInputMode));
      checkMember(problems, `${where} distribution`, o.distribution, Object.values(S3DataDistribution));
      checkMember(problems, `${where} compression`, o.compression, Object.values(InputCompression));
      checkMember(problems, `${where} recordWrapper`, o.recordWrapper, Object.values(RecordWrapper));
      checkMember(problems, `${where} dataType`, config.dataType, Object.values(S3DataType));
      if (config.dataType === S3DataType.AUGMENTED_MANIFEST_FILE && inputMode !== TrainingInputMode.PIPE) {
        problems.add(`${where} dataType AugmentedManifestFile needs inputMode Pipe, not ${inputMode}; SageMaker reads `
          + 'augmented manifests only through a pipe');
      }
      return {
        ChannelName: input.channelName,
        DataSource: {
          S3DataSource: {
            S3DataType: config.dataType,
            S3Uri: config.s3Uri,
            S3DataDistributionType: o.distribution ?? S3DataDistribution.FULLY_REPLICATED,
          },
        },
        ContentType: o.contentType,
        CompressionType: o.compression,
        RecordWrapperType: o.recordWrapper,
        InputMode: o.inputMode,
        ShuffleConfig: o.shuffleSeed !== undefined ? { Seed: o.shuffleSeed } : undefined,
      };
    });
    return { channels, dependencies };
  }

  // ---------------------------------------------------------------- render the request

  private renderAlgorithmSpecification(image: BoundImage): Pick<CreateTrainingJobRequest, 'AlgorithmSpecification'> {
    const definitions = this.props.metricDefinitions ?? [];
    return {
      AlgorithmSpecification: {
        TrainingImage: image.imageUri,
        TrainingInputMode: TrainingInputMode.FILE,
        MetricDefinitions: definitions.length ? definitions.map((m) => ({ Name: m.name, Regex: m.regex })) : undefined,
      },
    };
  }

  private renderHyperParameters(): Pick<CreateTrainingJobRequest, 'HyperParameters'> {
    const hyperparameters = this.settings.hyperparameters;
    return { HyperParameters: Object.keys(hyperparameters).length ? hyperparameters : undefined };
  }

  private renderInputDataConfig(channels: Channel[]): Pick<CreateTrainingJobRequest, 'InputDataConfig'> {
    return { InputDataConfig: channels.length ? channels : undefined };
  }

  private renderOutputDataConfig(): Pick<CreateTrainingJobRequest, 'OutputDataConfig'> {
    return {
      OutputDataConfig: {
        S3OutputPath: this.outputBucket.s3UrlForObject(this.settings.outputPrefix),
        KmsKeyId: this.props.outputEncryptionKey?.keyArn,
        CompressionType: this.props.outputCompression,
      },
    };
  }

  private renderResourceConfig(): Pick<CreateTrainingJobRequest, 'ResourceConfig'> {
    return {
      ResourceConfig: {
        InstanceType: this.props.instanceType.toString() as TrainingInstanceType,
        InstanceCount: this.settings.instanceCount,
        VolumeSizeInGB: this.settings.volumeGiB,
        VolumeKmsKeyId: this.props.volumeEncryptionKey?.keyArn,
        KeepAlivePeriodInSeconds: this.props.keepAlive?.toSeconds(),
      },
    };
  }

  private renderStoppingCondition(): Pick<CreateTrainingJobRequest, 'StoppingCondition'> {
    return {
      StoppingCondition: {
        MaxRuntimeInSeconds: this.settings.runtimeSeconds,
        MaxWaitTimeInSeconds: this.settings.maxWaitSeconds,
      },
    };
  }

  private renderVpcConfig(): Pick<CreateTrainingJobRequest, 'VpcConfig'> {
    const vpc = this.props.vpc;
    if (!vpc) return {};
    const securityGroups = this.props.securityGroups ?? [this.createSecurityGroup(vpc)];
    const subnets = vpc.selectSubnets(this.props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    return { VpcConfig: { SecurityGroupIds: securityGroups.map((sg) => sg.securityGroupId), Subnets: subnets.subnetIds } };
  }

  private renderSecurity(): Pick<CreateTrainingJobRequest,
  'EnableNetworkIsolation' | 'EnableInterContainerTrafficEncryption' | 'EnableManagedSpotTraining'> {
    return {
      EnableNetworkIsolation: this.props.networkIsolation ?? false,
      EnableInterContainerTrafficEncryption: this.props.interContainerEncryption ?? false,
      EnableManagedSpotTraining: this.props.useSpotInstances ?? false,
    };
  }

  private renderCheckpointConfig(): Pick<CreateTrainingJobRequest, 'CheckpointConfig'> {
    const checkpoint = this.settings.checkpoint;
    return checkpoint ? { CheckpointConfig: { S3Uri: checkpoint.parts.s3Uri, LocalPath: this.props.checkpointLocalPath } } : {};
  }

  private renderRetryStrategy(): Pick<CreateTrainingJobRequest, 'RetryStrategy'> {
    const attempts = this.props.retryAttempts;
    return attempts !== undefined ? { RetryStrategy: { MaximumRetryAttempts: attempts } } : {};
  }

  private renderEnvironment(image: BoundImage): Pick<CreateTrainingJobRequest, 'Environment'> {
    return { Environment: Object.keys(image.environment).length ? image.environment : undefined };
  }

  /**
   * Tags apply to the job but do not define it: they are not hashed into the name. The ownership tag comes
   * last: it lets the handler policy of any template of this construct describe and stop the job, whatever
   * `trainingJobNamePrefix` named it.
   */
  private renderTags(): Pick<CreateTrainingJobRequest, 'Tags'> {
    const tags = Object.entries(this.props.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    return { Tags: [...tags, { Key: OWNER_TAG_KEY, Value: this.ownerTagValue() }] };
  }

  /**
   * The ownership tag's value: a digest of the stack name and this construct's path, stable across deployments
   * and independent of the name prefix (tag-safe, 32 characters).
   */
  private ownerTagValue(): string {
    const stack = Stack.of(this);
    const stackName = Token.isUnresolved(stack.stackName) ? stack.artifactId : stack.stackName;
    return crypto.createHash('sha256').update(`${stackName}\n${this.node.path}`).digest('hex').slice(0, 32);
  }

  /**
   * The hash in the job name: the request and what the image is built from, never whether the deployment
   * waits (toggling waitForCompletion must not train again), nor the tags.
   */
  private hashOf(request: CreateTrainingJobRequest, image: BoundImage): string {
    const stack = Stack.of(this);
    const entryPoint = this.props.image.entryPoint;
    return crypto.createHash('sha256')
      .update(JSON.stringify(stack.resolve({
        request,
        imageFingerprint: image.fingerprint,
        entryPoint: { kind: entryPoint?.kind, program: entryPoint?.programPath, module: entryPoint?.module },
        retrainToken: this.props.retrainToken,
        // Resolved references look alike in every stack ({"Ref": "TrainOutputBucket..."}) although they name
        // different resources: the stack and path keep two stacks' jobs apart in one account and region.
        stack: stack.stackName,
        path: this.node.path,
      })))
      .digest('hex')
      .slice(0, HASH_LENGTH);
  }

  // ---------------------------------------------------------------- grants

  /**
   * The job writes only its own folder, `<outputPrefix>/<jobName>/` (archive, checkpoints' output, profiler
   * data): never another job's archive, nor the unpacked inputs under `<outputPrefix>/inputs/`.
   */
  private grantOutput(jobName: string): void {
    grantWritePrefix(this.role, this.outputBucket, `${this.settings.outputKeyPrefix}${jobName}/`);
  }

  private grantLogsAndMetrics(): void {
    const stack = Stack.of(this);
    const group = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: TrainingJob.LOG_GROUP_NAME,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
      // the group; CloudWatch Logs also authorizes group actions on the `:*` form of its ARN
      resources: [group, `${group}:*`],
    }));
    // Streams are `<jobName>/algo-<n>-<time>`: those of this construct's job names (its prefix; the job of the
    // previous definition may still write until the cleanup stops it), as given and lower-cased.
    const prefix = this.settings.namePrefix;
    const streams = Token.isUnresolved(prefix) ? ['*'] : [...new Set([`${prefix}-*`, `${prefix.toLowerCase()}-*`])];
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: streams.map(s => `${group}:log-stream:${s}`),
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } },
    }));
  }

  private grantKeys(): void {
    // SageMaker documents kms:CreateGrant for the volume key (EBS then uses the key through that grant)
    // https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createtrainingjob-perms
    this.props.volumeEncryptionKey?.grant(this.role, 'kms:CreateGrant');
    // SageMaker encrypts the output with this key (kms:Encrypt) and uploads it as SSE-KMS (data keys)
    this.props.outputEncryptionKey?.grant(this.role, 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt');
  }

  private grantNetwork(): void {
    if (!this.props.vpc) return;
    const stack = Stack.of(this);
    const ec2Arn = (resource: string, name: string) => stack.formatArn({ service: 'ec2', resource, resourceName: name });
    const subnetIds = this.props.vpc.selectSubnets(this.props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
    // https://docs.aws.amazon.com/sagemaker/latest/dg/train-vpc.html: each action on the resources it takes
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:CreateNetworkInterface'],
      resources: [
        ec2Arn('network-interface', '*'),
        ...(Token.isUnresolved(subnetIds) ? [ec2Arn('subnet', '*')] : subnetIds.map(id => ec2Arn('subnet', id))),
        ec2Arn('security-group', '*'),
      ],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
      resources: [ec2Arn('network-interface', '*')],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
      resources: ['*'], // the describe actions support no resource-level permissions
    }));
  }

  /**
   * Read and write on the checkpoint prefix: through the location's bucket when it has one (its key too), else
   * by the bucket's name for a concrete URI (no key is known), else (a token URI) none, with a warning.
   */
  private grantCheckpoints(): void {
    const checkpoint = this.settings.checkpoint;
    if (!checkpoint) return;
    const { parts } = checkpoint;
    if (parts.bucket) {
      checkpoint.location.bindForReadWrite(this, this.role);
    } else if (parts.bucketName !== undefined) {
      grantReadWritePrefix(this.role, bucketOfName(parts.bucketName), parts.keyPrefix ?? '');
    } else if (checkpoint.prop === 'checkpointS3Uri') {
      warn(this, 'training', 'checkpointUriToken',
        'checkpointS3Uri is a token: no S3 grant was made for it; the role must already read and write that prefix. '
        + 'Give the bucket it points into as checkpointBucket, or use checkpointLocation: S3Location.fromBucket(bucket, prefix)');
    } else {
      warn(this, 'training', 'checkpointUriToken',
        'checkpointLocation is a token S3 URI without a bucket: no S3 grant was made for it; the role must already read and '
        + 'write that prefix. Use checkpointLocation: S3Location.fromBucket(bucket, prefix), or S3Location.fromS3Uri(uri, { bucket })');
    }
  }

  /**
   * The stack's handler may Describe and Stop every job this construct created: during an update's cleanup or a
   * rollback the policy in force is the other template's. Those are the jobs with its ownership tag (whatever
   * prefix named them: the prefix may have been renamed) and, for jobs created before the tag existed, those of
   * its current name prefix. It may Create (and tag) only this job, and pass
   * the role only to SageMaker. SageMaker authorizes training jobs by lower-cased ARN.
   */
  private grantHandler(jobName: string): TrainingJobFunction {
    const stack = Stack.of(this);
    const provider = providerOf(this);
    const jobArn = (name: string) => stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: name });
    const prefix = this.settings.namePrefix;
    provider.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'],
      // a token prefix cannot be lower-cased at synth: then every job of the account and region
      resources: [jobArn(Token.isUnresolved(prefix) ? '*' : `${prefix.toLowerCase()}-*`)],
    }));
    const owner = this.ownerTagValue();
    provider.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'],
      resources: [jobArn('*')],
      conditions: { StringEquals: { [`aws:ResourceTag/${OWNER_TAG_KEY}`]: owner } },
    }));
    provider.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sagemaker:CreateTrainingJob', 'sagemaker:AddTags'],
      // the exact name only; the request always carries the ownership tag (AddTags is what tags on create)
      resources: [jobArn(Token.isUnresolved(jobName) ? jobName : jobName.toLowerCase())],
    }));
    provider.addToRolePolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [this.role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }));
    for (const key of [this.props.volumeEncryptionKey, this.props.outputEncryptionKey]) {
      key?.grant(provider, 'kms:CreateGrant', 'kms:DescribeKey');
    }
    return provider;
  }

  // ---------------------------------------------------------------- completion

  /**
   * The WaitCondition's timeout, with a warning when it leaves too little margin. MaxRuntimeInSeconds (and the
   * spot MaxWaitTimeInSeconds) bound all attempts of a job with a RetryStrategy together, not each attempt, so
   * retries do not multiply the job's own limit; each retry starts again from provisioning and pulls the image
   * again, which is not certain to count against that limit: each attempt gets its own margin. The 12-hour cap
   * can only eat into the margin, because a job whose own limit is over 12 hours is refused when the deployment waits.
   */
  private waitTimeoutSeconds(): number {
    const { longestJobSeconds, maxWaitSeconds } = this.settings;
    const attempts = attemptsOf(this.props.retryAttempts);
    const timeout = Math.min(longestJobSeconds + attempts * WAIT_MARGIN_SECONDS, MAX_WAIT_CONDITION_SECONDS);
    const margin = timeout - longestJobSeconds;
    if (margin < attempts * WAIT_MARGIN_SECONDS) {
      warn(this, 'training', 'waitMarginShort',
        `the deployment waits at most 12 hours, which leaves ${Math.floor(margin / 60)} minutes beyond `
        + `${maxWaitSeconds !== undefined ? 'maxWait' : 'maxRuntime'} (${Duration.seconds(longestJobSeconds).toHumanString()}) `
        + `for provisioning, image pull and model upload of ${attempts} attempt(s) (15 minutes each); `
        + 'a job that uses all its time can outlast the wait and fail the deployment while it still runs. Lower '
        + 'maxRuntime / maxWait or retryAttempts, or set waitForCompletion: false');
    }
    return timeout;
  }

  private createSecurityGroup(vpc: ec2.IVpc): ec2.ISecurityGroup {
    const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `SageMaker training job ${this.node.path}`,
      allowAllOutbound: true,
    });
    const instanceCount = this.settings.instanceCount;
    if (Token.isUnresolved(instanceCount) || instanceCount > 1) {
      // Distributed jobs talk between their instances (NCCL, MPI, parameter servers).
      sg.connections.allowInternally(ec2.Port.allTraffic(), 'between the instances of one training job');
    }
    return sg;
  }
}

/** CreateTrainingJob's request without the name (the name is the hash of this). */
type CreateTrainingJobRequest = Omit<ApiRequest, 'TrainingJobName'>;

/** What `validate` found out, used by the render and grant methods. */
interface JobSettings {
  readonly instanceCount: number;
  readonly volumeGiB: number;
  /** The user's hyperparameters with the distribution's. */
  readonly hyperparameters: { [key: string]: string };
  readonly runtimeSeconds: number;
  readonly maxWaitSeconds?: number;
  /** maxWait with spot, else maxRuntime. */
  readonly longestJobSeconds: number;
  /** `outputLocation`, when given (with a bucket or a bucket name, and a literal key prefix). */
  readonly output?: S3LocationParts;
  /** The checkpoint location, from `checkpointLocation` or the deprecated props. */
  readonly checkpoint?: CheckpointSettings;
  /** The output prefix without leading or trailing slashes ('' for the bucket's root). */
  readonly outputPrefix: string;
  /** `<outputPrefix>/`, or '' for the bucket's root. */
  readonly outputKeyPrefix: string;
  /** The readable start of the job name. */
  readonly namePrefix: string;
}

/** Where checkpoints go, and which prop said so (for the messages). */
interface CheckpointSettings {
  readonly prop: 'checkpointLocation' | 'checkpointS3Uri';
  readonly location: S3Location;
  readonly parts: S3LocationParts;
}

interface BoundImage {
  readonly imageUri: string;
  readonly fingerprint?: string;
  /** The image's entry-point variables and the user's environment. */
  readonly environment: { [key: string]: string };
}

interface BoundInputs {
  readonly channels: Channel[];
  readonly dependencies: IDependable[];
}

/** One InputDataConfig entry, as rendered. */
type Channel = NonNullable<CreateTrainingJobRequest['InputDataConfig']>[number];

/**
 * A grantee that remembers which actions were granted through it (to tell whether an image bind granted a pull).
 */
class GrantRecorder implements iam.IGrantable {
  public readonly grantPrincipal: iam.IPrincipal;
  private readonly actions = new Set<string>();

  constructor(role: iam.IRole) {
    const actions = this.actions;
    const record = (statement: iam.PolicyStatement) => statement.actions.forEach((a) => actions.add(a));
    this.grantPrincipal = new Proxy(role, {
      get(target, property, receiver) {
        if (property === 'addToPrincipalPolicy') {
          return (statement: iam.PolicyStatement) => {
            record(statement);
            return target.addToPrincipalPolicy(statement);
          };
        }
        if (property === 'grantPrincipal') return receiver;
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** Whether an action was granted through this grantee. */
  public granted(action: string): boolean {
    return this.actions.has(action);
  }
}

/**
 * A location given both a concrete URI and a bucket must point into that bucket (`prop` names the URI, `bucketProp`
 * the bucket when it is a prop of its own).
 */
function checkBucketOf(problems: Problems, prop: string, parts: S3LocationParts, bucketProp?: string): void {
  const given = parts.bucket?.bucketName;
  if (parts.bucketName === undefined || given === undefined || Token.isUnresolved(given) || given === parts.bucketName) return;
  problems.add(bucketProp
    ? `${prop} '${parts.s3Uri}' is not in ${bucketProp} '${given}'; the URI must point into that bucket`
    : `${prop} '${parts.s3Uri}' is not in its bucket '${given}'; the URI of S3Location.fromS3Uri(uri, { bucket }) must point into that bucket`);
}

/** A job's model archive: binding it makes the binder wait for the job to finish. */
class TrainingJobModelData extends ModelData {
  constructor(
    private readonly inner: ModelData,
    private readonly completion: IDependable,
    private readonly bucket: s3.IBucket,
    private readonly artifactsKey: string,
    private readonly outputKey: kms.IKey | undefined,
    /** `artifactsKey` is the prefix of an uncompressed model rather than one archive. */
    private readonly uncompressed: boolean = false,
  ) {
    super();
  }

  public bind(scope: Construct, grantee: iam.IGrantable): ModelDataConfig {
    // The model must not be created before the archive exists.
    scope.node.addDependency(this.completion);
    // Read on this job's archive only (or its uncompressed model's prefix, listed), not on the whole output
    // bucket; the keys follow (the bucket's is not granted with the objects: it may be the output key too).
    const objects = { bucketArn: this.bucket.bucketArn };
    if (this.uncompressed) {
      grantReadPrefix(grantee, objects, this.artifactsKey);
    } else {
      grantRead(grantee, objects, this.artifactsKey);
    }
    // SageMaker encrypts the archive with the output key (OutputDataConfig.KmsKeyId), whichever key the bucket has
    const keys = new Set([this.bucket.encryptionKey, this.outputKey].filter((k): k is kms.IKey => k !== undefined));
    keys.forEach((key) => key.grant(grantee, 'kms:Decrypt'));
    return this.inner.bind(scope, grantee);
  }
}

const MAX_RUNTIME = Duration.days(28);
/** maxRuntime when none is given, waiting or not (within a WaitCondition's 12 hours, with a margin). */
const DEFAULT_MAX_RUNTIME = Duration.hours(11);
/** CreateTrainingJob's limits on the environment (botocore TrainingEnvironmentKey / TrainingEnvironmentValue). */
const MAX_TRAINING_ENVIRONMENT_KEY = 512;
const MAX_TRAINING_ENVIRONMENT_VALUE = 512;
/**
 * How long CloudFormation waits for the handler's answer: its 5-minute timeout (it answers before, with a
 * deadline guard) and Lambda's two retries of an invocation that died, instead of the default hour.
 */
const HANDLER_SERVICE_TIMEOUT = Duration.minutes(16);
/** A WaitCondition waits at most 12 hours. */
const MAX_WAIT_CONDITION_SECONDS = 43_200;
/** Time beyond the job's own limit for provisioning, image pull and upload of the model, per attempt. */
const WAIT_MARGIN_SECONDS = 900;
const HASH_LENGTH = 16;

/**
 * What a principal's grants live in: the role's default policy (the role itself is already a dependency
 * through its ARN; naming it again only draws cfn-lint W3005).
 */
function policiesOf(role: iam.IRole | undefined): IDependable {
  return role?.node.tryFindChild('DefaultPolicy') ?? role ?? new DependencyGroup();
}

/** The first attempt and the retries (a token counts none: it is not known at synth). */
function attemptsOf(retryAttempts: number | undefined): number {
  return 1 + (retryAttempts !== undefined && !Token.isUnresolved(retryAttempts) ? retryAttempts : 0);
}

function namePrefix(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase().slice(0, 40).replace(/-+$/, '');
  return cleaned || 'training';
}

function trimSlashes(prefix: string): string {
  return Token.isUnresolved(prefix) ? prefix : prefix.replace(/^\/+|\/+$/g, '');
}

function volumeSizeGiB(size: Size | undefined, problems: Problems): number {
  if (!size) {
    return 30;
  }
  const gib = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (Token.isUnresolved(gib)) {
    return gib;
  }
  if (!Number.isInteger(gib) || gib < 1 || gib > 16384) {
    problems.add(`volumeSize ${size.toMebibytes()} MiB is not allowed; use a whole number of GiB from 1 to 16384`);
    return 30;
  }
  return gib;
}

function checkHyperparameters(hyperparameters: { [key: string]: string }, problems: Problems): void {
  const entries = Object.entries(hyperparameters);
  if (entries.length > 100) {
    problems.add(`hyperparameters has ${entries.length} entries (distribution entries included); SageMaker allows at most 100`);
  }
  for (const [key, value] of entries) {
    if (key.length > 256) {
      problems.add(`hyperparameters key '${key.slice(0, 40)}...' has ${key.length} characters; at most 256 are allowed`);
    }
    if (!Token.isUnresolved(value) && value.length > 2500) {
      problems.add(`hyperparameters value of '${key}' has ${value.length} characters; at most 2500 are allowed`);
    }
  }
}

function checkChannels(inputs: TrainingInput[], problems: Problems): void {
  if (inputs.length > 20) {
    problems.add(`inputs has ${inputs.length} channels; SageMaker allows at most 20`);
  }
  const seen = new Set<string>();
  for (const input of inputs) {
    if (seen.has(input.channelName)) {
      problems.add(`inputs has channel '${input.channelName}' more than once; channel names must be unique`);
    }
    seen.add(input.channelName);
  }
}

function checkMetricDefinitions(definitions: MetricDefinition[], problems: Problems): void {
  if (definitions.length > 40) {
    problems.add(`metricDefinitions has ${definitions.length} entries; SageMaker allows at most 40`);
  }
  const seen = new Set<string>();
  for (const d of definitions) {
    if (d.name.length < 1 || d.name.length > 255) {
      problems.add(`metricDefinitions name '${d.name}' must have 1 to 255 characters`);
    }
    if (d.regex.length < 1 || d.regex.length > 500) {
      problems.add(`metricDefinitions regex of '${d.name}' must have 1 to 500 characters`);
    }
    if (seen.has(d.name)) {
      problems.add(`metricDefinitions has '${d.name}' more than once`);
    }
    seen.add(d.name);
  }
}

/** The stack's one training-job handler, created on first use. */
function providerOf(scope: Construct): TrainingJobFunction {
  return stackFunction(scope, 'SageMakerTrainingJobHandler', TrainingJobFunction, {
    description: 'Starts, adopts and stops SageMaker training jobs (cdk-sagemaker-containers)',
    timeout: Duration.minutes(5),
  });
}
