import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { InstanceType } from '../../src/compute/instance-type';
import { EntryPoint } from '../../src/image/entry-point';
import { SageMakerImage } from '../../src/image/sagemaker-image';
import { S3DataType, TrainingInput, TrainingInputMode, TrainingJob } from '../../src/training';

const IMAGE = SageMakerImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1.0-cpu', { entryPoint: EntryPoint.program('train.py') });

function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' } });
}

/** Every statement of the job role's policy. */
function roleStatements(stack: Stack, job: TrainingJob): any[] {
  const roleId = stack.resolve(job.role.roleArn)['Fn::GetAtt'][0];
  return Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter(p => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap(p => p.Properties.PolicyDocument.Statement);
}

function withAction(statements: any[], action: string): any[] {
  return statements.filter(s => [s.Action].flat().includes(action));
}

describe('training security defaults', () => {
  test('the default output bucket is SSE-KMS with bucket keys: the AWS managed key, or the output key when given', () => {
    // GIVEN
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');

    // WHEN
    new TrainingJob(stack, 'Plain', { image: IMAGE, instanceType: InstanceType.ML_M5_LARGE });
    new TrainingJob(stack, 'Keyed', { image: IMAGE, instanceType: InstanceType.ML_M5_LARGE, outputEncryptionKey: key });

    // THEN
    const template = Template.fromStack(stack);
    const buckets = template.findResources('AWS::S3::Bucket');
    const rules = Object.entries<any>(buckets).map(([id, b]) => [id.replace(/OutputBucket.*/, ''),
      b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]]);
    expect(rules).toEqual([
      ['Plain', { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
      ['Keyed', {
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } },
      }],
    ]);
  });

  test('the default output bucket logs access where outputBucketAccessLogs says', () => {
    const stack = newStack();
    const logs = new s3.Bucket(stack, 'Logs');
    new TrainingJob(stack, 'Job', { image: IMAGE, instanceType: InstanceType.ML_M5_LARGE, outputBucketAccessLogs: logs, outputBucketAccessLogsPrefix: 'jobs/' });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^Logs') }, LogFilePrefix: 'jobs/' },
    });
  });

  test('fails when outputBucketAccessLogs is given with outputBucket, or its prefix without it', () => {
    const stack = newStack();
    const logs = new s3.Bucket(stack, 'Logs');
    const out = new s3.Bucket(stack, 'Out');
    expect(() => new TrainingJob(stack, 'Job', { image: IMAGE, instanceType: InstanceType.ML_M5_LARGE, outputBucket: out, outputBucketAccessLogs: logs }))
      .toThrow(/outputBucketAccessLogs is set but so is outputBucket/);
    expect(() => new TrainingJob(stack, 'Job2', { image: IMAGE, instanceType: InstanceType.ML_M5_LARGE, outputBucketAccessLogsPrefix: 'x/' }))
      .toThrow(/outputBucketAccessLogsPrefix is set but outputBucketAccessLogs is not/);
  });

  test('the role writes only the log streams of its own job names, and the volume key gets kms:CreateGrant only', () => {
    // GIVEN
    const stack = newStack();
    const volumeKey = new kms.Key(stack, 'VolumeKey');

    // WHEN
    const job = new TrainingJob(stack, 'Job', {
      image: IMAGE, instanceType: InstanceType.ML_M5_LARGE, trainingJobNamePrefix: 'Fraud', volumeEncryptionKey: volumeKey,
    });

    // THEN
    const statements = roleStatements(stack, job);
    const put = withAction(statements, 'logs:PutLogEvents');
    expect(put).toHaveLength(1);
    expect(JSON.stringify(put[0].Resource)).toContain('log-group:/aws/sagemaker/TrainingJobs:log-stream:Fraud-*');
    expect(JSON.stringify(put[0].Resource)).toContain('log-group:/aws/sagemaker/TrainingJobs:log-stream:fraud-*');
    expect(JSON.stringify(put[0].Resource)).not.toMatch(/TrainingJobs:\*/);
    const onVolumeKey = statements.filter(s => JSON.stringify(s.Resource).includes('VolumeKey')).flatMap(s => [s.Action].flat());
    expect(onVolumeKey).toEqual(['kms:CreateGrant']);
  });

  test('the VPC permissions name network interfaces and the selected subnets; only the describe actions are on *', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const job = new TrainingJob(stack, 'Job', { image: IMAGE, instanceType: InstanceType.ML_M5_LARGE, vpc });
    const statements = roleStatements(stack, job);
    const onStar = statements.filter(s => [s.Resource].flat().includes('*')).flatMap(s => [s.Action].flat()).filter(a => a.startsWith('ec2:'));
    expect(onStar.sort()).toEqual(['ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs']);
    expect((JSON.stringify(withAction(statements, 'ec2:CreateNetworkInterface')[0].Resource).match(/:subnet\//g) ?? []).length).toBe(2);
  });

  test('warns when several instances run without inter-container encryption', () => {
    const stack = newStack();
    new TrainingJob(stack, 'Open', { image: IMAGE, instanceType: InstanceType.ML_M5_LARGE, instanceCount: 2 });
    new TrainingJob(stack, 'Sealed', { image: IMAGE, instanceType: InstanceType.ML_M5_LARGE, instanceCount: 2, interContainerEncryption: true });
    new TrainingJob(stack, 'Single', { image: IMAGE, instanceType: InstanceType.ML_M5_LARGE });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('without interContainerEncryption'));
    expect(warnings.map(w => w.id)).toEqual(['/TestStack/Open']);
  });

  test('a manifest channel grants read on the objects the manifest lists', () => {
    // GIVEN
    const stack = newStack();
    const data = new s3.Bucket(stack, 'Data');
    const images = new s3.Bucket(stack, 'Images');

    // WHEN
    const job = new TrainingJob(stack, 'Job', {
      image: IMAGE,
      instanceType: InstanceType.ML_M5_LARGE,
      inputs: [
        TrainingInput.fromBucket('train', data, 'manifests/train.manifest', { dataType: S3DataType.MANIFEST_FILE }),
        TrainingInput.fromBucket('test', data, 'manifests/test.manifest', {
          dataType: S3DataType.AUGMENTED_MANIFEST_FILE, inputMode: TrainingInputMode.PIPE, manifestDataBucket: images, manifestDataPrefix: 'raw/',
        }),
      ],
    });

    // THEN
    const gets = JSON.stringify(withAction(roleStatements(stack, job), 's3:GetObject').map(s => s.Resource));
    expect(gets).toMatch(/"\/manifests\/\*"/); // the default: the manifest's folder
    expect(gets).toMatch(/Images[0-9A-F]{8}","Arn"\]\},"\/raw\/\*"/);
  });

  test('fails when the handler log key differs from the one the stack\'s handlers already use', () => {
    // GIVEN
    const stack = newStack();
    const key = new kms.Key(stack, 'LogsKey');
    new TrainingJob(stack, 'First', { image: IMAGE, instanceType: InstanceType.ML_M5_LARGE });

    // THEN
    expect(() => new TrainingJob(stack, 'Second', { image: IMAGE, instanceType: InstanceType.ML_M5_LARGE, handlerLogsEncryptionKey: key }))
      .toThrow(/handlerLogsEncryptionKey TestStack\/LogsKey is not allowed: the stack's training handlers already log to groups without a key/);
  });

  test('the handler log groups take the key, whose policy lets CloudWatch Logs use it', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'LogsKey');
    new TrainingJob(stack, 'Job', { image: IMAGE, instanceType: InstanceType.ML_M5_LARGE, handlerLogsEncryptionKey: key });
    const template = Template.fromStack(stack);
    const groups = Object.values<any>(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^LogsKey/), 'Arn'] });
    }
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logs.eu-west-1.amazonaws.com' } })]) },
    });
  });
});
