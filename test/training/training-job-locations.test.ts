import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { S3Location } from '../../src/artifacts';
import { InstanceType } from '../../src/compute/instance-type';
import { EntryPoint } from '../../src/image/entry-point';
import { SageMakerImage } from '../../src/image/sagemaker-image';
import { TrainingJob, TrainingJobProps } from '../../src/training';

const IMAGE = SageMakerImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1.0-cpu', {
  entryPoint: EntryPoint.program('train.py'),
});
const BASE = { image: IMAGE, instanceType: InstanceType.ML_M5_LARGE };

/** A stack (always named alike, so two syntheses can be compared) with a KMS-encrypted bucket `Data`. */
function newStack(): { stack: Stack; bucket: s3.Bucket } {
  const stack = new Stack(new App(), 'TestStack');
  const bucket = new s3.Bucket(stack, 'Data', { encryptionKey: new kms.Key(stack, 'DataKey') });
  return { stack, bucket };
}

/** The whole template of a job whose props are built in its stack. */
function templateOf(props: (stack: Stack, bucket: s3.Bucket) => Partial<TrainingJobProps>): any {
  const { stack, bucket } = newStack();
  new TrainingJob(stack, 'Job', { ...BASE, ...props(stack, bucket) });
  return Template.fromStack(stack).toJSON();
}

function requestOf(template: any): any {
  return Object.values<any>(template.Resources).find((r) => r.Type === 'Custom::SageMakerTrainingJob').Properties;
}

