// Integration apps are development-only code (never packaged): their dev dependencies are fine here.
/* eslint-disable import/no-extraneous-dependencies */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

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
