/** Environment variable naming the user program inside the code directory. */
export const SAGEMAKER_PROGRAM = 'SAGEMAKER_PROGRAM';
/** Environment variable naming the framework training module (`module:function`). */
export const SAGEMAKER_TRAINING_MODULE = 'SAGEMAKER_TRAINING_MODULE';
/** Environment variable naming the legacy serving module (`module:app`). */
export const SAGEMAKER_SERVING_MODULE = 'SAGEMAKER_SERVING_MODULE';
/** Where the code sits inside an image the library renders. */
export const SAGEMAKER_SUBMIT_DIRECTORY = 'SAGEMAKER_SUBMIT_DIRECTORY';
/** The code directory inside the container. */
export const CODE_DIRECTORY = '/opt/ml/code';

/** The variables only an entry point may set. */
export const ENTRY_POINT_VARIABLES = [SAGEMAKER_PROGRAM, SAGEMAKER_TRAINING_MODULE, SAGEMAKER_SERVING_MODULE];
