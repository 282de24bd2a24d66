// Integration apps are development-only code (never packaged): their dev dependencies are fine here.
/* eslint-disable import/no-extraneous-dependencies */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Aspects, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, NagPackSuppression, NagSuppressions } from 'cdk-nag';
import { IConstruct } from 'constructs';

/**
 * IAM actions that support no resource-level permissions: a statement granting them must name `Resource: *`.
 * A `Resource::*` suppression is only accepted on a policy whose `*` statements grant nothing else
 * (test/integ/integ-apps.test.ts checks every synthesized policy against this list).
 */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS = [
  'ecr:GetAuthorizationToken',
  'cloudwatch:PutMetricData',
  'sagemaker:ListTrainingJobs',
  'logs:DescribeLogGroups',
];

/**
 * The reasons for findings that the library's constructs cause by necessity, shared by the integ apps. Each
 * names the exact finding (`appliesTo`) it covers, so a new wildcard elsewhere still fails the nag test.
 * Wildcards that could be narrowed are not here: they are reported as findings against the constructs.
 */
export class Justification {
  /**
   * `Resource: *` for actions that support no resource-level permissions: `ecr:GetAuthorizationToken` (every
   * image pull; the pull actions themselves are scoped to the image repository) and `cloudwatch:PutMetricData`
   * (training and endpoint metrics).
   */
  public static readonly ACTIONS_WITHOUT_RESOURCE_SCOPE: NagPackSuppression = {
    id: 'AwsSolutions-IAM5',
    reason: 'ecr:GetAuthorizationToken and cloudwatch:PutMetricData support no resource-level permissions, so they '
      + 'are granted on *. Checked by test/integ: the * statements grant only actions without resource-level permissions.',
    appliesTo: ['Resource::*'],
  };

  /**
   * Objects under a prefix of a bucket of the stack: a job's output prefix, its input prefixes, an async
   * endpoint's output and failure prefixes. The object names are chosen by SageMaker or by the caller at run
   * time, so the grant is the prefix.
   */
  public static readonly OBJECTS_UNDER_A_PREFIX: NagPackSuppression = {
    id: 'AwsSolutions-IAM5',
    reason: 'Objects under one named prefix of a bucket in this stack (job output or input prefix, async output or '
      + 'failure prefix); their names are chosen at run time, so the prefix is the narrowest scope.',
    appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+\\.Arn>\\/[^*]+\\/\\*$/' }],
  };

  /**
   * SageMaker's own log groups: training jobs write streams `<jobName>/algo-<n>-<time>` into
   * `/aws/sagemaker/TrainingJobs`; endpoints write into `/aws/sagemaker/Endpoints/<endpointName>`, whose name
   * CloudFormation generates (a fixed name would block zero-downtime replacement, and the role cannot refer to
   * the endpoint that depends on it).
   */
  public static readonly SAGEMAKER_LOG_GROUPS: NagPackSuppression = {
    id: 'AwsSolutions-IAM5',
    reason: 'SageMaker writes logs into its own log groups with streams named at run time (/aws/sagemaker/TrainingJobs '
      + 'streams per job; /aws/sagemaker/Endpoints/<generated endpoint name>); the grant is limited to those groups.',
    appliesTo: [
      'Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/TrainingJobs:*',
      'Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/Endpoints/*',
    ],
  };

  /**
   * The output bucket a training job creates when none is given has no server access logs: logging needs a
   * second bucket, which a user who needs it brings by passing `outputBucket`.
   */
  public static readonly DEFAULT_OUTPUT_BUCKET_ACCESS_LOGS: NagPackSuppression = {
    id: 'AwsSolutions-S1',
    reason: 'The default output bucket of a training job is private, TLS-only and encrypted; access logging needs '
      + 'another bucket, which users who need it bring by passing outputBucket.',
  };
}

/**
 * Options for an integration scenario.
 */
