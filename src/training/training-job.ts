import * as crypto from 'crypto';
import {
  Annotations, ArnFormat, CfnWaitCondition, CfnWaitConditionHandle, CustomResource, Duration, RemovalPolicy,
  Size, SizeRoundingBehavior, Stack, Token,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, DependencyGroup, IDependable } from 'constructs';
import { TrainingDistribution } from './distribution';
import { grantReadWritePrefix, grantWritePrefix } from './s3-grants';
import { TrainingInput, TrainingInputMode } from './training-input';
import { TrainingJobFunction } from './training-job-function';
import { TrainingJobSignalFunction } from './training-job-signal-function';
import { ModelData, ModelDataConfig } from '../artifacts/model-data';
import { Workload } from '../compute/accelerator';
import { checkInstanceType } from '../compute/compatibility';
import { InstanceType } from '../compute/instance-type';
import { SageMakerImage } from '../image/sagemaker-image';
import { stackFunction } from '../private/training-functions';
import { RESERVED_HYPERPARAMETERS } from '../private/training-hyperparameters';
import {
  FINAL_TRAINING_JOB_STATUSES, modelArtifactsKeySuffix, SignalInputKey, TRAINING_JOB_RESOURCE_TYPE,
  TrainingJobAttribute, TrainingJobProperty,
} from '../private/training-protocol';
import { grantS3Prefix, isInvalidS3Uri, parseS3Uri } from '../private/training-s3';

/**
 * A regular expression SageMaker applies to the job's logs to publish a metric.
 */
export interface MetricDefinition {
  /** Metric name (1-255 characters). */
  readonly name: string;
  /** Regex whose first group captures the value, for example `loss: ([0-9\\.]+)` (1-500 characters). */
  readonly regex: string;
}

/**
 * Properties of a `TrainingJob`.
 */
export interface TrainingJobProps {
  /**
   * The container image, with a training entry point (a program or a training module). A serving entry
   * point is refused.
   */
  readonly image: SageMakerImage;

  /**
   * The instance type; must be valid for training and match the image's accelerator and architecture.
   */
  readonly instanceType: InstanceType;

  /**
   * How many instances run the job.
   *
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * How the job spreads over instances and accelerators.
   *
   * @default TrainingDistribution.none()
   */
  readonly distribution?: TrainingDistribution;

  /**
   * Hyperparameters, passed to the program as `--key value` and `SM_HP_<KEY>`. At most 100 entries
   * (distribution entries included), keys up to 256 and values up to 2,500 characters; the `sagemaker_` keys
   * the library sets itself (program, submit directory, distribution) are refused.
   *
   * @default - none
   */
  readonly hyperparameters?: { [key: string]: string };

  /**
   * Input channels (at most 20, unique names).
   *
   * @default - none
   */
  readonly inputs?: TrainingInput[];

  /**
   * The bucket the model archive is written to.
   *
   * @default - a bucket is created: encrypted, SSL only, public access blocked, RETAINED on stack deletion
   */
  readonly outputBucket?: s3.IBucket;

  /**
   * Key prefix of the job's output: the archive is `s3://<bucket>/<prefix>/<jobName>/output/model.tar.gz`.
   *
   * @default 'training-jobs'
   */
  readonly outputPrefix?: string;

  /**
   * KMS key that encrypts the output in S3.
   *
   * @default - the bucket's default encryption
   */
  readonly outputEncryptionKey?: kms.IKey;

  /**
   * Size of the ML storage volume of each instance (whole GiB, 1 or more). On an instance type with local NVMe
   * storage (`InstanceType.localStorage`: `g5`, `p4d`, `trn1` ...) SageMaker provisions no EBS volume and the job
   * gets the whole instance storage: the size has no effect there (a warning).
   *
   * @default Size.gibibytes(30)
   */
  readonly volumeSize?: Size;

  /**
   * KMS key that encrypts the ML storage volumes. Refused with instance types that have local NVMe storage
   * (`InstanceType.localStorage`: `g5`, `p4d`, `trn1`, `m5d` ...), which the instance encrypts in hardware and for
   * which SageMaker refuses a key.
   *
   * @default - AWS managed encryption
   */
  readonly volumeEncryptionKey?: kms.IKey;

