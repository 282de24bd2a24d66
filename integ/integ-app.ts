// Integration apps are development-only code (never packaged): their dev dependencies are fine here.
/* eslint-disable import/no-extraneous-dependencies */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagPackSuppression, NagSuppressions } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { addSecurityChecks } from './security-findings';

/**
 * IAM actions that support no resource-level permissions: a statement granting them must name `Resource: *`.
 * The `Resource::*` finding is only accepted (integ/security-findings.ts) on a policy whose `*` statements grant
 * nothing else (test/integ/integ-apps.test.ts checks every synthesized policy against this list).
 */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS = [
  'ecr:GetAuthorizationToken',
  'cloudwatch:PutMetricData',
  'sagemaker:ListTrainingJobs',
  'logs:DescribeLogGroups',
  // what SageMaker calls to place containers in a VPC (src/hosting/execution-role.ts VPC_DESCRIBE_ACTIONS)
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DescribeDhcpOptions',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
];

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
 * One integration app: an App, the stack under test, the cdk-nag AwsSolutions, NIST 800-53 R5 and HIPAA Security
 * checks on it (with the findings integ/security-findings.ts accepts), and the IntegTest that integ-runner reads.
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
      addSecurityChecks(this.stack);
    }
    IntegScenario.created.push(this);
  }

  /**
   * A bucket as a careful user makes one: no public access, TLS only, encrypted with the scenario's KMS key
   * (bucket keys on), access logs to a log bucket, versioned. Emptied and deleted with the stack, since integ deployments are torn down after the test.
   */
  public bucket(id: string): s3.Bucket {
    return new s3.Bucket(this.stack, id, {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKey(),
      bucketKeyEnabled: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket(),
      serverAccessLogsPrefix: `${id}/`,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
  }

  /** The KMS key of the scenario's buckets, one per stack. */
  private dataKey(): kms.Key {
    const existing = this.stack.node.tryFindChild('DataKey') as kms.Key | undefined;
    if (existing) return existing;
    return new kms.Key(this.stack, 'DataKey', {
      description: 'Encrypts the buckets of the integration scenario',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
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
      versioned: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    return logs;
  }

  /**
   * Suppresses cdk-nag findings on a construct and its children. Do not use it: accepted findings live in one
   * place, integ/security-findings.ts, and test/integ/scanners.test.ts fails on a suppression made here.
   *
   * @deprecated add an entry to ACCEPTED_FINDINGS in integ/security-findings.ts
   */
  public justify(construct: IConstruct, suppressions: NagPackSuppression[]): void {
    NagSuppressions.addResourceSuppressions(construct, suppressions, true);
  }

  /**
   * Declares the integration test and synthesizes the app.
   */
  public synth(): void {
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
