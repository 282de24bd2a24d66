import { withoutUnmodelled } from '../../integ/local-cloud/unmodelled';

function stackOf(resources: Record<string, any>, outputs?: Record<string, any>): any {
  return { artifactId: 'S', stackName: 'S', templateFile: 'S.template.json', template: { Resources: resources, Outputs: outputs }, fileAssets: [], imageAssets: [] };
}

describe('withoutUnmodelled', () => {
  test('leaves out inference components, a configuration without models and what depends on them, naming why', () => {
    // GIVEN
    const stack = stackOf({
      Role: { Type: 'AWS::IAM::Role' },
      Config: { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ExecutionRoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] }, ProductionVariants: [{ InstanceType: 'ml.g5.12xlarge', VariantName: 'AllTraffic' }] } },
      Endpoint: { Type: 'AWS::SageMaker::Endpoint', Properties: { EndpointConfigName: { 'Fn::GetAtt': ['Config', 'EndpointConfigName'] } } },
      Model: { Type: 'AWS::SageMaker::Model', Properties: { ExecutionRoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      Component: { Type: 'AWS::SageMaker::InferenceComponent', Properties: { EndpointName: { 'Fn::GetAtt': ['Endpoint', 'EndpointName'] }, Specification: { ModelName: { 'Fn::GetAtt': ['Model', 'ModelName'] } } } },
      Target: { Type: 'AWS::ApplicationAutoScaling::ScalableTarget', DependsOn: ['Component'] },
    }, { Name: { Value: { 'Fn::GetAtt': ['Endpoint', 'EndpointName'] } }, RoleArn: { Value: { 'Fn::GetAtt': ['Role', 'Arn'] } } });
    // WHEN
    const { stack: modelled, unmodelled } = withoutUnmodelled(stack);
    // THEN
    expect(Object.keys(modelled.template.Resources)).toEqual(['Role', 'Model']);
    expect(Object.keys(modelled.template.Outputs)).toEqual(['RoleArn']);
    expect(unmodelled).toEqual(expect.arrayContaining([
      { logicalId: 'Component', type: 'AWS::SageMaker::InferenceComponent', reason: 'moto has no inference components' },
      expect.objectContaining({ logicalId: 'Config', reason: expect.stringMatching(/no ModelName/) }),
      { logicalId: 'Endpoint', type: 'AWS::SageMaker::Endpoint', reason: 'depends on Config, which moto cannot model' },
      expect.objectContaining({ logicalId: 'Target', reason: expect.stringMatching(/^depends on Component/) }),
    ]));
    expect(unmodelled).toHaveLength(4);
  });

  test('keeps a template with models on every variant as it is', () => {
    const stack = stackOf({
      Config: { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [{ InstanceType: 'ml.m5.large', ModelName: 'm' }] } },
      Serverless: { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [{ ServerlessConfig: {}, ModelName: 'm' }] } },
    });
    const result = withoutUnmodelled(stack);
    expect(result.stack).toBe(stack);
    expect(result.unmodelled).toEqual([]);
  });
});
