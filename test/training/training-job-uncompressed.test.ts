import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InstanceType } from '../../src/compute/instance-type';
import { Endpoint } from '../../src/hosting';
import { EntryPoint } from '../../src/image/entry-point';
import { SageMakerImage } from '../../src/image/sagemaker-image';
import { OutputCompression, TrainingJob } from '../../src/training';

const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:2.1-gpu-py310';

function jobIn(stack: Stack, outputCompression?: OutputCompression): TrainingJob {
  return new TrainingJob(stack, 'Job', {
    image: SageMakerImage.fromImageUri(IMAGE, { entryPoint: EntryPoint.program('train.py') }),
    instanceType: InstanceType.ML_G5_XLARGE,
    outputCompression,
  });
}

describe('TrainingJob outputCompression', () => {
  test('NONE asks SageMaker for uncompressed output and hands over the model prefix as uncompressed model data', () => {
    // GIVEN
    const stack = new Stack(new App(), 'TestStack');
    const job = jobIn(stack, OutputCompression.NONE);
    // WHEN
    new Endpoint(stack, 'Endpoint', {
      image: SageMakerImage.fromImageUri(IMAGE), modelData: job.modelData, instanceType: InstanceType.ML_G5_XLARGE,
    });
    // THEN
    const template = Template.fromStack(stack);
    const jobResource = Object.values(template.findResources('Custom::SageMakerTrainingJob'))[0] as any;
    expect(jobResource.Properties.Request.OutputDataConfig.CompressionType).toBe('NONE');
    const jobName: string = jobResource.Properties.TrainingJobName;
    const container = Object.values(template.findResources('AWS::SageMaker::Model'))[0] as any;
    expect(container.Properties.PrimaryContainer.ModelDataUrl).toBeUndefined();
    expect(container.Properties.PrimaryContainer.ModelDataSource.S3DataSource).toEqual({
      S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^JobOutputBucket/) }, `/training-jobs/${jobName}/output/model/`]] },
      S3DataType: 'S3Prefix',
      CompressionType: 'None',
    });
    // the model's role reads and lists that prefix only
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': [`training-jobs/${jobName}/output/model/*`] } },
      }),
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^JobOutputBucket/), 'Arn'] }, `/training-jobs/${jobName}/output/model/*`]] },
      }),
    ]));
    // the model still waits for the job
    const model = Object.entries(template.findResources('AWS::SageMaker::Model'))[0][1] as any;
    expect(JSON.stringify(model.DependsOn ?? [])).toMatch(/Job/);
  });

  test('the default keeps the archive and renders no CompressionType', () => {
    const stack = new Stack(new App(), 'TestStack');
    const job = jobIn(stack);
    new Endpoint(stack, 'Endpoint', { image: SageMakerImage.fromImageUri(IMAGE), modelData: job.modelData, instanceType: InstanceType.ML_G5_XLARGE });
    const template = Template.fromStack(stack);
    const jobResource = Object.values(template.findResources('Custom::SageMakerTrainingJob'))[0] as any;
    expect(jobResource.Properties.Request.OutputDataConfig.CompressionType).toBeUndefined();
    const container = (Object.values(template.findResources('AWS::SageMaker::Model'))[0] as any).Properties.PrimaryContainer;
    expect(container.ModelDataUrl).toBeDefined();
    expect(container.ModelDataSource).toBeUndefined();
  });

  test('fails for an outputCompression that is not a member (a string from another language)', () => {
    const stack = new Stack(new App(), 'TestStack');
    expect(() => jobIn(stack, 'ZIP' as any)).toThrow(/outputCompression "ZIP" is not allowed; use one of GZIP, NONE/);
  });
});
