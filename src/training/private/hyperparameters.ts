/**
 * Hyperparameters the SageMaker framework containers (PyTorch, TensorFlow, MXNet, Hugging Face) read to
 * launch a distributed training: the names the SageMaker Python SDK sets and the training toolkit reads.
 */
export const DISTRIBUTION_HYPERPARAMETERS = {
  TORCH_DISTRIBUTED: 'sagemaker_torch_distributed_enabled',
  MPI: 'sagemaker_mpi_enabled',
  MPI_PROCESSES_PER_HOST: 'sagemaker_mpi_num_of_processes_per_host',
  MPI_CUSTOM_OPTIONS: 'sagemaker_mpi_custom_mpi_options',
  PARAMETER_SERVER: 'sagemaker_parameter_server_enabled',
} as const;

/**
 * Hyperparameter keys this library sets itself (entry point and distribution); a job refuses them in
 * its `hyperparameters`.
 */
export const RESERVED_HYPERPARAMETERS: string[] = [
  'sagemaker_program',
  'sagemaker_submit_directory',
  'sagemaker_region',
  'sagemaker_container_log_level',
  'sagemaker_job_name',
  DISTRIBUTION_HYPERPARAMETERS.TORCH_DISTRIBUTED,
  'sagemaker_pytorch_ddp_enabled',
  'sagemaker_distributed_dataparallel_enabled',
  'sagemaker_distributed_dataparallel_custom_mpi_options',
  DISTRIBUTION_HYPERPARAMETERS.MPI,
  DISTRIBUTION_HYPERPARAMETERS.MPI_PROCESSES_PER_HOST,
  DISTRIBUTION_HYPERPARAMETERS.MPI_CUSTOM_OPTIONS,
  DISTRIBUTION_HYPERPARAMETERS.PARAMETER_SERVER,
  'sagemaker_multi_worker_mirrored_strategy_enabled',
];