  /**
   * The VPC the instances run in.
   *
   * @default - SageMaker's network, no VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of the VPC to use.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the instances (only with `vpc`).
   *
   * @default - one is created, allowing the job's instances to talk to each other
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Cut the container off from the network (no outbound calls; SageMaker still downloads data and uploads
   * the model).
   *
   * @default false
   */
  readonly networkIsolation?: boolean;

  /**
   * Encrypt traffic between the instances of a distributed job (slower).
   *
   * @default false
   */
  readonly interContainerEncryption?: boolean;

  /**
   * Run on managed spot capacity.
   *
   * @default false
   */
  readonly useSpotInstances?: boolean;

  /**
   * With spot: the longest the job may take, waiting for capacity included; at least `maxRuntime`.
   *
   * @default - `maxRuntime`
   */
  readonly maxWait?: Duration;

  /**
   * S3 URI (`s3://bucket/prefix`) the checkpoints in `checkpointLocalPath` are synced to, so an interrupted
   * spot job resumes. The role is granted read and write on it: through `checkpointBucket` when given,
   * otherwise from the URI itself (a token URI then gets no grant and a warning).
   *
   * @default - no checkpoints
   */
  readonly checkpointS3Uri?: string;

  /**
   * The bucket `checkpointS3Uri` points into. Give it when the URI is a token (a bucket of the same app):
   * the role is then granted read and write on the checkpoint prefix (`s3:GetObject`, `s3:PutObject`,
   * `s3:DeleteObject`, `s3:AbortMultipartUpload`, `s3:ListBucket` on that prefix, and the bucket key's
   * `kms:GenerateDataKey` / `kms:Decrypt`).
   *
   * @default - the grant is derived from `checkpointS3Uri`; a token URI gets none
   */
  readonly checkpointBucket?: s3.IBucket;

  /**
   * Where the program writes checkpoints inside the container.
   *
   * @default - '/opt/ml/checkpoints' (SageMaker's default) when `checkpointS3Uri` is set
   */
  readonly checkpointLocalPath?: string;

  /**
   * The longest the job may run (at most 28 days). A waiting deployment must finish within 12 hours in all.
   *
   * @default - 11 hours when the deployment waits, 1 day (SageMaker's default) when it does not
   */
  readonly maxRuntime?: Duration;

  /**
   * How many times SageMaker retries the job after an internal error (1-30). `maxRuntime` (and `maxWait`) bound
   * all attempts together, not each one, so retries never make a job outlast them; a waiting deployment allows
   * each attempt 15 minutes of start-up beyond them (within its 12 hours).
   *
   * @default - no retries
   */
  readonly retryAttempts?: number;

  /**
   * Keep the instances warm this long after the job (warm pool, at most 1 hour), for a following job of the
   * same configuration. Not with spot.
   *
   * @default - no warm pool
   */
  readonly keepAlive?: Duration;

  /**
   * Environment variables of the container, added to the image's entry-point variables (a clash with those
   * is an error).
   *
   * @default - only the entry-point variables
   */
  readonly environment?: { [key: string]: string };

  /**
   * Metrics SageMaker extracts from the logs (at most 40).
   *
   * @default - none
   */
  readonly metricDefinitions?: MetricDefinition[];

  /**
   * Tags of the training job. They do not define the job: changing them starts no new job (they apply to the
   * next one).
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };

  /**
   * The execution role.
   *
   * @default - a role is created with least privilege: read on the input prefixes, write on the output
   * prefix, ECR pull of the image, CloudWatch logs and metrics, KMS use of the given keys, ENI management with a VPC
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
   * SageMaker will not reuse).
   *
   * @default - none
   */
  readonly retrainToken?: string;

  /**
   * The readable start of the job name (letters, digits and '-', at most 40 characters); a hash of the job's
   * definition follows it.
   *
   * @default - derived from the construct id
   */
  readonly trainingJobNamePrefix?: string;
}

