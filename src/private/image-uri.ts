import { Token } from 'aws-cdk-lib/core';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { ImageAccelerator } from '../compute/accelerator';

/**
 * The partition of a region (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, ...), from aws-cdk-lib's region facts;
 * undefined for a token or a region the installed aws-cdk-lib does not know.
 */
export function partitionOf(region: string): string | undefined {
  return Token.isUnresolved(region) ? undefined : RegionInfo.get(region).partition;
}

/**
 * The DNS suffix of a region's endpoints (`amazonaws.com`, `amazonaws.com.cn`, `c2s.ic.gov`, ...), from aws-cdk-lib's
 * region facts (what `Aws.URL_SUFFIX` resolves to there); undefined for a token or an unknown region.
 */
export function urlSuffixOf(region: string): string | undefined {
  return Token.isUnresolved(region) ? undefined : RegionInfo.get(region).domainSuffix;
}

/**
 * The repository name and tag of an image reference, without registry host and digest:
 * `123.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1.0-gpu-py310` -> `pytorch-training:2.1.0-gpu-py310`.
 */
export function imageNameAndTag(imageUri: string): string {
  const withoutDigest = imageUri.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  return slash < 0 ? withoutDigest : withoutDigest.slice(slash + 1);
}

const NEURON_WORDS = /^(neuron|neuronx|inf|inf1|inf2|trn|trn1|trn2|trn2n|trainium|inferentia)$/;
const GPU_WORDS = /^(gpu|cuda|cu\d{2,3}|cudnn\d*|nvidia|tensorrt|trt)$/;
const CPU_WORDS = /^cpu$/;

/**
 * Infers the accelerators an image needs from its repository name and tag, as Deep Learning
 * Containers and common images name them (`-gpu-`, `cu121`, `cuda`, `neuronx`, `inf2`, `trn1`, `-cpu-`).
 * Words are compared whole, so `inference` is not `inf`. Unknown or token references give ANY.
 */
export function inferAccelerator(imageUri: string): ImageAccelerator {
  if (Token.isUnresolved(imageUri)) return ImageAccelerator.ANY;
  const words = imageNameAndTag(imageUri).toLowerCase().split(/[^a-z0-9]+/).filter(w => w.length > 0);
  if (words.some(w => NEURON_WORDS.test(w))) return ImageAccelerator.NEURON;
  if (words.some(w => GPU_WORDS.test(w))) return ImageAccelerator.NVIDIA_GPU;
  if (words.some(w => CPU_WORDS.test(w))) return ImageAccelerator.CPU;
  return ImageAccelerator.ANY;
}

/**
 * The parts of an Amazon ECR image URI, or undefined when the URI is not an ECR URI (or is a token).
 */
export interface EcrImageReference {
  readonly account: string;
  readonly region: string;
  readonly urlSuffix: string;
  readonly repositoryName: string;
}

const ECR_URI = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.(amazonaws\.com(?:\.cn)?|[a-z0-9.-]+)\/([a-z0-9._\/-]+?)(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;

export function parseEcrUri(imageUri: string): EcrImageReference | undefined {
  if (Token.isUnresolved(imageUri)) return undefined;
  const m = ECR_URI.exec(imageUri);
  if (!m) return undefined;
  return { account: m[1], region: m[2], urlSuffix: m[3], repositoryName: m[4] };
}

const IMAGE_REFERENCE = /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;

/** Whether a string is a syntactically valid image reference (`[registry/]name[:tag][@digest]`). */
export function isImageReference(imageUri: string): boolean {
  return IMAGE_REFERENCE.test(imageUri);
}
