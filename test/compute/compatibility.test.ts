import { App, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CpuArchitecture, ImageAccelerator, InstanceType, Workload } from '../../src/compute';
import { checkAutoscalable, checkInstanceType, WARNING_IDS } from '../../src/compute/compatibility';

function newStack(): Stack {
  return new Stack(new App(), 'Stack');
}

describe('checkInstanceType', () => {
  test('accepts a valid GPU type for a GPU image, without warnings', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    checkInstanceType(stack, {
      instanceType: InstanceType.ML_G5_2XLARGE,
      workload: Workload.TRAINING,
      imageAccelerator: ImageAccelerator.NVIDIA_GPU,
      imageArchitecture: CpuArchitecture.X86_64,
    });
    // THEN
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('fails on a type that cannot train, listing valid CPU types', () => {
    const stack = newStack();
    expect(() => checkInstanceType(stack, { instanceType: InstanceType.ML_T2_MEDIUM, workload: Workload.TRAINING }))
      .toThrow(/^instanceType ml.t2.medium cannot run training jobs; use one of ml\.[a-z0-9]+\.[a-z0-9]+(, ml\.[a-z0-9]+\.[a-z0-9]+){4} \(CPU\)$/);
  });

  test('fails on a GPU type that cannot host, listing GPU types that can', () => {
    const stack = newStack();
    let message = '';
    try {
      checkInstanceType(stack, { instanceType: InstanceType.ML_P3DN_24XLARGE, workload: Workload.HOSTING, propName: 'variant.instanceType' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^variant.instanceType ml.p3dn.24xlarge cannot run endpoints \(hosting\); use one of .* \(NVIDIA GPU\)$/);
    const listed = message.replace(/.*use one of /, '').replace(/ \(NVIDIA GPU\)$/, '').split(', ');
    expect(listed.length).toBe(5);
    for (const name of listed) {
      const t = InstanceType.of(name);
      expect([t.supportsHosting, t.acceleratorKind]).toEqual([true, InstanceType.ML_P3DN_24XLARGE.acceleratorKind]);
    }
  });

  test('fails on an Inferentia type for training, pointing at Trainium', () => {
    expect(() => checkInstanceType(newStack(), { instanceType: InstanceType.ML_INF2_XLARGE, workload: Workload.TRAINING }))
      .toThrow(/ml.inf2.xlarge cannot run training jobs; use one of .*ml.trn1.2xlarge.* \(AWS Neuron\)/);
  });

  test('fails on a GPU image on a CPU type', () => {
    expect(() => checkInstanceType(newStack(), {
      instanceType: InstanceType.ML_M5_XLARGE, workload: Workload.HOSTING, imageAccelerator: ImageAccelerator.NVIDIA_GPU,
    })).toThrow(/instanceType ml.m5.xlarge has no NVIDIA GPU \(it is CPU\) but the image needs one .*use a GPU type such as ml\.g/);
  });

  test('fails on a GPU image on an Inferentia type', () => {
    expect(() => checkInstanceType(newStack(), {
      instanceType: InstanceType.ML_INF2_XLARGE, workload: Workload.HOSTING, imageAccelerator: ImageAccelerator.NVIDIA_GPU,
    })).toThrow(/ml.inf2.xlarge has no NVIDIA GPU \(it is AWS Inferentia\)/);
  });

  test('fails on a Neuron image on a GPU type', () => {
    expect(() => checkInstanceType(newStack(), {
      instanceType: InstanceType.ML_G5_XLARGE, workload: Workload.HOSTING, imageAccelerator: ImageAccelerator.NEURON,
    })).toThrow(/ml.g5.xlarge has no AWS Neuron device \(it is NVIDIA GPU\) .*such as ml.inf/);
  });

  test('accepts a Neuron image on Trainium and on Inferentia', () => {
    const stack = newStack();
    checkInstanceType(stack, { instanceType: InstanceType.ML_TRN1_32XLARGE, workload: Workload.TRAINING, imageAccelerator: ImageAccelerator.NEURON });
    checkInstanceType(stack, { instanceType: InstanceType.ML_INF2_8XLARGE, workload: Workload.HOSTING, imageAccelerator: ImageAccelerator.NEURON });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('warns on a CPU image on a GPU type', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    checkInstanceType(stack, { instanceType: InstanceType.ML_G5_XLARGE, workload: Workload.HOSTING, imageAccelerator: ImageAccelerator.CPU });
    // THEN
    Annotations.fromStack(stack).hasWarning('/Stack', Match.stringLikeRegexp(
      'instanceType ml.g5.xlarge carries 1 x A10G \\(NVIDIA GPU\\) but the image is CPU-only.*use a CPU type such as ml\\.'));
    Annotations.fromStack(stack).hasWarning('/Stack', Match.stringLikeRegexp(WARNING_IDS.cpuImageOnAccelerator));
  });

  test('does not warn on an ANY image on a GPU type', () => {
    const stack = newStack();
    checkInstanceType(stack, { instanceType: InstanceType.ML_G5_XLARGE, workload: Workload.HOSTING, imageAccelerator: ImageAccelerator.ANY });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('fails on an x86_64 image on a Graviton type, naming x86_64 alternatives', () => {
    expect(() => checkInstanceType(newStack(), {
      instanceType: InstanceType.ML_C7G_XLARGE, workload: Workload.HOSTING, imageArchitecture: CpuArchitecture.X86_64,
    })).toThrow(/ml.c7g.xlarge is arm64 but the image is built for x86_64; use an x86_64 type such as ml\.c[0-9]+[a-z]*\.xlarge/);
  });

  test('fails on an arm64 image on an x86_64 type', () => {
    expect(() => checkInstanceType(newStack(), {
      instanceType: InstanceType.ML_M5_LARGE, workload: Workload.HOSTING, imageArchitecture: CpuArchitecture.ARM64,
    })).toThrow(/ml.m5.large is x86_64 but the image is built for arm64; use an arm64 type such as ml\.[a-z]+\dg/);
  });

  test('fails with every problem at once', () => {
    expect(() => checkInstanceType(newStack(), {
      instanceType: InstanceType.ML_C6G_LARGE,
      workload: Workload.TRAINING,
      imageAccelerator: ImageAccelerator.NVIDIA_GPU,
      imageArchitecture: CpuArchitecture.X86_64,
    })).toThrow(/cannot run training jobs[^]*\n.*has no NVIDIA GPU[^]*\n.*is arm64 but the image is built for x86_64/);
  });

  test('warns on a type outside the catalog and does not check its uses', () => {
    const stack = newStack();
    checkInstanceType(stack, { instanceType: InstanceType.of('ml.g9.xlarge'), workload: Workload.TRAINING, imageAccelerator: ImageAccelerator.NVIDIA_GPU });
    Annotations.fromStack(stack).hasWarning('/Stack', Match.stringLikeRegexp(
      'instanceType ml.g9.xlarge is not in this library\'s instance catalog.*Its accelerator \\(NVIDIA GPU\\)'));
  });

  test('fails on a GPU image on an unlisted CPU family, from the traits of its name', () => {
    expect(() => checkInstanceType(newStack(), {
      instanceType: InstanceType.of('ml.m9i.xlarge'), workload: Workload.HOSTING, imageAccelerator: ImageAccelerator.NVIDIA_GPU,
    })).toThrow(/ml.m9i.xlarge has no NVIDIA GPU/);
  });

  test('skips every check for a token', () => {
    const stack = newStack();
    checkInstanceType(stack, {
      instanceType: InstanceType.of(Token.asString({ Ref: 'P' })),
      workload: Workload.TRAINING,
      imageAccelerator: ImageAccelerator.NEURON,
      imageArchitecture: CpuArchitecture.ARM64,
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('checkAutoscalable', () => {
  test('accepts a non-burstable type', () => {
    expect(() => checkAutoscalable(InstanceType.ML_M5_LARGE, 'instanceType')).not.toThrow();
  });

  test('fails on a burstable type, naming the prop and non-burstable alternatives', () => {
    expect(() => checkAutoscalable(InstanceType.ML_T2_MEDIUM, 'variants[0].instanceType'))
      .toThrow(/^variants\[0\].instanceType ml.t2.medium is burstable and cannot autoscale .*; use a non-burstable type such as ml\.[^t]/);
  });

  test('fails on an unlisted burstable family', () => {
    expect(() => checkAutoscalable(InstanceType.of('ml.t4g.large'))).toThrow(/instanceType ml.t4g.large is burstable/);
  });

  test('skips a token', () => {
    expect(() => checkAutoscalable(InstanceType.of(Token.asString({ Ref: 'P' })))).not.toThrow();
  });
});
