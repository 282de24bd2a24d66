import { Size } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { cpuImage, gpuImage, MODEL_DATA, newStack, only } from './fixtures';
import { ModelData } from '../../src/artifacts';
import { ImageAccelerator } from '../../src/compute/accelerator';
import { InstanceType } from '../../src/compute/instance-type';
import { Endpoint, InferenceComponentEndpoint, Model, ServerlessEndpoint } from '../../src/hosting';
import { EntryPoint } from '../../src/image/entry-point';
import { SageMakerImage } from '../../src/image/sagemaker-image';

const PRE_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/preprocess:1.0';

function preprocessImage(): SageMakerImage {
  return SageMakerImage.fromImageUri(PRE_URI, { accelerator: ImageAccelerator.ANY, entryPoint: EntryPoint.program('pre.py') });
}

function policyStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('serial inference pipelines', () => {
  test('an endpoint with pipelineContainers renders Containers in order with Mode Serial and no PrimaryContainer', () => {
    // GIVEN
    const stack = newStack();
    const features = new s3.Bucket(stack, 'Features');
    // WHEN
    new Endpoint(stack, 'Endpoint', {
      image: preprocessImage(),
      modelData: ModelData.fromBucket(features, 'pre/model.tar.gz'),
      environment: { STAGE: 'pre' },
      pipelineContainers: [{ image: cpuImage(), modelData: MODEL_DATA, environment: { STAGE: 'predict' }, submitDirectory: '/opt/ml/code' }],
      instanceType: InstanceType.ML_M5_LARGE,
    });
    // THEN
    const model = only(Template.fromStack(stack), 'AWS::SageMaker::Model').Properties;
    expect(model.PrimaryContainer).toBeUndefined();
    expect(model.InferenceExecutionConfig).toEqual({ Mode: 'Serial' });
    expect(model.Containers).toHaveLength(2);
    expect(model.Containers[0]).toEqual(expect.objectContaining({
      Image: PRE_URI,
      Mode: 'SingleModel',
      Environment: expect.objectContaining({ STAGE: 'pre', SAGEMAKER_PROGRAM: 'pre.py' }),
    }));
    expect(model.Containers[1]).toEqual(expect.objectContaining({
      Image: expect.stringContaining('/serve:1.0-cpu'),
      ModelDataUrl: 's3://models/model.tar.gz',
      Mode: 'SingleModel',
      Environment: expect.objectContaining({ STAGE: 'predict', SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/code' }),
    }));
  });

  test('the role gets pull and read grants for every container', () => {
    // GIVEN
    const stack = newStack();
    const features = new s3.Bucket(stack, 'Features');
    const weights = new s3.Bucket(stack, 'Weights');
    // WHEN
    new Endpoint(stack, 'Endpoint', {
      image: preprocessImage(),
      modelData: ModelData.fromBucket(features, 'pre/model.tar.gz'),
      pipelineContainers: [{ image: cpuImage(), modelData: ModelData.fromBucket(weights, 'predict/model.tar.gz') }],
      instanceType: InstanceType.ML_M5_LARGE,
    });
    // THEN
    const text = JSON.stringify(policyStatements(Template.fromStack(stack)));
    expect(text).toContain('repository/preprocess');
    expect(text).toContain('repository/serve');
    expect(text).toMatch(/Features[A-Z0-9]*","Arn"\]\},"\/pre\/model.tar.gz"/);
    expect(text).toMatch(/Weights[A-Z0-9]*","Arn"\]\},"\/predict\/model.tar.gz"/);
  });

  test('network isolation and the VPC apply to the whole pipeline model', () => {
    // GIVEN
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    // WHEN
    new Endpoint(stack, 'Endpoint', {
      image: preprocessImage(),
      pipelineContainers: [{ image: cpuImage(), modelData: MODEL_DATA }],
      instanceType: InstanceType.ML_M5_LARGE,
      networkIsolation: true,
      vpc,
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Model', {
      EnableNetworkIsolation: true,
      VpcConfig: { SecurityGroupIds: Match.anyValue(), Subnets: Match.anyValue() },
      Containers: Match.arrayWith([Match.objectLike({ ModelDataUrl: 's3://models/model.tar.gz' })]),
      PrimaryContainer: Match.absent(),
    });
  });

  test('Model.addContainer turns a single-container model into a pipeline', () => {
    // GIVEN
    const stack = newStack();
    const model = new Model(stack, 'Model', { image: preprocessImage() });
    expect(model.containerCount).toBe(1);
    // WHEN
    model.addContainer({ image: cpuImage(), modelData: MODEL_DATA });
    // THEN
    expect(model.containerCount).toBe(2);
    const props = only(Template.fromStack(stack), 'AWS::SageMaker::Model').Properties;
    expect(props.PrimaryContainer).toBeUndefined();
    expect(props.InferenceExecutionConfig).toEqual({ Mode: 'Serial' });
    expect(props.Containers.map((c: any) => c.Image)).toEqual([PRE_URI, expect.stringContaining('/serve:1.0-cpu')]);
  });

  test('a model without pipeline containers keeps PrimaryContainer and no InferenceExecutionConfig', () => {
    const stack = newStack();
    new Model(stack, 'Model', { image: cpuImage(), modelData: MODEL_DATA });
    const props = only(Template.fromStack(stack), 'AWS::SageMaker::Model').Properties;
    expect(props.PrimaryContainer.Image).toContain('/serve:1.0-cpu');
    expect(props.Containers).toBeUndefined();
    expect(props.InferenceExecutionConfig).toBeUndefined();
  });

  test('fails for more than 15 containers, naming the count and the limit', () => {
    const stack = newStack();
    const fifteen = Array.from({ length: 15 }, () => ({ image: cpuImage() }));
    expect(() => new Model(stack, 'Model', { image: preprocessImage(), pipelineContainers: fifteen }))
      .toThrow(/^TestStack\/Model: pipelineContainers has 15 containers, 16 with the first one; a serial inference pipeline has at most 15 containers/);
    const fourteen = new Model(stack, 'Ok', { image: preprocessImage(), pipelineContainers: fifteen.slice(1) });
    expect(fourteen.containerCount).toBe(15);
    expect(() => fourteen.addContainer({ image: cpuImage() })).toThrow(/addContainer would make container 16; a serial inference pipeline has at most 15 containers/);
  });

  test('fails for multi-model data in a pipeline, naming the prop and what is allowed', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Models');
    expect(() => new Endpoint(stack, 'Endpoint', {
      image: preprocessImage(),
      pipelineContainers: [{ image: cpuImage(), modelData: ModelData.fromMultiModelPrefix(bucket, 'tenants/') }],
      instanceType: InstanceType.ML_M5_LARGE,
    })).toThrow(/pipelineContainers\[0\]\.modelData is multi-model data \(ModelData.fromMultiModelPrefix\) in a serial inference pipeline of 2 containers; .*use a single-container model/);
    const model = new Model(stack, 'Multi', { image: cpuImage(), modelData: ModelData.fromMultiModelPrefix(bucket, 'more/') });
    expect(() => model.addContainer({ image: preprocessImage() })).toThrow(/^TestStack\/Multi: modelData is multi-model data/);
  });

  test('fails for a pipeline container checked like the first one, naming its index', () => {
    const stack = newStack();
    expect(() => new Model(stack, 'Model', {
      image: preprocessImage(),
      pipelineContainers: [{ image: cpuImage() }, { image: cpuImage(), submitDirectory: 'code', environment: { 'SAGEMAKER_REGION': 'x', 'BAD-NAME': 'v' } }],
    })).toThrow(/pipelineContainers\[1\]\.submitDirectory 'code' is not an absolute path[\s\S]*pipelineContainers\[1\]\.environment SAGEMAKER_REGION is set by this library/);
    expect(() => new Model(stack, 'Model2', {
      image: preprocessImage(),
      pipelineContainers: [{ image: cpuImage(), environment: { 'BAD-NAME': 'v' } }],
    })).toThrow(/pipelineContainers\[0\]\.environment/);
  });

  test('fails for a pipeline container whose image does not run on the variant instance type', () => {
    const stack = newStack();
    expect(() => new Endpoint(stack, 'Endpoint', {
      image: preprocessImage(),
      pipelineContainers: [{ image: gpuImage() }],
      instanceType: InstanceType.ML_M5_LARGE,
    })).toThrow(/instanceType \(for pipelineContainers\[0\]\.image\)/);
  });
});

describe('multi-model data where one model is served', () => {
  test('fails on a serverless endpoint, naming modelData, its prefix and what is allowed', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'models');
    expect(() => new ServerlessEndpoint(stack, 'Cheap', {
      image: cpuImage(), modelData: ModelData.fromMultiModelPrefix(bucket, 'tenants/'), memory: Size.gibibytes(2),
    })).toThrow(/^TestStack\/Cheap: modelData ModelData.fromMultiModelPrefix\(s3:\/\/models\/tenants\/\) is not allowed: a ServerlessEndpoint serves one model; use single-model data \(ModelData.fromAsset, fromBucket, fromS3Prefix\)/);
  });

  test('fails on a serverless endpoint given pipelineContainers from a language without types', () => {
    const stack = newStack();
    expect(() => new ServerlessEndpoint(stack, 'Cheap', {
      image: cpuImage(), memory: Size.gibibytes(2), pipelineContainers: [{ image: cpuImage() }],
    } as any)).toThrow(/pipelineContainers cannot be set on a ServerlessEndpoint/);
  });

  test('fails on an inference component, naming modelData and what is allowed', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'models');
    const endpoint = new InferenceComponentEndpoint(stack, 'Llms', { instanceType: InstanceType.ML_G5_12XLARGE, maxInstanceCount: 2 });
    expect(() => endpoint.addInferenceComponent('Tenants', {
      image: gpuImage(), modelData: ModelData.fromMultiModelPrefix(bucket, 'tenants/'), acceleratorCount: 1, minMemory: Size.gibibytes(8),
    })).toThrow(/^TestStack\/Llms\/Tenants: modelData ModelData.fromMultiModelPrefix\(s3:\/\/models\/tenants\/\) is not allowed: an inference component serves one model per copy/);
  });
});

