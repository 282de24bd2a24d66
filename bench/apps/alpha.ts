/**
 * The hosting part written with `@aws-cdk/aws-sagemaker-alpha`: Model, EndpointConfig, Endpoint.
 */
import * as alpha from '@aws-cdk/aws-sagemaker-alpha';
import { Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MODEL_BUCKET, modelKey, SERVE_IMAGE_TAG, SERVE_REPOSITORY_ARN } from './common';

/** Endpoint `i`: the alpha module's model of an archive in S3, its endpoint config and endpoint. */
export function alphaHosting(stack: Stack, i: number): void {
  const repository = ecr.Repository.fromRepositoryArn(stack, `Repository${i}`, SERVE_REPOSITORY_ARN);
  const bucket = s3.Bucket.fromBucketName(stack, `Models${i}`, MODEL_BUCKET);
  const model = new alpha.Model(stack, `Model${i}`, {
    containers: [{
      image: alpha.ContainerImage.fromEcrRepository(repository, SERVE_IMAGE_TAG),
      modelData: alpha.ModelData.fromBucket(bucket, modelKey(i)),
      environment: { SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code' },
    }],
  });
  const config = new alpha.EndpointConfig(stack, `Endpoint${i}Config`, {
    instanceProductionVariants: [{
      model,
      variantName: 'AllTraffic',
      instanceType: alpha.InstanceType.M5_XLARGE,
      initialInstanceCount: 1,
    }],
  });
  new alpha.Endpoint(stack, `Endpoint${i}`, { endpointConfig: config });
}