/**
 * A SageMaker training job, run at deploy time.
 *
 * The job name is a hash of everything that defines the job, so an unchanged redeploy starts nothing and a
 * change starts exactly one new job; the old job's artifacts stay. By default the deployment waits until the
 * job finishes (up to 12 hours) without polling: the job's EventBridge state-change event signals a
 * WaitCondition. Deleting the stack stops a running job and keeps its artifacts.
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
   * S3 URI of the model archive (`s3://bucket/prefix/<jobName>/output/model.tar.gz`).
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

  private readonly artifactsKeyAtSynth: string;

  private readonly resource: CustomResource;

  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param props the properties of the TrainingJob
   */
  constructor(scope: Construct, id: string, props: TrainingJobProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const wait = props.waitForCompletion ?? true;
    const instanceCount = props.instanceCount ?? 1;
    const distribution = props.distribution ?? TrainingDistribution.none();
    const inputs = props.inputs ?? [];
    const problems: string[] = [];

    // ---- compute
    try {
      checkInstanceType(this, {
        instanceType: props.instanceType,
        workload: Workload.TRAINING,
        imageAccelerator: props.image.accelerator,
        imageArchitecture: props.image.architecture,
      });
    } catch (error) {
      // reported with the other problems below
      problems.push((error as Error).message);
    }
    if (!Token.isUnresolved(instanceCount) && (!Number.isInteger(instanceCount) || instanceCount < 1)) {
      problems.push(`instanceCount ${instanceCount} is not allowed; use a whole number of 1 or more`);
    }
    problems.push(...distribution.validate({ instanceType: props.instanceType, instanceCount }));
    const volumeGiB = volumeSizeGiB(props.volumeSize, problems);
    // Local NVMe storage (a catalog fact; undefined for a token or an unknown family, which is not judged):
    // SageMaker mounts it instead of an EBS volume, encrypts it in hardware and refuses a VolumeKmsKeyId.
    if (props.instanceType.localStorage === true) {
      if (props.volumeEncryptionKey) {
        problems.push(`volumeEncryptionKey cannot be used with instanceType ${props.instanceType.name}: its local NVMe instance storage `
          + 'is encrypted in hardware and SageMaker refuses a VolumeKmsKeyId for it; remove volumeEncryptionKey, or use an instance '
          + 'type without local storage (InstanceType.localStorage false, e.g. ml.m5, ml.c5, ml.p3)');
      }
      if (props.volumeSize) {
        Annotations.of(this).addWarningV2('cdk-sagemaker-containers:volumeSizeOnLocalStorage',
          `volumeSize ${props.volumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE })} GiB has no effect on instanceType `
          + `${props.instanceType.name}: SageMaker provisions no EBS volume for a type with local NVMe instance storage and gives `
          + 'the job the whole instance storage instead; remove volumeSize');
      }
    }

    // ---- durations
    const maxRuntime = props.maxRuntime ?? (wait ? Duration.hours(11) : Duration.days(1));
    const runtimeSeconds = maxRuntime.toSeconds();
    if (runtimeSeconds < 1 || runtimeSeconds > MAX_RUNTIME.toSeconds()) {
      problems.push(`maxRuntime ${maxRuntime.toHumanString()} is not allowed; use 1 second to 28 days`);
    }
    if (props.maxWait && !props.useSpotInstances) {
      problems.push('maxWait is set but useSpotInstances is not; maxWait applies to managed spot training only');
    }
    const maxWaitSeconds = props.useSpotInstances ? (props.maxWait ?? maxRuntime).toSeconds() : undefined;
    if (maxWaitSeconds !== undefined && maxWaitSeconds < runtimeSeconds) {
      problems.push(`maxWait ${props.maxWait!.toHumanString()} is less than maxRuntime ${maxRuntime.toHumanString()}; `
        + 'with spot, maxWait counts the whole job (waiting for capacity included) and must be at least maxRuntime');
    }
    const longestJobSeconds = maxWaitSeconds ?? runtimeSeconds;
    if (wait && longestJobSeconds > MAX_WAIT_CONDITION_SECONDS) {
      const what = maxWaitSeconds !== undefined ? `maxWait ${props.maxWait?.toHumanString() ?? maxRuntime.toHumanString()}` : `maxRuntime ${maxRuntime.toHumanString()}`;
      problems.push(`${what} lets the job run longer than a deployment can wait (12 hours); `
        + 'lower it to 12 hours or less, or set waitForCompletion: false to start the job without waiting');
    }
    if (props.retryAttempts !== undefined && !Token.isUnresolved(props.retryAttempts)
      && (!Number.isInteger(props.retryAttempts) || props.retryAttempts < 1 || props.retryAttempts > 30)) {
      problems.push(`retryAttempts ${props.retryAttempts} is not allowed; use a whole number from 1 to 30`);
    }
    if (props.keepAlive) {
      const keep = props.keepAlive.toSeconds();
      if (keep > 3600) {
        problems.push(`keepAlive ${props.keepAlive.toHumanString()} is not allowed; warm pools keep instances at most 1 hour`);
      }
      if (props.useSpotInstances) {
        problems.push('keepAlive (warm pool) cannot be used with useSpotInstances; SageMaker has no warm pools for spot');
      }
    }
    if (props.checkpointS3Uri !== undefined && isInvalidS3Uri(props.checkpointS3Uri)) {
      problems.push(`checkpointS3Uri '${props.checkpointS3Uri}' is not an S3 URI; use s3://<bucket>/<prefix>`);
    }
    if (props.checkpointBucket && props.checkpointS3Uri === undefined) {
      problems.push('checkpointBucket is set but checkpointS3Uri is not; set checkpointS3Uri to a prefix of that bucket');
    }
    const checkpointLocation = props.checkpointS3Uri !== undefined ? parseS3Uri(props.checkpointS3Uri) : undefined;
    const checkpointBucketName = props.checkpointBucket?.bucketName;
    if (checkpointLocation && checkpointBucketName !== undefined && !Token.isUnresolved(checkpointBucketName)
      && checkpointBucketName !== checkpointLocation.bucket) {
      problems.push(`checkpointS3Uri '${props.checkpointS3Uri}' is not in checkpointBucket '${checkpointBucketName}'; `
        + 'the URI must point into that bucket');
    }
    if (props.checkpointLocalPath !== undefined && props.checkpointS3Uri === undefined) {
      problems.push('checkpointLocalPath is set but checkpointS3Uri is not; checkpoints are synced to checkpointS3Uri');
    }
    if (props.useSpotInstances && props.checkpointS3Uri === undefined) {
      Annotations.of(this).addWarningV2('cdk-sagemaker-containers:spotWithoutCheckpoints',
        'useSpotInstances without checkpointS3Uri: an interrupted job starts again from the beginning');
    }
    if (props.securityGroups && !props.vpc) {
      problems.push('securityGroups are set but vpc is not; security groups apply to a job in a VPC');
    }
    if (props.vpcSubnets && !props.vpc) {
      problems.push('vpcSubnets are set but vpc is not');
    }

    // ---- hyperparameters, environment, channels, metrics
    const hyperparameters = { ...props.hyperparameters ?? {} };
    for (const key of Object.keys(hyperparameters)) {
      if (RESERVED_HYPERPARAMETERS.includes(key)) {
        problems.push(`hyperparameters key '${key}' is set by this library (entry point or distribution); `
          + 'remove it and use the image entryPoint or the distribution prop instead');
      }
    }
    const distributionHyperparameters = distribution.bind({ instanceType: props.instanceType, instanceCount }).hyperparameters;
    Object.assign(hyperparameters, distributionHyperparameters);
    checkHyperparameters(hyperparameters, problems);
    checkChannels(inputs, problems);
    checkMetricDefinitions(props.metricDefinitions ?? [], problems);
    const prefixProblem = props.trainingJobNamePrefix !== undefined && !Token.isUnresolved(props.trainingJobNamePrefix)
      && !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,39}$/.test(props.trainingJobNamePrefix);
    if (prefixProblem) {
      problems.push(`trainingJobNamePrefix '${props.trainingJobNamePrefix}' is not allowed; use letters, digits and '-' `
        + '(not first or last), at most 40 characters');
    }
    const outputPrefix = trimSlashes(props.outputPrefix ?? 'training-jobs');

    throwProblems(this, problems);

    // ---- role and output
    this.role = props.role ?? new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Execution role of SageMaker training job ${this.node.path}`,
    });
    this.grantPrincipal = this.role;
    this.outputBucket = props.outputBucket ?? new s3.Bucket(this, 'OutputBucket', {
      encryption: props.outputEncryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: props.outputEncryptionKey,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
      versioned: true,
    });
    grantWritePrefix(this.role, this.outputBucket, outputPrefix ? `${outputPrefix}/` : '');
    this.grantLogsAndMetrics();

    // ---- image and inputs
    const image = props.image.bind(this, {
      workload: Workload.TRAINING,
      grantee: this.role,
      excludePaths: inputs.filter((i) => i.localDirectory !== undefined).map((i) => i.localDirectory!),
    });
    const environment = { ...image.environment };
    for (const [key, value] of Object.entries(props.environment ?? {})) {
      if (key in environment && environment[key] !== value) {
        problems.push(`environment ${key}=${value} clashes with the image's entry point (${key}=${environment[key]}); `
          + 'change the entry point on the image instead');
      }
      environment[key] = value;
    }
    checkEnvironment(environment, problems);
    throwProblems(this, problems);

    const stagingPrefix = `${outputPrefix ? `${outputPrefix}/` : ''}inputs/`;
    const dependencies: IDependable[] = [];
    const channels = inputs.map((input) => {
      const config = input.bind(this, { grantee: this.role, stagingBucket: this.outputBucket, stagingPrefix });
      if (config.dependable) {
        dependencies.push(config.dependable);
      }
      const o = input.options;
      return {
        ChannelName: input.channelName,
        DataSource: {
          S3DataSource: {
            S3DataType: config.dataType,
            S3Uri: config.s3Uri,
            S3DataDistributionType: o.distribution ?? 'FullyReplicated',
          },
        },
        ContentType: o.contentType,
        CompressionType: o.compression,
        RecordWrapperType: o.recordWrapper,
        InputMode: o.inputMode,
        ShuffleConfig: o.shuffleSeed !== undefined ? { Seed: o.shuffleSeed } : undefined,
      };
    });

    // ---- keys, VPC, checkpoints
    this.grantKeys(props);
    let vpcConfig: { SecurityGroupIds: string[]; Subnets: string[] } | undefined;
    if (props.vpc) {
      const securityGroups = props.securityGroups ?? [this.createSecurityGroup(props.vpc, instanceCount)];
      const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
      vpcConfig = { SecurityGroupIds: securityGroups.map((sg) => sg.securityGroupId), Subnets: subnets.subnetIds };
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface',
          'ec2:DeleteNetworkInterfacePermission', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs',
          'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
        ],
        resources: ['*'],
      }));
    }
    if (props.checkpointS3Uri !== undefined) {
      const location = parseS3Uri(props.checkpointS3Uri);
      if (props.checkpointBucket) {
        // a token URI (`s3://${bucket}/checkpoints/`) still has a literal path: the grant is limited to it
        grantReadWritePrefix(this.role, props.checkpointBucket, location?.prefix ?? checkpointPrefixOf(props.checkpointS3Uri));
      } else if (location) {
        grantS3Prefix(this.role, location, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']);
      } else {
        Annotations.of(this).addWarningV2('cdk-sagemaker-containers:checkpointUriToken',
          'checkpointS3Uri is a token: no S3 grant was made for it; the role must already read and write that prefix');
      }
    }

    // ---- the request (everything that defines the job)
    const request = {
      AlgorithmSpecification: {
        TrainingImage: image.imageUri,
        TrainingInputMode: TrainingInputMode.FILE,
        MetricDefinitions: props.metricDefinitions?.length
          ? props.metricDefinitions.map((m) => ({ Name: m.name, Regex: m.regex }))
          : undefined,
      },
      RoleArn: this.role.roleArn,
      HyperParameters: Object.keys(hyperparameters).length ? hyperparameters : undefined,
      InputDataConfig: channels.length ? channels : undefined,
      OutputDataConfig: {
        S3OutputPath: this.outputBucket.s3UrlForObject(outputPrefix),
        KmsKeyId: props.outputEncryptionKey?.keyArn,
      },
      ResourceConfig: {
        InstanceType: props.instanceType.toString(),
        InstanceCount: instanceCount,
        VolumeSizeInGB: volumeGiB,
        VolumeKmsKeyId: props.volumeEncryptionKey?.keyArn,
        KeepAlivePeriodInSeconds: props.keepAlive?.toSeconds(),
      },
      StoppingCondition: {
        MaxRuntimeInSeconds: runtimeSeconds,
        MaxWaitTimeInSeconds: maxWaitSeconds,
      },
      VpcConfig: vpcConfig,
      EnableNetworkIsolation: props.networkIsolation ?? false,
      EnableInterContainerTrafficEncryption: props.interContainerEncryption ?? false,
      EnableManagedSpotTraining: props.useSpotInstances ?? false,
      CheckpointConfig: props.checkpointS3Uri !== undefined
        ? { S3Uri: props.checkpointS3Uri, LocalPath: props.checkpointLocalPath }
        : undefined,
      RetryStrategy: props.retryAttempts !== undefined ? { MaximumRetryAttempts: props.retryAttempts } : undefined,
      Environment: Object.keys(environment).length ? environment : undefined,
    };
    const tags = Object.entries(props.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    const hash = crypto.createHash('sha256')
      .update(JSON.stringify(stack.resolve({
        request,
        imageFingerprint: image.fingerprint,
        entryPoint: { kind: props.image.entryPoint?.kind, program: props.image.entryPoint?.programPath, module: props.image.entryPoint?.module },
        retrainToken: props.retrainToken,
        // Resolved references look alike in every stack ({"Ref": "TrainOutputBucket..."}) although they name
        // different resources: the stack and path keep two stacks' jobs apart in one account and region.
        stack: stack.stackName,
        path: this.node.path,
      })))
      .digest('hex')
      .slice(0, HASH_LENGTH);
    const jobName = `${props.trainingJobNamePrefix ?? namePrefix(id)}-${hash}`;
    this.jobNameAtSynth = jobName;
    this.artifactsKeyAtSynth = `${outputPrefix ? `${outputPrefix}/` : ''}${modelArtifactsKeySuffix(jobName)}`;

    // ---- completion: EventBridge state change -> signal function -> WaitCondition (no polling)
    let handle: CfnWaitConditionHandle | undefined;
    let rule: events.Rule | undefined;
    let signalFunction: TrainingJobSignalFunction | undefined;
    if (wait) {
      handle = new CfnWaitConditionHandle(this, `CompletionHandle${hash}`);
      signalFunction = signalFunctionOf(this);
      rule = new events.Rule(this, 'CompletionRule', {
        description: `Signals the WaitCondition of SageMaker training job ${jobName} when it ends`,
        eventPattern: {
          source: ['aws.sagemaker'],
          detailType: ['SageMaker Training Job State Change'],
          detail: {
            TrainingJobName: [jobName],
            TrainingJobStatus: FINAL_TRAINING_JOB_STATUSES,
          },
        },
        targets: [new targets.LambdaFunction(signalFunction, {
          event: events.RuleTargetInput.fromObject({
            [SignalInputKey.HANDLE_URL]: handle.ref,
            [SignalInputKey.DETAIL]: events.EventField.fromPath('$.detail'),
          }),
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        })],
      });
    }

    // ---- the job
    const provider = providerOf(this);
    provider.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'],
      resources: [stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: jobName })],
    }));
    this.role.grantPassRole(provider.grantPrincipal);
    for (const key of [props.volumeEncryptionKey, props.outputEncryptionKey]) {
      key?.grant(provider, 'kms:CreateGrant', 'kms:DescribeKey');
    }
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: TRAINING_JOB_RESOURCE_TYPE,
      serviceToken: provider.functionArn,
      properties: {
        [TrainingJobProperty.TRAINING_JOB_NAME]: jobName,
        [TrainingJobProperty.REQUEST]: stack.toJsonString({ ...request, Tags: tags.length ? tags : undefined }),
        ...(handle ? { [TrainingJobProperty.COMPLETION_HANDLE_URL]: handle.ref } : {}),
      },
    });
    // The role (with its policy) and the data must exist before the job starts; the provider's policy
    // before it is called; the rule before the job can end.
    this.resource.node.addDependency(policiesOf(this.role), policiesOf(provider.role), ...dependencies);
    if (rule && signalFunction) {
      this.resource.node.addDependency(rule, signalFunction);
    }
    this.trainingJobName = this.resource.getAttString(TrainingJobAttribute.TRAINING_JOB_NAME);
    this.trainingJobArn = this.resource.getAttString(TrainingJobAttribute.TRAINING_JOB_ARN);
    this.modelArtifactsS3Uri = this.resource.getAttString(TrainingJobAttribute.MODEL_ARTIFACTS_S3_URI);

    if (handle) {
      const timeout = waitTimeoutSeconds(longestJobSeconds, props.retryAttempts);
      const margin = timeout - longestJobSeconds;
      if (margin < attemptsOf(props.retryAttempts) * WAIT_MARGIN_SECONDS) {
        Annotations.of(this).addWarningV2('cdk-sagemaker-containers:waitMarginShort',
          `the deployment waits at most 12 hours, which leaves ${Math.floor(margin / 60)} minutes beyond `
          + `${maxWaitSeconds !== undefined ? 'maxWait' : 'maxRuntime'} (${Duration.seconds(longestJobSeconds).toHumanString()}) `
          + `for provisioning, image pull and model upload of ${attemptsOf(props.retryAttempts)} attempt(s) (15 minutes each); `
          + 'a job that uses all its time can outlast the wait and fail the deployment while it still runs. Lower '
          + 'maxRuntime / maxWait or retryAttempts, or set waitForCompletion: false');
      }
      const condition = new CfnWaitCondition(this, `Completion${hash}`, {
        handle: handle.ref,
        count: 1,
        timeout: String(timeout),
      });
      condition.node.addDependency(this.resource);
      this.completion = condition;
    } else {
      this.completion = this.resource;
    }
  }

  /**
   * The model archive, for an `Endpoint`. Whatever binds it waits for the job to finish (when the deployment
   * waits) and may read the archive.
   */
  public get modelData(): ModelData {
    return new TrainingJobModelData(
      ModelData.fromS3Uri(this.modelArtifactsS3Uri),
      this.completion,
      this.outputBucket,
      this.artifactsKeyAtSynth,
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

  private grantLogsAndMetrics(): void {
    const stack = Stack.of(this);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: `${TrainingJob.LOG_GROUP_NAME}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } },
    }));
  }

  private grantKeys(props: TrainingJobProps): void {
    // the actions EBS volume encryption uses, named one by one (no GenerateDataKey* / ReEncrypt* wildcards)
    props.volumeEncryptionKey?.grant(this.role, 'kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt',
      'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo');
    // SageMaker encrypts the output with this key (kms:Encrypt) and uploads it as SSE-KMS (data keys)
    props.outputEncryptionKey?.grant(this.role, 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt');
  }

  private createSecurityGroup(vpc: ec2.IVpc, instanceCount: number): ec2.ISecurityGroup {
    const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `SageMaker training job ${this.node.path}`,
      allowAllOutbound: true,
    });
    if (Token.isUnresolved(instanceCount) || instanceCount > 1) {
      // Distributed jobs talk between their instances (NCCL, MPI, parameter servers).
      sg.connections.allowInternally(ec2.Port.allTraffic(), 'between the instances of one training job');
    }
    return sg;
  }
}

/**
 * The literal key prefix of an S3 URI whose bucket is a token (`s3://${Token}/checkpoints/` gives
 * `checkpoints/`); the empty string (the whole bucket) when the path is not literal.
 */
function checkpointPrefixOf(uri: string): string {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  return match && Token.isUnresolved(match[1]) && !Token.isUnresolved(match[2]) ? match[2] : '';
}

/** A job's model archive: binding it makes the binder wait for the job to finish. */
class TrainingJobModelData extends ModelData {
  constructor(
    private readonly inner: ModelData,
    private readonly completion: IDependable,
    private readonly bucket: s3.IBucket,
    private readonly artifactsKey: string,
  ) {
    super();
  }

  public bind(scope: Construct, grantee: iam.IGrantable): ModelDataConfig {
    // The model must not be created before the archive exists.
    scope.node.addDependency(this.completion);
    // Read on this job's archive only, not on the whole output bucket.
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [this.bucket.arnForObjects(this.artifactsKey)] });
    this.bucket.encryptionKey?.grant(grantee, 'kms:Decrypt');
    return this.inner.bind(scope, grantee);
  }
}

