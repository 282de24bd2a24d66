/**
 * The data benchmark: a code directory (Dockerfile, train.py) that also holds `data/`, the training data.
 * The runner passes the directory in BENCH_CODE_DIR; without a `data/` folder in it, the same app runs
 * without data (the baseline).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as alpha from '@aws-cdk/aws-sagemaker-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { ENV } from './common';
import { InstanceType } from '../../src/compute';
import { EntryPoint, SageMakerImage } from '../../src/image';
import { TrainingInput, TrainingJob } from '../../src/training';

function codeDir(): string {
  const dir = process.env.BENCH_CODE_DIR;
  if (!dir || !fs.existsSync(path.join(dir, 'Dockerfile'))) {
    throw new Error(`BENCH_CODE_DIR '${dir}' must name a directory with a Dockerfile`);
  }
  return dir;
}

/** Ours: a job whose image is the directory, with `data/` (when there) declared as the `train` channel. */
export function dataOurs(app: App): void {
  const dir = codeDir();
  const stack = new Stack(app, 'DataOurs', { env: ENV });
  const data = path.join(dir, 'data');
  new TrainingJob(stack, 'Train', {
    image: SageMakerImage.fromDirectory(dir, { entryPoint: EntryPoint.program('train.py') }),
    instanceType: InstanceType.ML_M5_XLARGE,
    inputs: fs.existsSync(data) ? [TrainingInput.fromAsset('train', data)] : [],
  });
}

/** The alpha module: a model whose image is `ContainerImage.fromAsset` of the same directory. */
export function dataAlpha(app: App): void {
  const dir = codeDir();
  const stack = new Stack(app, 'DataAlpha', { env: ENV });
  new alpha.Model(stack, 'Model', {
    containers: [{ image: alpha.ContainerImage.fromAsset(dir) }],
  });
}
