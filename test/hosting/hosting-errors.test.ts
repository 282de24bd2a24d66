// Hosting errors name the construct, as training errors do: `<construct path>: <prop> <value> ...; use ...`,
// every problem at once (src/private/validation.ts).
import { Size } from 'aws-cdk-lib';
import { cpuImage, MODEL_DATA, newStack } from './fixtures';
import { InstanceType } from '../../src/compute/instance-type';
import { Endpoint, ServerlessEndpoint } from '../../src/hosting';

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
});