const MAX_RUNTIME = Duration.days(28);
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

function throwProblems(scope: Construct, problems: string[]): void {
  if (problems.length === 1) {
    throw new Error(`TrainingJob ${scope.node.path}: ${problems[0]}`);
  }
  if (problems.length > 1) {
    throw new Error(`TrainingJob ${scope.node.path} has ${problems.length} problems:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * The WaitCondition's timeout. MaxRuntimeInSeconds (and the spot MaxWaitTimeInSeconds) bound all attempts of a
 * job with a RetryStrategy together, not each attempt (CreateTrainingJob's StoppingCondition), so retries do not
 * multiply the job's own limit. Each retry starts again from provisioning (SecondaryStatus Starting) and pulls
 * the image again, which is not certain to count against that limit: each attempt gets its own margin. A
 * WaitCondition waits at most 12 hours; the cap can only eat into the margin, because a job whose own limit is
 * over 12 hours is refused when the deployment waits.
 */
function waitTimeoutSeconds(longestJobSeconds: number, retryAttempts: number | undefined): number {
  return Math.min(longestJobSeconds + attemptsOf(retryAttempts) * WAIT_MARGIN_SECONDS, MAX_WAIT_CONDITION_SECONDS);
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

function volumeSizeGiB(size: Size | undefined, problems: string[]): number {
  if (!size) {
    return 30;
  }
  const gib = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (Token.isUnresolved(gib)) {
    return gib;
  }
  if (!Number.isInteger(gib) || gib < 1 || gib > 16384) {
    problems.push(`volumeSize ${size.toMebibytes()} MiB is not allowed; use a whole number of GiB from 1 to 16384`);
    return 30;
  }
  return gib;
}

function checkHyperparameters(hyperparameters: { [key: string]: string }, problems: string[]): void {
  const entries = Object.entries(hyperparameters);
  if (entries.length > 100) {
    problems.push(`hyperparameters has ${entries.length} entries (distribution entries included); SageMaker allows at most 100`);
  }
  for (const [key, value] of entries) {
    if (key.length > 256) {
      problems.push(`hyperparameters key '${key.slice(0, 40)}...' has ${key.length} characters; at most 256 are allowed`);
    }
    if (!Token.isUnresolved(value) && value.length > 2500) {
      problems.push(`hyperparameters value of '${key}' has ${value.length} characters; at most 2500 are allowed`);
    }
  }
}

function checkEnvironment(environment: { [key: string]: string }, problems: string[]): void {
  const entries = Object.entries(environment);
  if (entries.length > 100) {
    problems.push(`environment has ${entries.length} variables (entry-point variables included); SageMaker allows at most 100`);
  }
  for (const [key, value] of entries) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]{0,511}$/.test(key)) {
      problems.push(`environment name '${key}' is not allowed; use letters, digits and '_' (not first a digit), at most 512 characters`);
    }
    if (!Token.isUnresolved(value) && value.length > 512) {
      problems.push(`environment value of '${key}' has ${value.length} characters; at most 512 are allowed`);
    }
  }
}

function checkChannels(inputs: TrainingInput[], problems: string[]): void {
  if (inputs.length > 20) {
    problems.push(`inputs has ${inputs.length} channels; SageMaker allows at most 20`);
  }
  const seen = new Set<string>();
  for (const input of inputs) {
    if (seen.has(input.channelName)) {
      problems.push(`inputs has channel '${input.channelName}' more than once; channel names must be unique`);
    }
    seen.add(input.channelName);
  }
}

function checkMetricDefinitions(definitions: MetricDefinition[], problems: string[]): void {
  if (definitions.length > 40) {
    problems.push(`metricDefinitions has ${definitions.length} entries; SageMaker allows at most 40`);
  }
  const seen = new Set<string>();
  for (const d of definitions) {
    if (d.name.length < 1 || d.name.length > 255) {
      problems.push(`metricDefinitions name '${d.name}' must have 1 to 255 characters`);
    }
    if (d.regex.length < 1 || d.regex.length > 500) {
      problems.push(`metricDefinitions regex of '${d.name}' must have 1 to 500 characters`);
    }
    if (seen.has(d.name)) {
      problems.push(`metricDefinitions has '${d.name}' more than once`);
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

/** The stack's one completion-signal function, created on first use. */
function signalFunctionOf(scope: Construct): TrainingJobSignalFunction {
  return stackFunction(scope, 'SageMakerTrainingJobSignal', TrainingJobSignalFunction, {
    description: 'Signals the WaitCondition of a SageMaker training job when it ends (cdk-sagemaker-containers)',
    timeout: Duration.seconds(30),
  });
}
