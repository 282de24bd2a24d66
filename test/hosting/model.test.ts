import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CPU_URI, cpuImage, gpuImage, MODEL_DATA, newStack, only } from './fixtures';
import { ModelData } from '../../src/artifacts';
import { ContainerLogLevel, Model } from '../../src/hosting';
import { BaseImage } from '../../src/image/base-image';
import { EntryPoint } from '../../src/image/entry-point';
import { SageMakerImage } from '../../src/image/sagemaker-image';

describe('Model', () => {
  test('sets the program, the submit directory the inference toolkit reads, the region and the log level', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new Model(stack, 'Model', { image: cpuImage(), modelData: MODEL_DATA });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: {
        Image: CPU_URI,
        ModelDataUrl: 's3://models/model.tar.gz',
        Mode: 'SingleModel',
        Environment: {
          SAGEMAKER_PROGRAM: 'inference.py',
          SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code',
          SAGEMAKER_REGION: 'eu-west-1',
          SAGEMAKER_CONTAINER_LOG_LEVEL: '20',
        },
      },
    });
  });

  test('sets the serving module and no submit directory for a serving-module image', () => {
    const stack = newStack();
    new Model(stack, 'Model', { image: gpuImage() });
    const model = only(Template.fromStack(stack), 'AWS::SageMaker::Model');
    expect(model.Properties.PrimaryContainer.Environment).toEqual({
      SAGEMAKER_SERVING_MODULE: 'my_pkg.serving:app',
      SAGEMAKER_REGION: 'eu-west-1',
      SAGEMAKER_CONTAINER_LOG_LEVEL: '20',
    });
    expect(model.Properties.PrimaryContainer.ModelDataUrl).toBeUndefined();
  });

  test('overrides the submit directory and the log level, and adds the user environment', () => {
    const stack = newStack();
    new Model(stack, 'Model', {
      image: cpuImage(),
      submitDirectory: '/opt/ml/code',
      logLevel: ContainerLogLevel.DEBUG,
      environment: { MODEL_THREADS: '4' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: {
        Environment: {
          SAGEMAKER_PROGRAM: 'inference.py',
          SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/code',
          SAGEMAKER_CONTAINER_LOG_LEVEL: '10',
          MODEL_THREADS: '4',
        },
      },
    });
  });

  describe('the submit directory of a directory image', () => {
    const dirs: string[] = [];
    function serveDirectory(files: { [name: string]: string }): string {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-'));
      dirs.push(dir);
      for (const [name, content] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), content);
      }
      return dir;
    }
    afterAll(() => dirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

    function submitDirectoryOf(image: SageMakerImage, submitDirectory?: string): string {
      const stack = newStack();
      new Model(stack, 'Model', { image, modelData: MODEL_DATA, submitDirectory });
      return only(Template.fromStack(stack), 'AWS::SageMaker::Model').Properties.PrimaryContainer.Environment.SAGEMAKER_SUBMIT_DIRECTORY;
    }

    test('defaults to /opt/ml/code, where the rendered Dockerfile copied the code, not to the archive\'s code folder', () => {
      // GIVEN a directory of code only: the library renders its Dockerfile
      const image = SageMakerImage.fromDirectory(serveDirectory({ 'inference.py': 'x' }), {
        baseImage: BaseImage.fromRegistry('123456789012.dkr.ecr.eu-west-1.amazonaws.com/base:1'),
        entryPoint: EntryPoint.program('inference.py'),
      });
      // THEN
      expect(submitDirectoryOf(image)).toBe('/opt/ml/code');
    });

    test('stays overridable by submitDirectory', () => {
      const image = SageMakerImage.fromDirectory(serveDirectory({ 'inference.py': 'x' }), {
        baseImage: BaseImage.fromRegistry('123456789012.dkr.ecr.eu-west-1.amazonaws.com/base:1'),
        entryPoint: EntryPoint.program('inference.py'),
      });
      expect(submitDirectoryOf(image, '/opt/ml/model/code')).toBe('/opt/ml/model/code');
    });

    test('defaults to the archive\'s code folder for a directory with its own Dockerfile', () => {
      const image = SageMakerImage.fromDirectory(serveDirectory({ 'Dockerfile': 'FROM scratch\n', 'inference.py': 'x' }), {
        entryPoint: EntryPoint.program('inference.py'),
      });
      expect(submitDirectoryOf(image)).toBe('/opt/ml/model/code');
    });
  });

  test('has no fixed name, so a change replaces it', () => {
    const stack = newStack();
    new Model(stack, 'Model', { image: cpuImage() });
    expect(only(Template.fromStack(stack), 'AWS::SageMaker::Model').Properties.ModelName).toBeUndefined();
  });

  test('creates a least-privilege role: logs, metrics, ECR pull and model data read, no managed policy', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');

    // WHEN
    new Model(stack, 'Model', { image: cpuImage(), modelData: ModelData.fromBucket(bucket, 'm/model.tar.gz') });

    // THEN
    const template = Template.fromStack(stack);
    const role = only(template, 'AWS::IAM::Role');
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'sagemaker.amazonaws.com' });
    const statements = only(template, 'AWS::IAM::Policy').Properties.PolicyDocument.Statement;
    const actions = statements.flatMap((s: any) => [].concat(s.Action));
    expect(actions).toEqual(expect.arrayContaining([
      'logs:CreateLogStream', 'logs:PutLogEvents', 'cloudwatch:PutMetricData',
      'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:GetAuthorizationToken', 's3:GetObject',
    ]));
    // no wildcard action at all (cdk-nag AwsSolutions-IAM5), and read on the one archive only
    expect(actions.filter((a: string) => a.endsWith('*'))).toEqual([]);
    expect(statements.filter((s: any) => [].concat(s.Action).some((a: string) => a.startsWith('s3:')))).toEqual([{
      Action: 's3:GetObject',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Bucket/), 'Arn'] }, '/m/model.tar.gz']] },
    }]);
    const metrics = statements.find((s: any) => s.Action === 'cloudwatch:PutMetricData');
    expect(metrics.Condition).toEqual({ StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'AWS/SageMaker'] } });
  });

  test('waits for its role policy before creation', () => {
    const stack = newStack();
    new Model(stack, 'Model', { image: cpuImage() });
    const template = Template.fromStack(stack);
    const policyId = Object.keys(template.findResources('AWS::IAM::Policy'))[0];
    expect(only(template, 'AWS::SageMaker::Model').DependsOn).toEqual([policyId]);
  });

  test('uses a given role and grants it the image pull', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Mine', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const model = new Model(stack, 'Model', { image: cpuImage(), role });
    expect(model.role).toBe(role);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Mine') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'ecr:GetAuthorizationToken' })]) },
    });
  });

  test('runs in a VPC with a new security group and the ENI permissions', () => {
    // GIVEN
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });

    // WHEN
    const model = new Model(stack, 'Model', { image: cpuImage(), vpc, networkIsolation: true });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::Model', {
      EnableNetworkIsolation: true,
      VpcConfig: {
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^ModelSecurityGroup'), 'GroupId'] }],
        Subnets: [{ Ref: Match.stringLikeRegexp('PrivateSubnet1') }, { Ref: Match.stringLikeRegexp('PrivateSubnet2') }],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'ec2:CreateNetworkInterface' })]) },
    });
    expect(model.connections.securityGroups).toHaveLength(1);
  });

  test('fails to give connections outside a VPC', () => {
    const stack = newStack();
    const model = new Model(stack, 'Model', { image: cpuImage() });
    expect(() => model.connections).toThrow(/^TestStack\/Model: connections is not available: this model is not in a VPC; set vpc/);
  });

  test('reads a token model data URI as is', () => {
    const stack = newStack();
    const uri = Token.asString({ 'Fn::GetAtt': ['Job', 'ModelArtifacts.S3ModelArtifacts'] });
    new Model(stack, 'Model', { image: cpuImage(), modelData: ModelData.fromS3Uri(uri) });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: { ModelDataUrl: { 'Fn::GetAtt': ['Job', 'ModelArtifacts.S3ModelArtifacts'] } },
    });
  });

  test('warns that submitDirectory is unused with a serving module', () => {
    const stack = newStack();
    new Model(stack, 'Model', { image: gpuImage(), submitDirectory: '/opt/ml/model/code' });
    Annotations.fromStack(stack).hasWarning('/TestStack/Model', Match.stringLikeRegexp("submitDirectory '/opt/ml/model/code' is set but the image's entry point is the serving module"));
  });

  test('fails when the environment sets a variable the library sets, naming the prop to use', () => {
    const stack = newStack();
    expect(() => new Model(stack, 'Model', {
      image: cpuImage(),
      environment: { SAGEMAKER_SUBMIT_DIRECTORY: '/x', SAGEMAKER_CONTAINER_LOG_LEVEL: '10', SAGEMAKER_REGION: 'us-east-1' },
    })).toThrow(/3 problems[\s\S]*SAGEMAKER_SUBMIT_DIRECTORY is set by this library; use submitDirectory[\s\S]*SAGEMAKER_CONTAINER_LOG_LEVEL .* use logLevel[\s\S]*SAGEMAKER_REGION/);
  });

  test('fails when the environment conflicts with the image entry point or environment', () => {
    const stack = newStack();
    const image = SageMakerImage.fromImageUri(CPU_URI, { entryPoint: EntryPoint.program('inference.py'), environment: { WORKERS: '2' } });
    expect(() => new Model(stack, 'Model', { image, environment: { SAGEMAKER_PROGRAM: 'other.py', WORKERS: '4' } }))
      .toThrow(/^TestStack\/Model: 2 problems:\n- environment SAGEMAKER_PROGRAM='other.py' conflicts with the image's SAGEMAKER_PROGRAM='inference.py'[^\n]*\n- environment WORKERS='4' conflicts with the image's WORKERS='2'/);
  });

  test('fails on a training entry point', () => {
    const stack = newStack();
    const image = SageMakerImage.fromImageUri(CPU_URI, { entryPoint: EntryPoint.trainingModule('my_pkg.train:main') });
    expect(() => new Model(stack, 'Model', { image })).toThrow(/trainingModule 'my_pkg.train:main' cannot start a HOSTING container/);
  });

  test('fails on a relative submitDirectory and on securityGroups without vpc', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    expect(() => new Model(stack, 'Model', { image: cpuImage(), submitDirectory: 'code', securityGroups: [sg] }))
      .toThrow(/vpcSubnets and securityGroups need vpc[\s\S]*submitDirectory 'code' is not an absolute path/);
  });

  test('imports a model by name, ARN or attributes', () => {
    const stack = newStack();
    const byName = Model.fromModelName(stack, 'ByName', 'My-Model');
    expect(stack.resolve(byName.modelArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-west-1:123456789012:model/my-model']] });
    const byArn = Model.fromModelArn(stack, 'ByArn', 'arn:aws:sagemaker:us-east-1:111111111111:model/other');
    expect(byArn.modelName).toBe('other');
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/model');
    expect(Model.fromModelAttributes(stack, 'Attrs', { modelName: 'm', role }).grantPrincipal).toBe(role);
    expect(() => Model.fromModelAttributes(stack, 'None', {})).toThrow(/needs modelName or modelArn/);
  });
});
