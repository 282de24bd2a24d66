/**
 * The README's main job: train a small model from local code and data, then serve it.
 *
 *   training/  train.py (pure Python linear regression) + the training toolkit
 *   data/      the `train` channel (CSV)
 *   serving/   serve.py, a WSGI app the legacy serving stack runs (SAGEMAKER_SERVING_MODULE=serve:app)
 *
 * Synthesize with `npx ts-node examples/train-and-deploy/app.ts` (CDK_OUTDIR picks the output
 * directory); `bash scripts/main-job.sh` also deploys it.
 */
import * as path from 'node:path';
import { App, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  BaseImage, Endpoint, EntryPoint, InstanceType, SageMakerImage, TrainingInput, TrainingJob,
} from '../../src';

/** Properties of the example stack. */
export interface TrainAndDeployStackProps extends StackProps {
  /**
   * The instance type for training and hosting. Pure Python needs no accelerator.
   * @default InstanceType.ML_M5_LARGE
   */
  readonly instanceType?: InstanceType;
}

/** One stack: a training job on local code and data, and an endpoint serving what it trained. */
export class TrainAndDeployStack extends Stack {
  /** The training job. */
  public readonly job: TrainingJob;
  /** The endpoint serving the job's model. */
  public readonly endpoint: Endpoint;

  constructor(scope: Construct, id: string, props: TrainAndDeployStackProps = {}) {
    super(scope, id, props);
    const instanceType = props.instanceType ?? InstanceType.ML_M5_LARGE;

    // The Dockerfile is rendered: FROM the base image, requirements.txt installed (the training
    // toolkit), the code copied to /opt/ml/code, SAGEMAKER_PROGRAM=train.py as ENV.
    const trainImage = SageMakerImage.fromDirectory(path.join(__dirname, 'training'), {
      baseImage: BaseImage.fromRegistry('python:3.11'),
      entryPoint: EntryPoint.program('train.py'),
    });

    this.job = new TrainingJob(this, 'Train', {
      image: trainImage,
      instanceType,
      inputs: [TrainingInput.fromAsset('train', path.join(__dirname, 'data'))],
      hyperparameters: { 'epochs': '300', 'learning-rate': '0.1' },
      metricDefinitions: [{ name: 'train:mse', regex: 'train_mse=([0-9.]+);' }],
      maxRuntime: Duration.hours(1),
    });

    const serveImage = SageMakerImage.fromDirectory(path.join(__dirname, 'serving'), {
      baseImage: BaseImage.fromRegistry('python:3.9'),
      entryPoint: EntryPoint.servingModule('serve:app'),
    });

    this.endpoint = new Endpoint(this, 'Endpoint', {
      image: serveImage,
      modelData: this.job.modelData,
      instanceType,
      initialInstanceCount: 1,
    });

    new CfnOutput(this, 'TrainingJobName', { value: this.job.trainingJobName });
    new CfnOutput(this, 'ModelArtifacts', { value: this.job.modelArtifactsS3Uri });
    new CfnOutput(this, 'EndpointName', { value: this.endpoint.endpointName });
  }
}

/** Builds the example app into `outdir`. */
export function synthExample(outdir?: string): string {
  const app = new App(outdir ? { outdir } : {});
  new TrainAndDeployStack(app, 'TrainAndDeploy');
  return app.synth().directory;
}

if (require.main === module) {
  const dir = synthExample();
  process.stdout.write(`synthesized into ${dir}\n`);
}
