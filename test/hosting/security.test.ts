import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { cpuImage, gpuImage, MODEL_DATA, newStack } from './fixtures';
import { InstanceType } from '../../src/compute/instance-type';
import { AsyncEndpoint, Endpoint, IncludeInferenceResponseIn, S3Location } from '../../src/hosting';

/** Every Allow statement of every IAM policy in the stack, resolved. */
function statements(stack: any): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values<any>(policies).flatMap(p => p.Properties.PolicyDocument.Statement);
}

function statementsWith(stack: any, action: string): any[] {
  return statements(stack).filter(s => [s.Action].flat().includes(action));
}

describe('hosting security defaults', () => {
  test('the VPC permissions name network interfaces and subnets; only the describe actions are on *', () => {
    // GIVEN
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });

    // WHEN
    new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, vpc });

    // THEN
    const onStar = statements(stack).filter(s => [s.Resource].flat().includes('*')).flatMap(s => [s.Action].flat());
    expect(onStar.filter(a => a.startsWith('ec2:')).sort()).toEqual([
      'ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs',
    ]);
    const create = statementsWith(stack, 'ec2:CreateNetworkInterface');
    expect(create).toHaveLength(1);
    const resources = JSON.stringify(create[0].Resource);
    expect(resources).toMatch(/:network-interface\/\*/);
    expect(resources).toMatch(/:security-group\/\*/);
    expect((resources.match(/:subnet\//g) ?? []).length).toBe(2); // the two private subnets, by id
    expect(resources).toMatch(/VpcPrivateSubnet1Subnet/);
    for (const action of ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission']) {
      const found = statementsWith(stack, action);
      expect(found).toHaveLength(1);
      expect(JSON.stringify(found[0].Resource)).toMatch(/:network-interface\/\*"/);
    }
  });

  test('the model role may write only its own endpoint log group when the endpoint has a name', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, endpointName: 'fraud-scoring' });

    // THEN
    const logs = statementsWith(stack, 'logs:PutLogEvents');
    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs[0].Resource)).toContain('log-group:/aws/sagemaker/Endpoints/fraud-scoring:*');
    expect(JSON.stringify(logs[0].Resource)).not.toContain('Endpoints/*');
  });

  test('without an endpoint name the model role covers SageMaker\'s endpoint log groups only', () => {
    const stack = newStack();
    new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    const logs = statementsWith(stack, 'logs:PutLogEvents');
    expect(JSON.stringify(logs[0].Resource)).toContain('log-group:/aws/sagemaker/Endpoints/*');
  });

  test('a key for async results or captured data that differs from the bucket key allows kms:Decrypt (multipart uploads)', () => {
    // GIVEN
    const stack = newStack();
    const bucketKey = new kms.Key(stack, 'BucketKey');
    const bucket = new s3.Bucket(stack, 'Out', { encryptionKey: bucketKey });
    const outputKey = new kms.Key(stack, 'OutputKey');
    const captureKey = new kms.Key(stack, 'CaptureKey');

    // WHEN
    new AsyncEndpoint(stack, 'Async', {
      image: gpuImage(),
      modelData: MODEL_DATA,
      instanceType: InstanceType.ML_G5_XLARGE,
      outputPath: S3Location.fromBucket(bucket, 'out'),
      inputLocation: S3Location.fromBucket(bucket, 'in'),
      outputEncryptionKey: outputKey,
      dataCapture: { destination: S3Location.fromBucket(bucket, 'capture'), encryptionKey: captureKey },
    });

    // THEN
    for (const key of ['OutputKey', 'CaptureKey']) {
      const onKey = statements(stack).filter(s => JSON.stringify(s.Resource).includes(key)).flatMap(s => [s.Action].flat());
      expect(onKey.sort()).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
    }
  });

  test('an AsyncEndpoint without inputLocation warns that requests cannot be read, and says what to do', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Out');

    // WHEN
    new AsyncEndpoint(stack, 'Async', {
      image: gpuImage(), instanceType: InstanceType.ML_G5_XLARGE, outputPath: S3Location.fromBucket(bucket, 'out'),
    });
    new AsyncEndpoint(stack, 'WithInput', {
      image: gpuImage(),
      instanceType: InstanceType.ML_G5_XLARGE,
      outputPath: S3Location.fromBucket(bucket, 'out'),
      inputLocation: S3Location.fromBucket(bucket, 'in'),
    });

    // THEN
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('inputLocation is not set'));
    expect(warnings.map(w => w.id)).toEqual(['/TestStack/Async']);
    expect(JSON.stringify(warnings[0].entry.data)).toMatch(/S3Location.fromBucket.*endpoint.role/);
  });

  test('a security group added to endpoint.connections reaches the VpcConfig of every model, and rules land on it', () => {
    // GIVEN
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const endpoint = new Endpoint(stack, 'Endpoint', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, vpc });
    endpoint.addVariant('Canary', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    const extra = new ec2.SecurityGroup(stack, 'Extra', { vpc });
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc });

    // WHEN
    endpoint.connections.addSecurityGroup(extra);
    endpoint.connections.allowFrom(client, ec2.Port.tcp(443));

    // THEN
    const models = Object.values<any>(Template.fromStack(stack).findResources('AWS::SageMaker::Model'));
    expect(models).toHaveLength(2);
    for (const model of models) {
      expect(model.Properties.VpcConfig.SecurityGroupIds).toEqual([
        { 'Fn::GetAtt': [expect.stringMatching(/^EndpointSecurityGroup/), 'GroupId'] },
        { 'Fn::GetAtt': [expect.stringMatching(/^Extra/), 'GroupId'] },
      ]);
    }
    for (const variant of endpoint.variants) {
      expect(variant.model.connections).toBe(endpoint.connections);
    }
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Extra'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Client'), 'GroupId'] },
      FromPort: 443,
    });
  });

  test('fails when autoscaling bounds contradict the initial instance count', () => {
    // GIVEN
    const stack = newStack();
    const one = new Endpoint(stack, 'One', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE });
    const two = new Endpoint(stack, 'Two', { image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, initialInstanceCount: 2 });

    // THEN
    expect(() => one.autoScaleInstanceCount({ minCapacity: 2, maxCapacity: 4 }))
      .toThrow(/minCapacity 2 is more than initialInstanceCount 1; use a minCapacity of at most 1/);
    expect(() => two.autoScaleInstanceCount({ minCapacity: 1, maxCapacity: 1 }))
      .toThrow(/maxCapacity 1 is less than initialInstanceCount 2; use a maxCapacity of at least 2/);
    expect(() => two.autoScaleInstanceCount({ minCapacity: 2, maxCapacity: 2 })).not.toThrow();
  });

  test('fails when an AsyncEndpoint scales from a minimum above its initial count', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Out');
    expect(() => new AsyncEndpoint(stack, 'Async', {
      image: gpuImage(),
      instanceType: InstanceType.ML_G5_XLARGE,
      outputPath: S3Location.fromBucket(bucket, 'out'),
      inputLocation: S3Location.fromBucket(bucket, 'in'),
      minCapacity: 2,
      maxCapacity: 3,
    })).toThrow(/minCapacity 2 is more than initialInstanceCount 1/);
  });

  test('warns when the containers are placed in public subnets', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    new Endpoint(stack, 'Endpoint', {
      image: cpuImage(), instanceType: InstanceType.ML_M5_LARGE, vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('vpcSubnets selects public subnets'));
  });

  test('warns when inference responses go through a topic without a KMS key', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Out');
    new AsyncEndpoint(stack, 'Async', {
      image: gpuImage(),
      instanceType: InstanceType.ML_G5_XLARGE,
      outputPath: S3Location.fromBucket(bucket, 'out'),
      inputLocation: S3Location.fromBucket(bucket, 'in'),
      notifications: {
        successTopic: new sns.Topic(stack, 'Plain'),
        errorTopic: new sns.Topic(stack, 'Encrypted', { masterKey: new kms.Key(stack, 'TopicKey') }),
        includeInferenceResponseIn: [IncludeInferenceResponseIn.SUCCESS_NOTIFICATION_TOPIC, IncludeInferenceResponseIn.ERROR_NOTIFICATION_TOPIC],
      },
    });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('includeInferenceResponseIn'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0].entry.data)).toContain('TestStack/Plain');
  });
});
