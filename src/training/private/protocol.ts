/**
 * The contract between the training constructs and their handlers: resource types, property names and
 * attribute names. Both sides import this module, so a key renamed here is renamed everywhere.
 */

/** CloudFormation resource type of a training job. */
export const TRAINING_JOB_RESOURCE_TYPE = 'Custom::SageMakerTrainingJob';

/** CloudFormation resource type of a local directory unpacked into an S3 prefix for an input channel. */
export const TRAINING_INPUT_ASSET_RESOURCE_TYPE = 'Custom::SageMakerTrainingInputAsset';

/** Properties of `Custom::SageMakerTrainingJob`. */
export const TrainingJobProperty = {
  /** The job name (prefix + hash of the request); also the physical resource id. */
  TRAINING_JOB_NAME: 'TrainingJobName',
  /**
   * The `CreateTrainingJob` request without its name, as a structured property (never a JSON string joined
   * from tokens, which a deploy-time value holding `"` or `\` would break). CloudFormation hands every scalar of
   * a custom resource property over as a string: the handler restores the API's numbers and booleans. A JSON
   * string (what earlier versions wrote, and what a rollback to such a template sends back) is still read.
   */
  REQUEST: 'Request',
  /**
   * The WaitConditionHandle URL to signal when an adopted job has already finished (no state-change event
   * will come for it). Absent when the deployment does not wait.
   */
  COMPLETION_HANDLE_URL: 'CompletionHandleUrl',
} as const;

/**
 * Key of the ownership tag on every training job the construct creates. Its value is stable per
 * stack and construct path (a digest of both) and does not depend on `trainingJobNamePrefix`, so the handler policy of any template
 * of the construct may describe and stop every job it created, whatever prefix named it.
 */
export const OWNER_TAG_KEY = 'cdk-sagemaker-containers:owner';

/** Attributes (`Fn::GetAtt`) of `Custom::SageMakerTrainingJob`. */
export const TrainingJobAttribute = {
  TRAINING_JOB_NAME: 'TrainingJobName',
  TRAINING_JOB_ARN: 'TrainingJobArn',
  MODEL_ARTIFACTS_S3_URI: 'ModelArtifactsS3Uri',
} as const;

/** Properties of `Custom::SageMakerTrainingInputAsset`. */
export const TrainingInputAssetProperty = {
  /** Bucket of the zipped directory asset. */
  SOURCE_BUCKET: 'SourceBucket',
  /** Key of the zipped directory asset. */
  SOURCE_KEY: 'SourceKey',
  /** Bucket to unpack into. */
  DESTINATION_BUCKET: 'DestinationBucket',
  /** Prefix to unpack under, ending with `/`; the files go to `<prefix>data/`, the marker to `<prefix>.complete`. */
  DESTINATION_PREFIX: 'DestinationPrefix',
} as const;

/** Attributes of `Custom::SageMakerTrainingInputAsset`. */
export const TrainingInputAssetAttribute = {
  /** `s3://bucket/<prefix>data/`, the channel's S3 prefix. */
  S3_URI: 'S3Uri',
  /** How many files the prefix holds. */
  FILE_COUNT: 'FileCount',
} as const;

/**
 * Folder under a job's output prefix that holds unpacked local input directories (`<outputPrefix>/inputs/`). A
 * job writes only `<outputPrefix>/<jobName>/`, and a job name always ends with `-<hash>`, so no job can write here.
 */
export const INPUT_STAGING_DIR = 'inputs/';

/**
 * Marker physical id of a Create that failed before it named a job (the provider framework's
 * CREATE_FAILED_PHYSICAL_ID_MARKER): its Delete has nothing to stop. Not a valid job name (it has ':').
 */
export const CREATE_FAILED_PHYSICAL_ID_MARKER = 'cdk-sagemaker-containers:create-failed';

/** Sub-prefix under the destination prefix that holds the unpacked files. */
export const INPUT_ASSET_DATA_DIR = 'data/';

/** Marker object written after the last file, so a retried or repeated unpack is skipped. */
export const INPUT_ASSET_MARKER = '.complete';

/**
 * What the EventBridge rule hands to the signal function (its target input): the handle URL and the
 * event's `detail`, which is the job's description (name, status, failure reason, artifacts).
 */
export const SignalInputKey = {
  HANDLE_URL: 'HandleUrl',
  DETAIL: 'Detail',
} as const;

/** SageMaker statuses after which a training job never changes again. */
export const FINAL_TRAINING_JOB_STATUSES = ['Completed', 'Failed', 'Stopped'];

/** Where SageMaker writes a training job's model archive, relative to the job's output path. */
export function modelArtifactsKeySuffix(jobName: string): string {
  return `${jobName}/output/model.tar.gz`;
}
