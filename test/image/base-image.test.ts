import * as ecr from 'aws-cdk-lib/aws-ecr';
import { App, Lazy, Stack } from 'aws-cdk-lib/core';
import { ImageAccelerator } from '../../src/compute/accelerator';
import { BaseImage } from '../../src/image/base-image';

describe('BaseImage.fromRegistry', () => {
  test.each([
    ['763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1.0-gpu-py310-cu121-ubuntu20.04-sagemaker', ImageAccelerator.NVIDIA_GPU],
    ['nvidia/cuda:12.1.0-runtime-ubuntu22.04', ImageAccelerator.NVIDIA_GPU],
    ['my-registry:5000/team/base:cu118', ImageAccelerator.NVIDIA_GPU],
    ['ghcr.io/org/image:gpu', ImageAccelerator.NVIDIA_GPU],
    ['763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training-neuronx:1.13.1-neuronx-py310-sdk2.18.0-ubuntu20.04', ImageAccelerator.NEURON],
    ['763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-inference-neuron:1.13.1-neuron-py310-sdk2.18.0-ubuntu20.04', ImageAccelerator.NEURON],
    ['base:inf2', ImageAccelerator.NEURON],
    ['base:trn1-2024', ImageAccelerator.NEURON],
    ['763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference:2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04', ImageAccelerator.CPU],
    ['python:3.11-slim', ImageAccelerator.ANY],
    ['763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0', ImageAccelerator.ANY],
    ['gpu-registry.example.com/base:1', ImageAccelerator.ANY],
    ['base@sha256:' + 'a'.repeat(64), ImageAccelerator.ANY],
  ])('infers the accelerator of %s', (uri, accelerator) => {
    // WHEN
    const base = BaseImage.fromRegistry(uri);

    // THEN
    expect(base.accelerator).toBe(accelerator);
    expect(base.bind(new Stack())).toEqual({ imageUri: uri, accelerator });
  });

  test('takes an explicit accelerator over the tag', () => {
    const base = BaseImage.fromRegistry('base:gpu', { accelerator: ImageAccelerator.CPU });
    expect(base.bind(new Stack()).accelerator).toBe(ImageAccelerator.CPU);
  });

  test.each(['', 'Base:1', 'base:', 'http://registry/base:1', 'base image'])('fails for imageUri %j', (uri) => {
    expect(() => BaseImage.fromRegistry(uri)).toThrow(/baseImage '.*' is not an image reference; use \[registry\/\]name\[:tag\]/);
  });

  test('accepts a token URI as ANY', () => {
    const uri = Lazy.string({ produce: () => 'x' });
    expect(BaseImage.fromRegistry(uri).accelerator).toBe(ImageAccelerator.ANY);
  });
});

describe('BaseImage.fromEcrRepository', () => {
  test('uses the repository URI for the tag and infers the accelerator from name and tag', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'team/base');

    // WHEN
    const config = BaseImage.fromEcrRepository(repo, '2.1-cu121').bind(stack);

    // THEN
    expect(stack.resolve(config.imageUri)).toEqual({
      'Fn::Join': ['', ['123456789012.dkr.ecr.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/team/base:2.1-cu121']],
    });
    expect(config.accelerator).toBe(ImageAccelerator.NVIDIA_GPU);
  });

  test('uses a digest and defaults to latest', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'neuron-base');
    const digest = 'sha256:' + 'b'.repeat(64);
    expect(JSON.stringify(stack.resolve(BaseImage.fromEcrRepository(repo, digest).bind(stack).imageUri))).toContain(`/neuron-base@${digest}`);
    const latest = BaseImage.fromEcrRepository(repo);
    expect(JSON.stringify(stack.resolve(latest.bind(stack).imageUri))).toContain('/neuron-base:latest');
    expect(latest.accelerator).toBe(ImageAccelerator.NEURON);
  });

  test('infers from the tag when the repository name is a token', () => {
    const stack = new Stack();
    const repo = new ecr.Repository(stack, 'Repo');
    expect(BaseImage.fromEcrRepository(repo, 'gpu').accelerator).toBe(ImageAccelerator.NVIDIA_GPU);
    expect(BaseImage.fromEcrRepository(repo, 'v1', { accelerator: ImageAccelerator.NEURON }).accelerator).toBe(ImageAccelerator.NEURON);
  });

  test('fails for an empty tag', () => {
    const repo = ecr.Repository.fromRepositoryName(new Stack(), 'Repo', 'base');
    expect(() => BaseImage.fromEcrRepository(repo, '')).toThrow(/baseImage tag '' is empty/);
  });
});
