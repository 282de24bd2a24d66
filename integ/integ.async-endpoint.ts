/**
 * Scenario: an asynchronous endpoint on a GPU instance that scales to zero on its backlog. Results go to an
 * S3 prefix, failures to another (requests are read from a third), and success/error notifications to encrypted SNS topics.
 */
import * as path from 'path';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IntegScenario } from './integ-app';
import {
  AsyncEndpoint, BaseImage, EntryPoint, InstanceType, ModelData, S3Location, SageMakerImage,
} from '../src';

const scenario = new IntegScenario('AsyncEndpoint');
const stack = scenario.stack;
const assets = path.join(__dirname, 'assets');

const image = SageMakerImage.fromDirectory(path.join(assets, 'train-and-deploy', 'serving'), {
  baseImage: BaseImage.fromRegistry('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker'),
  entryPoint: EntryPoint.program('inference.py'),
});

const results = scenario.bucket('Results');
const topicKey = new kms.Key(stack, 'TopicKey', { enableKeyRotation: true, description: 'Encrypts the async endpoint notification topics' });
const topic = (id: string) => new sns.Topic(stack, id, { masterKey: topicKey, enforceSSL: true });

new AsyncEndpoint(stack, 'Endpoint', {
  image,
  modelData: ModelData.fromAsset(path.join(assets, 'serverless-model')),
  instanceType: InstanceType.ML_G4DN_XLARGE,
  outputPath: S3Location.fromBucket(results, 'async/output/'),
  failurePath: S3Location.fromBucket(results, 'async/failure/'),
  inputLocation: S3Location.fromBucket(results, 'async/input/'),
  notifications: { successTopic: topic('Succeeded'), errorTopic: topic('Failed') },
  minCapacity: 0,
  maxCapacity: 2,
});

scenario.synth();
