/**
 * Scenario: a CPU endpoint serving a model archive that lies in S3, with a legacy serving-module image
 * (SAGEMAKER_SERVING_MODULE=my_serving.serving:app, gunicorn without nginx) rendered from a CPU base image.
 * So that the app deploys anywhere, the archive (assets/model-archive/model.tar.gz, built with fixed mtimes)
 * is put into S3 as a file asset; the model reads it through ModelData.fromBucket, as it would any archive
 * already in a bucket, and its role is granted read on that one object. CPU utilization drives autoscaling.
 */
import * as path from 'path';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { IntegScenario } from './integ-app';
import { BaseImage, Endpoint, EntryPoint, InstanceType, ModelData, SageMakerImage } from '../src';

const scenario = new IntegScenario('CpuEndpointFromS3');
const stack = scenario.stack;
const assets = path.join(__dirname, 'assets', 'model-archive');

const archive = new s3_assets.Asset(stack, 'ModelArchive', { path: path.join(assets, 'model.tar.gz') });
const image = SageMakerImage.fromDirectory(path.join(assets, 'serving'), {
  baseImage: BaseImage.fromRegistry('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker'),
  entryPoint: EntryPoint.servingModule('my_serving.serving:app'),
  environment: { SAGEMAKER_USE_NGINX: 'false' },
});

const endpoint = new Endpoint(stack, 'Endpoint', {
  image,
  modelData: ModelData.fromBucket(archive.bucket, archive.s3ObjectKey),
  instanceType: InstanceType.ML_M5_LARGE,
  initialInstanceCount: 1,
});
endpoint.autoScaleInstanceCount({ minCapacity: 1, maxCapacity: 3 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 70 });

scenario.synth();
