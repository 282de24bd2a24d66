import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { InstanceType } from '../../src/compute/instance-type';
import { AsyncEndpoint, Endpoint, S3Location } from '../../src/hosting';
import { EntryPoint } from '../../src/image/entry-point';
import { SageMakerImage } from '../../src/image/sagemaker-image';
import { SageMakerSecurityChecks } from '../../src/security';
import { TrainingJob } from '../../src/training';

const TRAIN = SageMakerImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1.0-cpu', { entryPoint: EntryPoint.program('train.py') });
const SERVE = SageMakerImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1.0-cpu', { entryPoint: EntryPoint.program('inference.py') });

function errors(stack: Stack): string[] {
  return Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('SageMakerSecurityChecks'))
    .map(e => String(e.entry.data));
}

function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' } });
}

describe('SageMakerSecurityChecks', () => {
  test('fails every default training job and endpoint on each requirement, naming the prop that sets it', () => {
    // GIVEN
    const stack = newStack();
    new TrainingJob(stack, 'Job', { image: TRAIN, instanceType: InstanceType.ML_M5_LARGE, instanceCount: 2 });
    new Endpoint(stack, 'Endpoint', { image: SERVE, instanceType: InstanceType.ML_M5_LARGE });

    // WHEN
    Aspects.of(stack).add(new SageMakerSecurityChecks({
      requireNetworkIsolation: true,
      requireVpc: true,
      requireVolumeEncryptionKey: true,
      requireOutputEncryptionKey: true,
      requireInterContainerEncryption: true,
    }));

    // THEN
    const found = errors(stack);
    const job = found.filter(e => e.includes('training job TestStack/Job/Resource'));
    expect(job.map(e => e.replace(/^.*Resource\/Default: /, '').split(';')[0]).sort()).toEqual([
      'EnableInterContainerTrafficEncryption is not true for 2 instances',
      'EnableNetworkIsolation is not true',
      'OutputDataConfig.KmsKeyId is not set',
      'ResourceConfig.VolumeKmsKeyId is not set',
      'VpcConfig is not set',
    ]);
    expect(job.join('\n')).toMatch(/set interContainerEncryption: true on the TrainingJob/);
    expect(found.filter(e => e.includes('model TestStack/Endpoint/AllTraffic/Model/Resource'))).toHaveLength(2);
    expect(found.filter(e => e.includes('endpoint configuration TestStack/Endpoint/Config'))).toEqual([
      expect.stringMatching(/KmsKeyId is not set.*set encryptionKey on the endpoint/),
    ]);
  });

  test('accepts resources that meet every requirement', () => {
    // GIVEN
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Out');
    new TrainingJob(stack, 'Job', {
      image: TRAIN,
      instanceType: InstanceType.ML_M5_LARGE,
      instanceCount: 2,
      vpc,
      networkIsolation: true,
      interContainerEncryption: true,
      volumeEncryptionKey: key,
      outputEncryptionKey: key,
    });
    new AsyncEndpoint(stack, 'Endpoint', {
      image: SERVE,
      instanceType: InstanceType.ML_M5_LARGE,
      vpc,
      networkIsolation: true,
      encryptionKey: key,
      outputPath: S3Location.fromBucket(bucket, 'out'),
      inputLocation: S3Location.fromBucket(bucket, 'in'),
      outputEncryptionKey: key,
      dataCapture: { destination: S3Location.fromBucket(bucket, 'capture'), encryptionKey: key },
    });

    // WHEN
    Aspects.of(stack).add(new SageMakerSecurityChecks({
      requireNetworkIsolation: true,
      requireVpc: true,
      requireVolumeEncryptionKey: true,
      requireOutputEncryptionKey: true,
      requireInterContainerEncryption: true,
    }));

    // THEN
    expect(errors(stack)).toEqual([]);
  });

  test('requires nothing it is not given, and no inter-container encryption of a one-instance job', () => {
    const stack = newStack();
    new TrainingJob(stack, 'Job', { image: TRAIN, instanceType: InstanceType.ML_M5_LARGE });
    new Endpoint(stack, 'Endpoint', { image: SERVE, instanceType: InstanceType.ML_M5_LARGE });
    Aspects.of(stack).add(new SageMakerSecurityChecks({ requireInterContainerEncryption: true }));
    Aspects.of(stack).add(new SageMakerSecurityChecks());
    expect(errors(stack)).toEqual([]);
  });

  test('fails an async endpoint and a data capture without an output key', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Out');
    new AsyncEndpoint(stack, 'Endpoint', {
      image: SERVE,
      instanceType: InstanceType.ML_M5_LARGE,
      outputPath: S3Location.fromBucket(bucket, 'out'),
      inputLocation: S3Location.fromBucket(bucket, 'in'),
      dataCapture: { destination: S3Location.fromBucket(bucket, 'capture') },
    });
    Aspects.of(stack).add(new SageMakerSecurityChecks({ requireOutputEncryptionKey: true }));
    expect(errors(stack).map(e => e.replace(/^.*Config: /, '').split(';')[0]).sort()).toEqual([
      'AsyncInferenceConfig.OutputConfig.KmsKeyId is not set',
      'DataCaptureConfig.KmsKeyId is not set',
    ]);
  });
});
