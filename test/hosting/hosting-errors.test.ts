// Hosting errors name the construct, as training errors do: `<construct path>: <prop> <value> ...; use ...`,
// every problem at once (src/private/validation.ts).
import { Duration, Size } from 'aws-cdk-lib';
import { cpuImage, gpuImage, MODEL_DATA, newStack } from './fixtures';
import { InstanceType } from '../../src/compute/instance-type';
import {
  CapacitySize, Endpoint, InferenceComponentEndpoint, ServerlessEndpoint, TrafficRouting,
} from '../../src/hosting';

describe('hosting errors', () => {
  test('fails naming the endpoint\'s construct path, the prop and the value', () => {
    // GIVEN
    const stack = newStack();

    // THEN
    expect(() => new Endpoint(stack, 'Scorer', {
      image: cpuImage(), modelData: MODEL_DATA, instanceType: InstanceType.ML_M5_LARGE, endpointName: 'bad_name',
    })).toThrow(/^TestStack\/Scorer: endpointName 'bad_name' is not a valid name/);
  });

  test('fails naming the variant\'s construct path, with all of its problems together', () => {
    // GIVEN
    const stack = newStack();

    // THEN
    expect(() => new Endpoint(stack, 'Scorer', {
      image: cpuImage(), modelData: MODEL_DATA, instanceType: InstanceType.ML_M5_LARGE, initialInstanceCount: 0, initialVariantWeight: -1,
    })).toThrow(/^TestStack\/Scorer\/AllTraffic: 2 problems:\n- initialInstanceCount 0 is not allowed[^\n]*\n- initialVariantWeight -1 is not allowed/);
  });

  test('fails naming a serverless endpoint\'s construct path', () => {
    // GIVEN
    const stack = newStack();

    // THEN
    expect(() => new ServerlessEndpoint(stack, 'Cheap', { image: cpuImage(), modelData: MODEL_DATA, memory: Size.gibibytes(7) }))
      .toThrow(/^TestStack\/Cheap: memory/);
  });

  test('fails naming the endpoint and the addVariant call for a later variant\'s problems', () => {
    // GIVEN
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });

    // THEN
    expect(() => endpoint.addVariant('bad_name', { image: cpuImage(), instanceType: InstanceType.ML_M5D_LARGE, volumeSize: Size.gibibytes(30) }))
      .toThrow(/^TestStack\/Endpoint: addVariant bad_name: 2 problems:\n- variantName 'bad_name' is not a valid name[^\n]*\n- bad_name.volumeSize cannot be used with instanceType ml.m5d.large/);
  });

  test('fails naming the endpoint, not addVariant, for the first variant\'s problems', () => {
    // GIVEN
    const stack = newStack();

    // THEN
    expect(() => new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5D_LARGE, volumeSize: Size.gibibytes(30) }))
      .toThrow(/^TestStack\/Endpoint: volumeSize cannot be used with instanceType ml.m5d.large/);
  });

  test('fails naming the endpoint for its deployment guardrails, together with its other problems', () => {
    // GIVEN
    const stack = newStack();

    // THEN
    expect(() => new Endpoint(stack, 'Endpoint', {
      image: cpuImage(),
      instanceType: InstanceType.ML_M5_LARGE,
      endpointName: 'bad_name',
      deploymentGuardrails: { trafficRouting: TrafficRouting.canary({ size: CapacitySize.percent(60) }), terminationWait: Duration.hours(2) },
    })).toThrow(/^TestStack\/Endpoint: 3 problems:\n- endpointName 'bad_name'[^\n]*\n- deploymentGuardrails terminationWait 2 hours is not allowed[^\n]*\n- deploymentGuardrails canary size 60% is not allowed/);
  });

  test('fails naming the variant\'s construct path when its instance type does not fit the image', () => {
    // GIVEN
    const stack = newStack();

    // THEN
    expect(() => new Endpoint(stack, 'Endpoint', { image: gpuImage(), instanceType: InstanceType.ML_C5_XLARGE }))
      .toThrow(/^TestStack\/Endpoint\/AllTraffic: instanceType ml.c5.xlarge has no NVIDIA GPU/);
  });

  test('fails naming the inference component\'s scalable copy count and the scaling call', () => {
    // GIVEN
    const stack = newStack();
    const endpoint = new InferenceComponentEndpoint(stack, 'Llms', { instanceType: InstanceType.ML_G5_12XLARGE, minInstanceCount: 0, maxInstanceCount: 2 });
    const component = endpoint.addInferenceComponent('Llama', { image: gpuImage(), acceleratorCount: 1, minMemory: Size.gibibytes(8), minCopies: 0, maxCopies: 2 });

    // THEN
    expect(() => component.copyScaling!.scaleOnInvocationsPerCopy('PerCopy', { invocationsPerCopy: 0 }))
      .toThrow(/^TestStack\/Llms\/Llama\/CopyCount: scaleOnInvocationsPerCopy PerCopy: invocationsPerCopy 0 is not allowed/);
  });

  test('fails naming the inference component when its image needs an accelerator the endpoint\'s instance type lacks', () => {
    // GIVEN
    const stack = newStack();
    const endpoint = new InferenceComponentEndpoint(stack, 'Cpu', { instanceType: InstanceType.ML_M5_XLARGE });

    // THEN
    expect(() => endpoint.addInferenceComponent('G', { image: gpuImage(), minMemory: Size.gibibytes(1) }))
      .toThrow(/^TestStack\/Cpu\/G: endpoint instanceType ml.m5.xlarge has no NVIDIA GPU/);
  });

  test('keeps the factory as the place of errors without a construct', () => {
    // GIVEN
    const stack = newStack();

    // THEN
    expect(() => Endpoint.fromEndpointAttributes(stack, 'None', {})).toThrow(/^Endpoint.fromEndpointAttributes needs endpointName or endpointArn/);
  });
});
