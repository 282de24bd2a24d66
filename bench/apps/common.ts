/** What every benchmark app shares: images, buckets and how pairs are spread over stacks. */

/** A prebuilt CPU training image (no Docker build: the synth measures the constructs, not file copies). */
export const TRAIN_IMAGE_URI = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-cpu-py311-ubuntu20.04-sagemaker';
/** A prebuilt CPU serving image. */
export const SERVE_IMAGE_URI = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311-ubuntu20.04-sagemaker';
/** The ECR repository of the serving image, for the alpha module's `fromEcrRepository`. */
export const SERVE_REPOSITORY_ARN = 'arn:aws:ecr:us-east-1:763104351884:repository/pytorch-inference';
/** The serving image's tag. */
export const SERVE_IMAGE_TAG = '2.3.0-cpu-py311-ubuntu20.04-sagemaker';
/** The bucket that holds the archives of the hosting-only apps. */
export const MODEL_BUCKET = 'bench-models-123456789012';
/** Key of archive `i`. */
export function modelKey(i: number): string {
  return `models/${i}/model.tar.gz`;
}

/**
 * Pairs per stack. CloudFormation allows 500 resources in a stack (and the CDK refuses more at synth), so
 * an app of 100 pairs is 10 stacks, as a real one would be; every variant is split the same way.
 */
export const PAIRS_PER_STACK = 10;

/** The account and region of every stack. */
export const ENV = { account: '123456789012', region: 'us-east-1' };
