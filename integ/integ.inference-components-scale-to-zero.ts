/**
 * Scenario: two models sharing the GPU instances of one endpoint as inference components, scaling to zero when
 * idle. The endpoint (ml.g5.12xlarge, 0-2 instances by managed instance scaling) has no model of its own; a TGI
 * chat model takes 2 of an instance's 4 GPUs per copy and a TEI embedding model 1. Each component scales its
 * copies on invocations per copy between 0 and 2, and a step-scaling policy on NoCapacityInvocationFailures
 * brings the first copy back when a request arrives, as SageMaker documents scale to zero.
 */
import { Size } from 'aws-cdk-lib';
import { IntegScenario } from './integ-app';
import { InferenceComponentEndpoint, InstanceType, LlmServer } from '../src';

const scenario = new IntegScenario('InferenceComponentsScaleToZero', { region: 'us-east-1' });
const stack = scenario.stack;

const endpoint = new InferenceComponentEndpoint(stack, 'Endpoint', {
  instanceType: InstanceType.ML_G5_12XLARGE,
  minInstanceCount: 0,
  maxInstanceCount: 2,
});

const chat = LlmServer.textGenerationInference({
  version: '3.0',
  instanceType: endpoint.instanceType,
  modelId: 'mistralai/Mistral-7B-Instruct-v0.3',
  acceleratorCount: 2,
  modelSize: Size.gibibytes(16),
});
endpoint.addInferenceComponent('Chat', {
  image: chat.image,
  acceleratorCount: 2,
  minMemory: Size.gibibytes(32),
  minCopies: 0,
  maxCopies: 2,
}).copyScaling!.scaleOnInvocationsPerCopy('PerCopy', { invocationsPerCopy: 20 });

const embeddings = LlmServer.textEmbeddingsInference({
  version: '1.8',
  instanceType: endpoint.instanceType,
  modelId: 'BAAI/bge-large-en-v1.5',
});
endpoint.addInferenceComponent('Embeddings', {
  image: embeddings.image,
  acceleratorCount: 1,
  minMemory: Size.gibibytes(8),
  minCopies: 0,
  maxCopies: 2,
}).copyScaling!.scaleOnInvocationsPerCopy('PerCopy', { invocationsPerCopy: 200 });

scenario.synth();
