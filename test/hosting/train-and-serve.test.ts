import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Size } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { cpuImage, gpuImage, newStack, only } from './fixtures';
import { ModelData } from '../../src/artifacts';
import { InstanceType } from '../../src/compute/instance-type';
import { Endpoint, ServerlessEndpoint } from '../../src/hosting';
import { EntryPoint } from '../../src/image/entry-point';
import { SageMakerImage } from '../../src/image/sagemaker-image';
import { TrainingJob } from '../../src/training';

describe('train and serve in one synth', () => {
  test('the endpoint model reads the training job artifact and is created after the job completes', () => {
    // GIVEN a training job
    const stack = newStack();
    const job = new TrainingJob(stack, 'Train', {
      image: SageMakerImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/train:2.1-gpu-py310', { entryPoint: EntryPoint.program('train.py') }),
      instanceType: InstanceType.ML_G5_XLARGE,
    });

    // WHEN its model is served
    const endpoint = new Endpoint(stack, 'Endpoint', { image: gpuImage(), modelData: job.modelData, instanceType: InstanceType.ML_G5_XLARGE });
    endpoint.autoScaleInstanceCount({ minCapacity: 1, maxCapacity: 4 }).scaleOnInvocations('Rps', { maxRequestsPerSecond: 20 });

    // THEN the model's ModelDataUrl is the job's artifact attribute
    const template = Template.fromStack(stack);
    const jobId = Object.keys(template.findResources('Custom::SageMakerTrainingJob'))[0];
    const model = only(template, 'AWS::SageMaker::Model');
    expect(model.Properties.PrimaryContainer.ModelDataUrl).toEqual({ 'Fn::GetAtt': [jobId, expect.any(String)] });
    expect(model.Properties.PrimaryContainer.ModelDataUrl['Fn::GetAtt'][1]).toMatch(/ModelArtifacts/i);
    // and the model waits for the job to finish (the completion signal, or the job itself)
    const waits = Object.keys(template.findResources('AWS::CloudFormation::WaitCondition'));
    expect(model.DependsOn).toEqual(expect.arrayContaining(waits.length > 0 ? waits : [jobId]));
    // and the endpoint's role may read the archive
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    const endpointPolicy = policies.find(p => JSON.stringify(p.Properties.Roles).includes('EndpointRole'));
    expect(JSON.stringify(endpointPolicy.Properties.PolicyDocument)).toContain('s3:GetObject');
  });

  test('a token model data URI is used as is by a serverless endpoint', () => {
    const stack = newStack();
    const job = new TrainingJob(stack, 'Train', {
      image: SageMakerImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1.0-cpu', { entryPoint: EntryPoint.program('train.py') }),
      instanceType: InstanceType.ML_M5_LARGE,
    });
    new ServerlessEndpoint(stack, 'Serverless', { image: cpuImage(), modelData: job.modelData, memory: Size.gibibytes(2) });
    const template = Template.fromStack(stack);
    const jobId = Object.keys(template.findResources('Custom::SageMakerTrainingJob'))[0];
    expect(only(template, 'AWS::SageMaker::Model').Properties.PrimaryContainer.ModelDataUrl['Fn::GetAtt'][0]).toBe(jobId);
  });

  test('a local model directory is packed and served from an asset', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-model-'));
    fs.mkdirSync(path.join(dir, 'code'));
    fs.writeFileSync(path.join(dir, 'code', 'inference.py'), 'def model_fn(d):\n    return None\n');
    fs.writeFileSync(path.join(dir, 'model.pt'), 'weights');
    const stack = newStack();
    new Endpoint(stack, 'Endpoint', { image: cpuImage(), modelData: ModelData.fromAsset(dir), instanceType: InstanceType.ML_M5_LARGE });
    const url = only(Template.fromStack(stack), 'AWS::SageMaker::Model').Properties.PrimaryContainer.ModelDataUrl;
    expect(url).toMatch(/^s3:\/\/cdk-hnb659fds-assets-123456789012-eu-west-1\/[0-9a-f]{64}\.gz$/);
  });
});