describe('scale to zero that cannot happen', () => {
  const WARNING = Match.stringLikeRegexp('minInstanceCount 0 is set but no inference component can scale to zero copies');

  test('warns when minInstanceCount is 0 and every component keeps a copy, naming each', () => {
    // GIVEN
    const stack = newStack();
    const endpoint = new InferenceComponentEndpoint(stack, 'Llms', { instanceType: InstanceType.ML_G5_12XLARGE, minInstanceCount: 0, maxInstanceCount: 2 });
    // WHEN
    endpoint.addInferenceComponent('Chat', { image: gpuImage(), acceleratorCount: 1, minMemory: Size.gibibytes(8), minCopies: 1, maxCopies: 2 });
    endpoint.addInferenceComponent('Embed', { image: gpuImage(), acceleratorCount: 1, minMemory: Size.gibibytes(8) });
    // THEN
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/TestStack/Llms', WARNING);
    annotations.hasWarning('/TestStack/Llms', Match.stringLikeRegexp('Chat keeps 1 copy \\(minCopies\\), Embed keeps 1 copy \\(no autoscaling\\)'));
    annotations.hasWarning('/TestStack/Llms', Match.stringLikeRegexp('@cdk-sagemaker-containers/hosting:minInstanceCountUnreachable'));
  });

  test('does not warn when one component scales to zero copies, or minInstanceCount is 1', () => {
    const stack = newStack();
    const zero = new InferenceComponentEndpoint(stack, 'Zero', { instanceType: InstanceType.ML_G5_12XLARGE, minInstanceCount: 0, maxInstanceCount: 2 });
    zero.addInferenceComponent('Chat', { image: gpuImage(), acceleratorCount: 1, minMemory: Size.gibibytes(8), minCopies: 0, maxCopies: 2 });
    zero.addInferenceComponent('Embed', { image: gpuImage(), acceleratorCount: 1, minMemory: Size.gibibytes(8) });
    const one = new InferenceComponentEndpoint(stack, 'One', { instanceType: InstanceType.ML_G5_12XLARGE, minInstanceCount: 1, maxInstanceCount: 2 });
    one.addInferenceComponent('Embed', { image: gpuImage(), acceleratorCount: 1, minMemory: Size.gibibytes(8) });
    Annotations.fromStack(stack).hasNoWarning('*', WARNING);
  });
});

describe('containers added to an endpoint variant model later', () => {
  test('fails at synth for an added container whose image does not run on the variant instance type', () => {
    // GIVEN
    const stack = newStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { image: preprocessImage(), instanceType: InstanceType.ML_M5_LARGE });
    // WHEN
    endpoint.defaultVariant.model.addContainer({ image: gpuImage() });
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/instanceType \(for addContainer\(#2\)\.image\)/);
  });
});