export interface IntegScenarioOptions {
  /**
   * A concrete region for the stack under test. Only scenarios that need one set it (Deep Learning Container
   * URIs depend on the region); the others stay environment-agnostic, so they deploy to whatever account and
   * region the CLI targets.
   *
   * @default - environment-agnostic
   */
  readonly region?: string;
}

/**
 * One integration app: an App, the stack under test, cdk-nag AwsSolutions checks on it, and the IntegTest
 * that integ-runner reads.
 */
export class IntegScenario {
  /**
   * Every scenario created in this module instance, so a test that loads an app file can inspect it.
   */
  public static readonly created: IntegScenario[] = [];

  /** The app. */
  public readonly app: App;
  /** The stack under test. */
  public readonly stack: Stack;

  constructor(private readonly name: string, options: IntegScenarioOptions = {}) {
    this.app = new App();
    this.stack = new Stack(this.app, name, {
      env: options.region ? { region: options.region } : undefined,
    });
    // Findings are annotations on the assembly (errors and warnings); test/integ lists them. reports:false keeps
    // nag's CSV files out of the snapshot directory. scripts/integ.sh sets INTEG_SKIP_NAG: integ-runner would
    // only say "Found errors" and refuse to write a snapshot, while the jest test names each finding.
    if (!process.env.INTEG_SKIP_NAG) {
      Aspects.of(this.stack).add(new AwsSolutionsChecks({ verbose: true, reports: false }));
    }
    IntegScenario.created.push(this);
  }

  /**
   * A bucket as a careful user makes one: no public access, TLS only, encrypted, access logs to a log bucket,
   * versioned. Emptied and deleted with the stack, since integ deployments are torn down after the test.
   */
  public bucket(id: string): s3.Bucket {
    return new s3.Bucket(this.stack, id, {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket(),
      serverAccessLogsPrefix: `${id}/`,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
  }

  private accessLogBucket(): s3.Bucket {
    const existing = this.stack.node.tryFindChild('AccessLogs') as s3.Bucket | undefined;
    if (existing) return existing;
    const logs = new s3.Bucket(this.stack, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    this.justify(logs, [{
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket of the other buckets; logging it into itself would loop.',
    }]);
    return logs;
  }

  /**
   * Applies the justifications every scenario shares (each limited to its exact findings) to the whole stack.
   */
  private justifyInherentWildcards(): void {
    NagSuppressions.addStackSuppressions(this.stack, [
      Justification.ACTIONS_WITHOUT_RESOURCE_SCOPE,
      Justification.OBJECTS_UNDER_A_PREFIX,
      Justification.SAGEMAKER_LOG_GROUPS,
    ]);
  }

  /**
   * Suppresses cdk-nag findings on a construct and its children, each with the reason it is acceptable.
   * Use only for findings that are necessary; a finding that points at a real weakness is fixed in the
   * construct instead.
   */
  public justify(construct: IConstruct, suppressions: NagPackSuppression[]): void {
    NagSuppressions.addResourceSuppressions(construct, suppressions, true);
  }

  /**
   * Declares the integration test and synthesizes the app.
   */
  public synth(): void {
    this.justifyInherentWildcards();
    new IntegTest(this.app, `${this.name}Test`, {
      testCases: [this.stack],
      // Asset hashes are part of the comparison: a changed rendered Dockerfile, build context or handler bundle
      // must fail the snapshot test too. The hashes are content hashes, so they are stable across machines.
      diffAssets: true,
      // Replaced by design, not by accident: a changed job is a new job with a new WaitCondition (a WaitCondition
      // cannot be updated), and Model / EndpointConfig carry no fixed names so that the endpoint updates in place.
      allowDestroy: [
        'Custom::SageMakerTrainingJob',
        'AWS::CloudFormation::WaitCondition',
        'AWS::CloudFormation::WaitConditionHandle',
        'AWS::SageMaker::Model',
        'AWS::SageMaker::EndpointConfig',
      ],
    });
    this.app.synth();
  }
}
