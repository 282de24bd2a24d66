import { Token } from 'aws-cdk-lib';
import { AcceleratorKind } from '../compute/accelerator';
import { InstanceType } from '../compute/instance-type';
import { DISTRIBUTION_HYPERPARAMETERS as HP } from './private/hyperparameters';

/**
 * Options for `TrainingDistribution.mpi`.
 */
export interface MpiDistributionOptions {
  /**
   * How many processes MPI starts on each instance.
   *
   * @default - the number of GPUs or Neuron devices of the instance type, 1 on CPU instances
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-HyperParameters
   */
  readonly processesPerHost?: number;

  /**
   * Extra `mpirun` options, for example `--mca btl_vader_single_copy_mechanism none`.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-HyperParameters
   */
  readonly customMpiOptions?: string;
}

/**
 * What a distribution hands to the job.
 */
export interface TrainingDistributionConfig {
  /**
   * The `sagemaker_*` hyperparameters the framework container reads (values JSON-encoded, as the
   * SageMaker Python SDK sends them).
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-HyperParameters
   */
  readonly hyperparameters: { [key: string]: string };
}

/** The compute a distribution is checked against. */
export interface TrainingDistributionBindOptions {
  /** The job's instance type. */
  readonly instanceType: InstanceType;
  /** The job's instance count. */
  readonly instanceCount: number;
}

/**
 * How a training job spreads over its instances and accelerators.
 *
 * The framework containers launch the user's program accordingly (torchrun, mpirun, parameter servers);
 * a custom container reads the same `sagemaker_*` hyperparameters or ignores them.
 */
export abstract class TrainingDistribution {
  /**
   * One process per instance, no launcher: the program does its own distribution, if any.
   */
  public static none(): TrainingDistribution {
    return new NoDistribution();
  }

  /**
   * PyTorch distributed with `torchrun` (`sagemaker_torch_distributed_enabled`): one worker per GPU or
   * Trainium device on every instance. Needs an accelerated instance type and at least two devices in all.
   */
  public static torchDistributed(): TrainingDistribution {
    return new TorchDistribution();
  }

  /**
   * MPI (`sagemaker_mpi_enabled`, `sagemaker_mpi_num_of_processes_per_host`), for Horovod and similar.
   * Needs at least two processes in all.
   */
  public static mpi(options: MpiDistributionOptions = {}): TrainingDistribution {
    return new MpiDistribution(options);
  }

  /**
   * Parameter servers (`sagemaker_parameter_server_enabled`), for TensorFlow and MXNet. Needs at least two
   * instances.
   */
  public static parameterServer(): TrainingDistribution {
    return new ParameterServerDistribution();
  }

  /** A short name for messages: `none`, `torchDistributed`, `mpi`, `parameterServer`. */
  public abstract readonly name: string;

  /**
   * The problems of using this distribution on the given compute, each a sentence; empty when it fits.
   * Unknown facts (an instance type outside the catalog, a token count) are not held against it.
   */
  public abstract validate(options: TrainingDistributionBindOptions): string[];

  /**
   * The hyperparameters to set for this distribution on the given compute.
   */
  public abstract bind(options: TrainingDistributionBindOptions): TrainingDistributionConfig;
}

function deviceCount(instanceType: InstanceType): number | undefined {
  if (instanceType.acceleratorKind === AcceleratorKind.NONE) {
    return 0;
  }
  return instanceType.acceleratorCount;
}

class NoDistribution extends TrainingDistribution {
  public readonly name = 'none';
  public validate(): string[] {
    return [];
  }
  public bind(): TrainingDistributionConfig {
    return { hyperparameters: {} };
  }
}

class TorchDistribution extends TrainingDistribution {
  public readonly name = 'torchDistributed';

