/**
 * Scenario: Hugging Face TGI serving a Hub model as it is (no image build) on ml.g5.12xlarge. The LlmServer preset
 * picks the TGI Deep Learning Container for the stack's region and sets HF_MODEL_ID, SM_NUM_GPUS=4 (the
 * instance's four A10G GPUs, from the instance catalog) and the token limits; synth checks that the declared
 * 16 GiB of weights fit the 4 x 24 GiB of GPU memory. Requests go to the least busy instance, and the instance
 * count follows GPU utilisation (1-2 instances).
 */
import { Size } from 'aws-cdk-lib';
import { IntegScenario } from './integ-app';
import { Endpoint, InstanceType, LlmServer, RoutingStrategy } from '../src';

const scenario = new IntegScenario('TgiHubModel', { region: 'us-east-1' });
const stack = scenario.stack;

const tgi = LlmServer.textGenerationInference({
  version: '3.0',
  instanceType: InstanceType.ML_G5_12XLARGE,
  modelId: 'mistralai/Mistral-7B-Instruct-v0.3',
  modelSize: Size.gibibytes(16),
  maxInputTokens: 4096,
  maxTotalTokens: 8192,
});

const endpoint = new Endpoint(stack, 'Endpoint', {
  image: tgi.image,
  instanceType: tgi.instanceType,
  routingStrategy: RoutingStrategy.LEAST_OUTSTANDING_REQUESTS,
});
endpoint.autoScaleInstanceCount({ minCapacity: 1, maxCapacity: 2 })
  .scaleOnGpuUtilization('Gpu', { targetUtilizationPercent: 70 });

scenario.synth();
