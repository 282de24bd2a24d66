import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The unit of a traffic-shifting step.
 */
export enum CapacityUnit {
  /** A number of instances of the new fleet. */
  INSTANCE_COUNT = 'INSTANCE_COUNT',
  /** A percentage of the new fleet's capacity. */
  CAPACITY_PERCENT = 'CAPACITY_PERCENT',
}

/**
 * How much of the new fleet a traffic-shifting step turns on.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CapacitySize.html
 */
export class CapacitySize {
  /**
   * A percentage of the new fleet's capacity.
   *
   * @param percent 1-100 (canary: at most 50; linear: 10-50)
   */
  public static percent(percent: number): CapacitySize {
    return new CapacitySize(CapacityUnit.CAPACITY_PERCENT, percent);
  }

  /**
   * A number of instances of the new fleet.
   *
   * @param count at least 1 (canary: at most half the variant's instances)
   */
  public static instances(count: number): CapacitySize {
    return new CapacitySize(CapacityUnit.INSTANCE_COUNT, count);
  }

  private constructor(
    /** The unit. */
    public readonly unit: CapacityUnit,
    /** The amount, in `unit`. */
    public readonly value: number) {
  }
}

/**
 * The kind of traffic shifting of a blue/green deployment.
 */
export enum TrafficRoutingType {
  /** All traffic moves to the new fleet in one step. */
  ALL_AT_ONCE = 'ALL_AT_ONCE',
  /** A canary share first, the rest after the wait interval. */
  CANARY = 'CANARY',
  /** Equal steps, one per wait interval. */
  LINEAR = 'LINEAR',
}

/**
 * Options of an all-at-once traffic shift.
 */
export interface AllAtOnceOptions {
  /**
   * How long to bake the new fleet (watching the rollback alarms) before the old one goes.
   *
   * @default Duration.minutes(5)
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html#sagemaker-Type-TrafficRoutingConfig-WaitIntervalInSeconds
   */
  readonly waitInterval?: Duration;
}

/**
 * Options of a canary traffic shift.
 */
export interface CanaryOptions {
  /**
   * The share of the new fleet that gets traffic first.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html#sagemaker-Type-TrafficRoutingConfig-CanarySize
   */
  readonly size: CapacitySize;

  /**
   * How long the canary bakes before all traffic shifts.
   *
   * @default Duration.minutes(5)
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html#sagemaker-Type-TrafficRoutingConfig-WaitIntervalInSeconds
   */
  readonly waitInterval?: Duration;
}

/**
 * Options of a linear traffic shift.
 */
export interface LinearOptions {
  /**
   * The share of the new fleet each step turns on.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html#sagemaker-Type-TrafficRoutingConfig-LinearStepSize
   */
  readonly stepSize: CapacitySize;

  /**
   * How long each step bakes.
   *
   * @default Duration.minutes(5)
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html#sagemaker-Type-TrafficRoutingConfig-WaitIntervalInSeconds
   */
  readonly waitInterval?: Duration;
}

/**
 * How traffic moves from the old fleet to the new one in a blue/green deployment.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html
 */
export class TrafficRouting {
  /**
   * Shift all traffic at once, then bake.
   */
  public static allAtOnce(options: AllAtOnceOptions = {}): TrafficRouting {
    return new TrafficRouting(TrafficRoutingType.ALL_AT_ONCE, options.waitInterval ?? Duration.minutes(5));
  }

  /**
   * Shift a canary share, bake, then the rest.
   */
  public static canary(options: CanaryOptions): TrafficRouting {
    return new TrafficRouting(TrafficRoutingType.CANARY, options.waitInterval ?? Duration.minutes(5), options.size);
  }

  /**
   * Shift in equal steps, baking after each.
   */
  public static linear(options: LinearOptions): TrafficRouting {
    return new TrafficRouting(TrafficRoutingType.LINEAR, options.waitInterval ?? Duration.minutes(5), options.stepSize);
  }

  private constructor(
    /** The kind of shift. */
    public readonly routingType: TrafficRoutingType,
    /** The bake time of each step. */
    public readonly waitInterval: Duration,
    /**
     * The canary size or linear step size.
     *
     * @default - none (all at once)
     */
    public readonly size?: CapacitySize) {
  }
}

/**
 * Deployment guardrails: how an update of the endpoint (a new model, image or instance type)
 * moves traffic to the new fleet, and which alarms roll it back.
 */
export interface DeploymentGuardrails {
  /**
   * How traffic shifts to the new fleet.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_BlueGreenUpdatePolicy.html#sagemaker-Type-BlueGreenUpdatePolicy-TrafficRoutingConfiguration
   */
  readonly trafficRouting: TrafficRouting;

  /**
   * Alarms that roll the deployment back when they fire while it bakes.
   *
   * @default - no automatic rollback
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AutoRollbackConfig.html#sagemaker-Type-AutoRollbackConfig-Alarms
   */
  readonly rollbackAlarms?: cloudwatch.IAlarm[];

  /**
   * How long the old fleet is kept after all traffic has moved (for a fast manual rollback).
   *
   * @default Duration.seconds(0)
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_BlueGreenUpdatePolicy.html#sagemaker-Type-BlueGreenUpdatePolicy-TerminationWaitInSeconds
   */
  readonly terminationWait?: Duration;

  /**
   * Upper bound of the whole deployment.
   *
   * @default - SageMaker's default
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_BlueGreenUpdatePolicy.html#sagemaker-Type-BlueGreenUpdatePolicy-MaximumExecutionTimeoutInSeconds
   */
  readonly maximumExecutionTimeout?: Duration;
}
