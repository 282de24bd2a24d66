/**
 * Scenario: DJL Large Model Inference (vLLM backend) serving uncompressed weights from an S3 prefix: no
 * model.tar.gz, the model's ModelDataSource is S3Prefix with CompressionType None and the licence accepted, and
 * its role may read and list that one prefix. OPTION_TENSOR_PARALLEL_DEGREE=4 comes from the instance catalog
 * (ml.g5.12xlarge, 4 GPUs); the declared 16 GiB of weights are checked against 4 x 24 GiB at synth. The weights
 * bucket is the scenario's (encrypted with its key, which the role may decrypt with); in a real deployment the
 * safetensors shards are copied under llama-3-8b/ first.
 */
import { Size } from 'aws-cdk-lib';
import { IntegScenario } from './integ-app';
import { Endpoint, InstanceType, LlmServer, ModelData } from '../src';

const scenario = new IntegScenario('LmiS3Prefix', { region: 'us-east-1' });
const stack = scenario.stack;
const weights = scenario.bucket('Models');

const lmi = LlmServer.largeModelInference({
  version: '0.33.0',
  instanceType: InstanceType.ML_G5_12XLARGE,
  modelSize: Size.gibibytes(16),
  maxTotalTokens: 8192,
  maxBatchSize: 32,
});

new Endpoint(stack, 'Endpoint', {
  image: lmi.image,
  modelData: ModelData.fromS3Prefix(weights, 'llama-3-8b/', { acceptEula: true }),
  instanceType: lmi.instanceType,
});

scenario.synth();
