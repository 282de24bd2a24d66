/**
 * Scenario: distributed training on two GPU instances with torchrun, on managed spot capacity, checkpointing
 * to S3 so an interrupted job resumes. The input channel is sharded by S3 key across the instances; output
 * and checkpoints go to a bucket of the stack. The deployment waits for the job (maxRuntime + maxWait fit in
 * the 12 hours a WaitCondition allows). ml.g5.12xlarge brings local NVMe storage, so no EBS volume size is set.
 */
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { IntegScenario } from './integ-app';
import {
  BaseImage, EntryPoint, InstanceType, S3DataDistribution, S3Location, SageMakerImage, TrainingDistribution,
  TrainingInput, TrainingJob,
} from '../src';

const scenario = new IntegScenario('DistributedSpotTraining');
const stack = scenario.stack;
const assets = path.join(__dirname, 'assets', 'distributed');

const image = SageMakerImage.fromDirectory(path.join(assets, 'code'), {
  baseImage: BaseImage.fromRegistry('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker'),
  entryPoint: EntryPoint.program('train.py'),
});

const bucket = scenario.bucket('Training');

new TrainingJob(stack, 'Train', {
  image,
  instanceType: InstanceType.ML_G5_12XLARGE,
  instanceCount: 2,
  interContainerEncryption: true,
  distribution: TrainingDistribution.torchDistributed(),
  hyperparameters: { epochs: '3' },
  inputs: [
    TrainingInput.fromAsset('train', path.join(assets, 'data', 'train'), { distribution: S3DataDistribution.SHARDED_BY_S3_KEY }),
  ],
  outputLocation: S3Location.fromBucket(bucket, 'jobs'),
  useSpotInstances: true,
  maxRuntime: Duration.hours(4),
  maxWait: Duration.hours(6),
  // the job may get, put, delete and list under checkpoints/ only
  checkpointLocation: S3Location.fromBucket(bucket, 'checkpoints'),
});

scenario.synth();
