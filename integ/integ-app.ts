// Integration apps are development-only code (never packaged): their dev dependencies are fine here.
/* eslint-disable import/no-extraneous-dependencies */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Aspects, Stack } from 'aws-cdk-lib';
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
 * The reasons for findings that the library's constructs cause by necessity, shared by the integ apps.
 */
export class Justification {
  /**
   * `ecr:GetAuthorizationToken` (needed for every image pull) cannot be scoped to a resource; the pull itself
   * (`ecr:BatchGetImage` ...) is scoped to the image's repository in another statement.
   */
  public static readonly ECR_AUTHORIZATION_TOKEN: NagPackSuppression = {
    id: 'AwsSolutions-IAM5',
    reason: 'ecr:GetAuthorizationToken supports no resource-level permissions, so it is granted on *; the image pull '
      + 'actions themselves are scoped to the image repository. Checked by test/integ: the * statements of this '
      + 'policy grant only actions without resource-level permissions.',
    appliesTo: ['Resource::*'],
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
    // Findings are annotations on the assembly (errors and warnings). reports:false keeps nag's CSV files
    // out of the committed snapshot directory.
    Aspects.of(this.stack).add(new AwsSolutionsChecks({ verbose: true, reports: false }));
    IntegScenario.created.push(this);
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
    new IntegTest(this.app, `${this.name}Test`, {
      testCases: [this.stack],
      // Asset hashes are part of the comparison: a changed rendered Dockerfile, build context or handler bundle
      // must fail the snapshot test too. The hashes are content hashes, so they are stable across machines.
      diffAssets: true,
    });
    this.app.synth();
  }
}
