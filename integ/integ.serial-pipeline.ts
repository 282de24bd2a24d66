/**
 * Scenario: a serial inference pipeline on one CPU endpoint: a scikit-learn container transforms the request
 * with its fitted preprocessor, and an XGBoost container predicts on the result (Containers with
 * InferenceExecutionConfig Serial). Both archives lie in one bucket; the role reads each archive and pulls
 * both images. The containers run network-isolated.
 */
import { IntegScenario } from './integ-app';
import { Endpoint, EntryPoint, ImageAccelerator, InstanceType, ModelData, SageMakerImage } from '../src';

const scenario = new IntegScenario('SerialPipeline');
const stack = scenario.stack;
const models = scenario.bucket('Models');

const preprocess = SageMakerImage.fromImageUri('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3', {
  accelerator: ImageAccelerator.CPU,
  entryPoint: EntryPoint.program('preprocess.py'),
});
const predict = SageMakerImage.fromImageUri('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', {
  accelerator: ImageAccelerator.CPU,
});

new Endpoint(stack, 'Endpoint', {
  image: preprocess,
  modelData: ModelData.fromBucket(models, 'pipeline/preprocess/model.tar.gz'),
  pipelineContainers: [{ image: predict, modelData: ModelData.fromBucket(models, 'pipeline/xgboost/model.tar.gz') }],
  instanceType: InstanceType.ML_M5_LARGE,
  networkIsolation: true,
});

scenario.synth();
