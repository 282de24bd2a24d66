import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { cpuImage, newStack, only } from './fixtures';
import { ModelData } from '../../src/artifacts';
import { InstanceType } from '../../src/compute/instance-type';
import { Endpoint } from '../../src/hosting';

describe('multi-model endpoints', () => {
  test('a prefix of archives renders Mode MultiModel with the prefix as ModelDataUrl, and reads only under it', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Models');
    // WHEN
    new Endpoint(stack, 'Endpoint', { image: cpuImage(), modelData: ModelData.fromMultiModelPrefix(bucket, 'tenants/'), instanceType: InstanceType.ML_M5_LARGE });
    // THEN
    const template = Template.fromStack(stack);
    const container = only(template, 'AWS::SageMaker::Model').Properties.PrimaryContainer;
    expect(container.Mode).toBe('MultiModel');
    expect(container.ModelDataUrl).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Models/) }, '/tenants/']] });
    expect(container.ModelDataSource).toBeUndefined();
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Models/), 'Arn'] }, '/tenants/*']] },
    })]));
  });

  test('a single model keeps Mode SingleModel', () => {
    const stack = newStack();
    new Endpoint(stack, 'Endpoint', { image: cpuImage(), modelData: ModelData.fromS3Uri('s3://m/model.tar.gz'), instanceType: InstanceType.ML_M5_LARGE });
    expect(only(Template.fromStack(stack), 'AWS::SageMaker::Model').Properties.PrimaryContainer.Mode).toBe('SingleModel');
  });

  test('fails for a prefix without the trailing slash, naming what SageMaker requires', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'models');
    expect(() => ModelData.fromMultiModelPrefix(bucket, 'tenants')).toThrow(
      /^ModelData.fromMultiModelPrefix: prefix 'tenants' is not allowed; use a key prefix that ends with '\/'.*which SageMaker requires of a multi-model endpoint/);
  });
});