  public validate(options: TrainingDistributionBindOptions): string[] {
    const type = options.instanceType;
    if (Token.isUnresolved(type.name)) {
      return [];
    }
    if (type.acceleratorKind === AcceleratorKind.NONE || type.acceleratorKind === AcceleratorKind.AWS_INFERENTIA) {
      return [`distribution torchDistributed needs NVIDIA GPU or Trainium instances, but instanceType ${type.name} has none; `
        + 'use a GPU or Trainium type (ml.g5.12xlarge, ml.p4d.24xlarge, ml.trn1.32xlarge ...) or TrainingDistribution.none()'];
    }
    const devices = deviceCount(type);
    if (devices !== undefined && !Token.isUnresolved(options.instanceCount) && devices * options.instanceCount < 2) {
      return [`distribution torchDistributed needs at least 2 devices in all, but instanceType ${type.name} has ${devices} `
        + `and instanceCount is ${options.instanceCount}; raise instanceCount, use a type with several devices, or use TrainingDistribution.none()`];
    }
    return [];
  }

  public bind(): TrainingDistributionConfig {
    return { hyperparameters: { [HP.TORCH_DISTRIBUTED]: 'true' } };
  }
}

class MpiDistribution extends TrainingDistribution {
  public readonly name = 'mpi';

  constructor(private readonly options: MpiDistributionOptions) {
    super();
    const pph = options.processesPerHost;
    if (pph !== undefined && !Token.isUnresolved(pph) && (!Number.isInteger(pph) || pph < 1)) {
      throw new Error(`processesPerHost ${pph} is not allowed; use a whole number of 1 or more`);
    }
  }

  private processesPerHost(type: InstanceType): number | undefined {
    if (this.options.processesPerHost !== undefined) {
      return this.options.processesPerHost;
    }
    const devices = deviceCount(type);
    return devices === undefined ? undefined : Math.max(devices, 1);
  }

  public validate(options: TrainingDistributionBindOptions): string[] {
    const type = options.instanceType;
    if (Token.isUnresolved(type.name)) {
      return [];
    }
    const problems: string[] = [];
    const pph = this.processesPerHost(type);
    const devices = deviceCount(type);
    if (this.options.processesPerHost !== undefined && devices !== undefined && devices > 0 && this.options.processesPerHost > devices) {
      problems.push(`processesPerHost ${this.options.processesPerHost} exceeds the ${devices} accelerators of instanceType ${type.name}; `
        + `use at most ${devices}, or a type with more devices`);
    }
    if (pph !== undefined && !Token.isUnresolved(options.instanceCount) && pph * options.instanceCount < 2) {
      problems.push(`distribution mpi needs at least 2 processes in all, but runs ${pph} per host on ${options.instanceCount} `
        + `instance(s) of ${type.name}; raise instanceCount or processesPerHost (on a type with several GPUs), or use TrainingDistribution.none()`);
    }
    return problems;
  }

  public bind(options: TrainingDistributionBindOptions): TrainingDistributionConfig {
    const hyperparameters: { [key: string]: string } = {
      [HP.MPI]: 'true',
      [HP.MPI_PROCESSES_PER_HOST]: String(this.processesPerHost(options.instanceType) ?? 1),
    };
    if (this.options.customMpiOptions !== undefined) {
      hyperparameters[HP.MPI_CUSTOM_OPTIONS] = JSON.stringify(this.options.customMpiOptions);
    }
    return { hyperparameters };
  }
}

class ParameterServerDistribution extends TrainingDistribution {
  public readonly name = 'parameterServer';

  public validate(options: TrainingDistributionBindOptions): string[] {
    if (!Token.isUnresolved(options.instanceCount) && options.instanceCount < 2) {
      return [`distribution parameterServer needs at least 2 instances, but instanceCount is ${options.instanceCount}; `
        + 'raise instanceCount or use TrainingDistribution.none()'];
    }
    return [];
  }

  public bind(): TrainingDistributionConfig {
    return { hyperparameters: { [HP.PARAMETER_SERVER]: 'true' } };
  }
}
