import { InstanceType } from '../../src/compute/instance-type';
import { TrainingDistribution } from '../../src/training';

describe('TrainingDistribution', () => {
  test('none sets nothing and fits anything', () => {
    const d = TrainingDistribution.none();
    expect(d.validate({ instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 1 })).toEqual([]);
    expect(d.bind({ instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 1 }).hyperparameters).toEqual({});
  });

  test('torchDistributed fits several GPUs on one instance, or one GPU on several instances, and Trainium', () => {
    const d = TrainingDistribution.torchDistributed();
    expect(d.validate({ instanceType: InstanceType.ML_G5_12XLARGE, instanceCount: 1 })).toEqual([]);
    expect(d.validate({ instanceType: InstanceType.ML_G5_2XLARGE, instanceCount: 2 })).toEqual([]);
    expect(d.validate({ instanceType: InstanceType.of('ml.trn1.32xlarge'), instanceCount: 1 })).toEqual([]);
    expect(d.bind({ instanceType: InstanceType.ML_G5_12XLARGE, instanceCount: 1 }).hyperparameters)
      .toEqual({ sagemaker_torch_distributed_enabled: 'true' });
  });

  test('fails torchDistributed on CPU and Inferentia types', () => {
    const d = TrainingDistribution.torchDistributed();
    expect(d.validate({ instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 4 }).join()).toMatch(/needs NVIDIA GPU or Trainium instances/);
    expect(d.validate({ instanceType: InstanceType.ML_INF2_XLARGE, instanceCount: 4 }).join()).toMatch(/needs NVIDIA GPU or Trainium instances/);
  });

  test('mpi runs one process per GPU by default, one per CPU instance', () => {
    expect(TrainingDistribution.mpi().bind({ instanceType: InstanceType.ML_G5_12XLARGE, instanceCount: 1 }).hyperparameters)
      .toEqual({ sagemaker_mpi_enabled: 'true', sagemaker_mpi_num_of_processes_per_host: '4' });
    expect(TrainingDistribution.mpi().bind({ instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 3 }).hyperparameters)
      .toEqual({ sagemaker_mpi_enabled: 'true', sagemaker_mpi_num_of_processes_per_host: '1' });
    expect(TrainingDistribution.mpi().validate({ instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 3 })).toEqual([]);
  });

  test('fails mpi with a single process in all, or more processes than GPUs', () => {
    expect(TrainingDistribution.mpi().validate({ instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 1 }).join())
      .toMatch(/needs at least 2 processes in all, but runs 1 per host on 1 instance/);
    expect(TrainingDistribution.mpi({ processesPerHost: 5 }).validate({ instanceType: InstanceType.ML_G5_12XLARGE, instanceCount: 1 }).join())
      .toMatch(/processesPerHost 5 exceeds the 4 accelerators/);
    expect(() => TrainingDistribution.mpi({ processesPerHost: 1.5 })).toThrow(/processesPerHost 1.5 is not allowed/);
  });

  test('parameterServer needs two instances', () => {
    const d = TrainingDistribution.parameterServer();
    expect(d.validate({ instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 2 })).toEqual([]);
    expect(d.validate({ instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 1 }).join()).toMatch(/needs at least 2 instances/);
    expect(d.bind({ instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 2 }).hyperparameters).toEqual({ sagemaker_parameter_server_enabled: 'true' });
  });
});