describe('TrainingJob S3 locations', () => {
  describe('the new props synthesize what the deprecated ones did', () => {
    test('outputLocation from a bucket and prefix: the same request, job name and grants as outputBucket + outputPrefix', () => {
      // GIVEN / WHEN
      const old = templateOf((_s, bucket) => ({ outputBucket: bucket, outputPrefix: '/models/run/' }));
      const now = templateOf((_s, bucket) => ({ outputLocation: S3Location.fromBucket(bucket, 'models/run/') }));
      // THEN: the job name hashes the request, so a migrated job is not trained again
      expect(now).toEqual(old);
      expect(JSON.stringify(requestOf(now).Request.OutputDataConfig.S3OutputPath)).toMatch(/\/models\/run"/);
    });

    test('outputLocation from a concrete URI: the bucket is imported by name, as outputBucket of that name was', () => {
      const old = templateOf((stack) => ({ outputBucket: s3.Bucket.fromBucketName(stack, 'Out', 'my-models'), outputPrefix: 'jobs' }));
      const now = templateOf(() => ({ outputLocation: S3Location.fromS3Uri('s3://my-models/jobs/') }));
      expect(now).toEqual(old);
      const { stack } = newStack();
      const job = new TrainingJob(stack, 'Job', { ...BASE, outputLocation: S3Location.fromS3Uri('s3://my-models/jobs/') });
      expect(job.outputBucket.bucketName).toBe('my-models');
    });

    test('outputLocation from a token URI with its bucket: the same as outputBucket + the literal prefix', () => {
      const old = templateOf((_s, bucket) => ({ outputBucket: bucket, outputPrefix: 'jobs' }));
      const now = templateOf((_s, bucket) => ({ outputLocation: S3Location.fromS3Uri(bucket.s3UrlForObject('jobs/'), { bucket }) }));
      expect(now).toEqual(old);
    });

    test('checkpointLocation from a bucket: the same request and read-write grant as checkpointS3Uri + checkpointBucket', () => {
      const old = templateOf((_s, bucket) => ({ checkpointS3Uri: bucket.s3UrlForObject('checkpoints/'), checkpointBucket: bucket }));
      const now = templateOf((_s, bucket) => ({ checkpointLocation: S3Location.fromBucket(bucket, 'checkpoints') }));
      expect(now).toEqual(old);
    });

    test('checkpointLocation from a concrete URI: granted by the bucket name, as checkpointS3Uri was', () => {
      const old = templateOf(() => ({ checkpointS3Uri: 's3://my-checkpoints/run1', checkpointLocalPath: '/ckpt' }));
      const now = templateOf(() => ({ checkpointLocation: S3Location.fromS3Uri('s3://my-checkpoints/run1'), checkpointLocalPath: '/ckpt' }));
      expect(now).toEqual(old);
      expect(requestOf(now).Request.CheckpointConfig).toEqual({ S3Uri: 's3://my-checkpoints/run1', LocalPath: '/ckpt' });
      Template.fromJSON(now).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: 's3:ListBucket',
              Condition: { StringLike: { 's3:prefix': ['run1*'] } },
            }),
          ]),
        },
      });
    });
  });

  describe('the deprecated props still work', () => {
    test('outputBucket and outputPrefix set where the job writes', () => {
      const { stack, bucket } = newStack();
      const job = new TrainingJob(stack, 'Job', { ...BASE, outputBucket: bucket, outputPrefix: 'legacy/' });
      expect(job.outputBucket).toBe(bucket);
      Template.fromStack(stack).hasResourceProperties('Custom::SageMakerTrainingJob', {
        Request: { OutputDataConfig: { S3OutputPath: { 'Fn::Join': ['', ['s3://', { Ref: stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket) }, '/legacy']] } } },
      });
    });

    test('checkpointS3Uri is rendered as it is given', () => {
      const { stack } = newStack();
      new TrainingJob(stack, 'Job', { ...BASE, checkpointS3Uri: 's3://my-checkpoints/run1/' });
      expect(requestOf(Template.fromStack(stack).toJSON()).Request.CheckpointConfig).toEqual({ S3Uri: 's3://my-checkpoints/run1/' });
    });
  });

  describe('token URIs name the fix', () => {
    test('a token checkpointLocation without a bucket warns with S3Location.fromBucket and grants nothing on S3', () => {
      const { stack } = newStack();
      const uri = new CfnParameter(stack, 'Uri').valueAsString;
      new TrainingJob(stack, 'Job', { ...BASE, checkpointLocation: S3Location.fromS3Uri(uri) });
      Annotations.fromStack(stack).hasWarning('/TestStack/Job', Match.stringLikeRegexp(
        'checkpointLocation is a token S3 URI without a bucket: no S3 grant was made.*checkpointLocation: S3Location.fromBucket\\(bucket, prefix\\)'));
      const statements = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
      expect(statements).not.toMatch(/s3:DeleteObject/);
    });

    test('a token checkpointS3Uri warns with checkpointBucket and checkpointLocation', () => {
      const { stack, bucket } = newStack();
      new TrainingJob(stack, 'Job', { ...BASE, checkpointS3Uri: bucket.s3UrlForObject('checkpoints/') });
      Annotations.fromStack(stack).hasWarning('/TestStack/Job', Match.stringLikeRegexp(
        'checkpointS3Uri is a token: no S3 grant was made for it.*as checkpointBucket, or use checkpointLocation: S3Location.fromBucket\\(bucket, prefix\\)'));
    });

    test('fails on a token outputLocation without a bucket, naming fromS3Uri with a bucket and fromBucket', () => {
      const { stack } = newStack();
      const uri = new CfnParameter(stack, 'Uri').valueAsString;
      expect(() => new TrainingJob(stack, 'Job', { ...BASE, outputLocation: S3Location.fromS3Uri(uri) }))
        .toThrow(/outputLocation .* is a token S3 URI without a bucket.*use S3Location.fromS3Uri\(uri, \{ bucket \}\) or S3Location.fromBucket\(bucket, prefix\)/);
    });

    test('fails on an outputLocation whose key prefix is a token, naming fromBucket', () => {
      const { stack, bucket } = newStack();
      const uri = new CfnParameter(stack, 'Uri').valueAsString;
      expect(() => new TrainingJob(stack, 'Job', { ...BASE, outputLocation: S3Location.fromS3Uri(uri, { bucket }) }))
        .toThrow(/outputLocation .* has a token key prefix.*use S3Location.fromBucket\(bucket, prefix\)/);
    });
  });

  describe('old and new together', () => {
    test('fails on outputLocation with outputBucket and outputPrefix, naming each', () => {
      const { stack, bucket } = newStack();
      expect(() => new TrainingJob(stack, 'Job', {
        ...BASE, outputLocation: S3Location.fromBucket(bucket, 'a'), outputBucket: bucket, outputPrefix: 'b',
      })).toThrow(/2 problems:\n- outputBucket is not allowed with outputLocation[^\n]*\n- outputPrefix is not allowed with outputLocation/);
    });

    test('fails on checkpointLocation with checkpointS3Uri or checkpointBucket, naming both', () => {
      const { stack, bucket } = newStack();
      expect(() => new TrainingJob(stack, 'A', {
        ...BASE, checkpointLocation: S3Location.fromBucket(bucket, 'c'), checkpointS3Uri: 's3://my-checkpoints/c',
      })).toThrow(/checkpointS3Uri is not allowed with checkpointLocation \(checkpointS3Uri is deprecated\); use checkpointLocation alone/);
      expect(() => new TrainingJob(stack, 'B', {
        ...BASE, checkpointLocation: S3Location.fromBucket(bucket, 'c'), checkpointBucket: bucket,
      })).toThrow(/checkpointBucket is not allowed with checkpointLocation/);
    });
  });

  test('fails on outputBucketAccessLogs with outputLocation, whose bucket is the user\'s', () => {
    const { stack, bucket } = newStack();
    const logs = new s3.Bucket(stack, 'Logs');
    expect(() => new TrainingJob(stack, 'Job', { ...BASE, outputLocation: S3Location.fromBucket(bucket), outputBucketAccessLogs: logs }))
      .toThrow(/outputBucketAccessLogs is set but so is outputLocation/);
  });

  test('fails on a concrete URI outside the bucket it is given', () => {
    const { stack } = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Named', 'my-models');
    expect(() => new TrainingJob(stack, 'Job', {
      ...BASE,
      outputLocation: S3Location.fromS3Uri('s3://other/jobs', { bucket }),
      checkpointLocation: S3Location.fromS3Uri('s3://other/ckpt', { bucket }),
    })).toThrow(/checkpointLocation 's3:\/\/other\/ckpt' is not in its bucket 'my-models'[\s\S]*outputLocation 's3:\/\/other\/jobs' is not in its bucket/);
  });

  test('an outputLocation at the bucket root writes <jobName>/ there, and the job\'s model data is read from it', () => {
    const { stack, bucket } = newStack();
    const job = new TrainingJob(stack, 'Job', { ...BASE, outputLocation: S3Location.fromBucket(bucket) });
    const grant = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(grant).toContain(`"/${job.jobNameAtSynth}/*"`);
  });
});
