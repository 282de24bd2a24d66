// Endpoints composed with aws-cdk-lib's own modules, type-checked by ts-jest: each construct here accepts
// aws-cdk-lib's `aws_sagemaker.IEndpoint`, which our endpoints extend.
import { App, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import {
  Endpoint, EntryPoint, IEndpoint, InferenceComponentEndpoint, InstanceType, ModelData, SageMakerImage, ServerlessEndpoint,
} from '../../src';

const ENV = { account: '123456789012', region: 'eu-west-1' };

function image(): SageMakerImage {
  return SageMakerImage.fromImageUri('123456789012.dkr.ecr.eu-west-1.amazonaws.com/serve:1.0-cpu', {
    entryPoint: EntryPoint.program('inference.py'),
  });
}

function newEndpoint(stack: Stack, props: { endpointName?: string } = {}): Endpoint {
  return new Endpoint(stack, 'Endpoint', {
    image: image(),
    modelData: ModelData.fromS3Uri('s3://models/model.tar.gz'),
    instanceType: InstanceType.ML_M5_LARGE,
    ...props,
  });
}

function newFunction(stack: Stack, id = 'Handler'): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
}

describe('composition with aws-cdk-lib', () => {
  test('an endpoint is an aws_sagemaker.IEndpoint whose endpointRef carries its ARN', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env: ENV });

    // WHEN
    const endpoint = newEndpoint(stack);
    const asCdk: sagemaker.IEndpoint = endpoint;
    const imported: sagemaker.IEndpoint = Endpoint.fromEndpointName(stack, 'Imported', 'existing');

    // THEN
    expect(stack.resolve(asCdk.endpointRef.endpointArn)).toEqual(stack.resolve(endpoint.endpointArn));
    expect(stack.resolve(asCdk.endpointRef.endpointArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Endpoint/), 'EndpointArn'] });
    expect(stack.resolve(imported.endpointRef.endpointArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-west-1:123456789012:endpoint/existing']],
    });
  });

  test('API Gateway SagemakerIntegration invokes our endpoint with a role allowed to', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const endpoint = newEndpoint(stack);
    const api = new apigateway.RestApi(stack, 'Api');

    // WHEN
    api.root.addResource('predict').addMethod('POST', new apigateway.SagemakerIntegration(endpoint));

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      Integration: Match.objectLike({
        Type: 'AWS',
        Uri: {
          'Fn::Join': ['', Match.arrayWith([
            Match.stringLikeRegexp(':runtime.sagemaker:path/endpoints/$'),
            { 'Fn::GetAtt': [Match.stringLikeRegexp('^Endpoint'), 'EndpointName'] },
            '/invocations',
          ])],
        },
      }),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Endpoint'), 'EndpointArn'] },
        })]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('SagemakerRole') }],
    });
  });

  test('a serverless endpoint also goes behind SagemakerIntegration', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const endpoint = new ServerlessEndpoint(stack, 'Serverless', {
      image: image(),
      modelData: ModelData.fromS3Uri('s3://models/model.tar.gz'),
      memory: Size.gibibytes(2),
    });
    const api = new apigateway.RestApi(stack, 'Api');

    // WHEN
    api.root.addMethod('POST', new apigateway.SagemakerIntegration(endpoint));

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::Method', {
      Integration: Match.objectLike({
        Uri: {
          'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Serverless'), 'EndpointName'] }])],
        },
      }),
    });
  });

  test('a Lambda function granted invoke may call InvokeEndpoint on that endpoint only', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const endpoint = newEndpoint(stack);
    const fn = newFunction(stack);

    // WHEN
    endpoint.grantInvoke(fn);

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Endpoint'), 'EndpointArn'] },
        }],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^HandlerServiceRole') }],
    });
  });

  test('an endpoint imported by name in another stack of the same environment reads it through an export', () => {
    // GIVEN
    const app = new App();
    const serving = new Stack(app, 'Serving', { env: ENV });
    const endpoint = newEndpoint(serving);
    const consumer = new Stack(app, 'Consumer', { env: ENV });

    // WHEN
    const imported: IEndpoint = Endpoint.fromEndpointName(consumer, 'Imported', endpoint.endpointName);
    imported.grantInvoke(newFunction(consumer));
    const metric = imported.metricInvocations();

    // THEN
    const policy = Template.fromStack(consumer).findResources('AWS::IAM::Policy');
    const statement = (Object.values(policy)[0] as any).Properties.PolicyDocument.Statement[0];
    expect(JSON.stringify(statement.Resource)).toContain('Fn::ImportValue');
    expect(statement.Resource['Fn::Join'][1]).toContain(':sagemaker:eu-west-1:123456789012:endpoint/');
    expect(consumer.resolve(metric.dimensions!.EndpointName)).toEqual({ 'Fn::ImportValue': expect.stringMatching(/EndpointName/) });
    Template.fromStack(serving).hasOutput('*', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Endpoint'), 'EndpointName'] },
      Export: { Name: Match.stringLikeRegexp('EndpointName') },
    });
  });

  test('a named endpoint is read by a stack in another region by its name and lower-case ARN', () => {
    // GIVEN
    const app = new App();
    const serving = new Stack(app, 'Serving', { env: ENV });
    const endpoint = newEndpoint(serving, { endpointName: 'Fraud-Scorer' });
    const consumer = new Stack(app, 'Consumer', { env: { account: '123456789012', region: 'us-east-1' } });

    // WHEN
    const imported = Endpoint.fromEndpointName(consumer, 'Imported', endpoint.endpointName);
    const fn = newFunction(consumer);
    endpoint.grantInvoke(fn);

    // THEN
    expect(consumer.resolve(imported.endpointName)).toBe('Fraud-Scorer');
    Template.fromStack(consumer).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [Match.objectLike({
          Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'],
          Resource: {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-west-1:123456789012:endpoint/fraud-scorer']],
          },
        })],
      },
    });
  });
  test.each([
    ['Endpoint', (stack: Stack) => newEndpoint(stack, { endpointName: 'Fraud-Scorer' })],
    ['ServerlessEndpoint', (stack: Stack) => new ServerlessEndpoint(stack, 'Endpoint', {
      image: image(), modelData: ModelData.fromS3Uri('s3://models/model.tar.gz'), memory: Size.gibibytes(2), endpointName: 'Fraud-Scorer',
    })],
    ['InferenceComponentEndpoint', (stack: Stack) => new InferenceComponentEndpoint(stack, 'Endpoint', {
      instanceType: InstanceType.ML_M5_XLARGE, endpointName: 'Fraud-Scorer',
    })],
  ])('a named %s is referenced from another region by its literal name, not an export', (_kind, create) => {
    // GIVEN
    const app = new App();
    const serving = new Stack(app, 'Serving', { env: ENV });
    const endpoint: IEndpoint = create(serving);
    const consumer = new Stack(app, 'Consumer', { env: { account: '123456789012', region: 'us-east-1' } });

    // WHEN
    endpoint.grantInvoke(newFunction(consumer));

    // THEN
    const policy = Object.values(Template.fromStack(consumer).findResources('AWS::IAM::Policy'))[0] as any;
    const resource = JSON.stringify(policy.Properties.PolicyDocument.Statement[0].Resource);
    expect(resource).toContain(':sagemaker:eu-west-1:123456789012:endpoint/fraud-scorer');
    expect(resource).not.toContain('Fn::ImportValue');
  });
});
