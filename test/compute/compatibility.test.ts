import { App, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CpuArchitecture, ImageAccelerator, InstanceType, Workload } from '../../src/compute';
import { checkAutoscalable, checkInstanceType, WARNING_IDS } from '../../src/compute/compatibility';
import { Endpoint } from '../../src/hosting';
import { SageMakerImage } from '../../src/image';

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

describe('suggestions that work', () => {
  /** The types a refusal suggests (the list after "such as" / "use one of"). */
  function suggestionsIn(message: string): string[] {
    const m = /(?:such as|use one of) (ml\.[^ ,]+(?:, ml\.[^ ,]+)*)/.exec(message);
    return m ? m[1].split(', ') : [];
  }
  function refusal(check: () => void): string {
    try {
      check();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected a refusal');
  }

  const x86Gpu12 = { imageAccelerator: ImageAccelerator.NVIDIA_GPU, imageArchitecture: CpuArchitecture.X86_64, imageCudaVersion: '12.4' };
  test.each<[string, InstanceType, Workload, object]>([
    ['a CUDA 12 image on a CPU type', InstanceType.ML_M5_XLARGE, Workload.HOSTING, x86Gpu12],
    ['a CUDA 12 image on a CPU type, training', InstanceType.ML_M5_XLARGE, Workload.TRAINING, x86Gpu12],
    ['a CUDA 13 image on a V100', InstanceType.ML_P3_2XLARGE, Workload.TRAINING, { ...x86Gpu12, imageCudaVersion: '13.0' }],
    ['a CUDA 12.4 image on a B200', InstanceType.of('ml.p6-b200.48xlarge'), Workload.TRAINING, x86Gpu12],
    ['a GPU image of unknown CUDA on a CPU type', InstanceType.ML_C5_XLARGE, Workload.TRAINING, { imageAccelerator: ImageAccelerator.NVIDIA_GPU }],
    ['a Neuron image on a GPU type', InstanceType.ML_G5_XLARGE, Workload.HOSTING, { imageAccelerator: ImageAccelerator.NEURON, imageArchitecture: CpuArchitecture.X86_64 }],
    ['an arm64 image on an x86 type', InstanceType.ML_C5_XLARGE, Workload.HOSTING, { imageAccelerator: ImageAccelerator.CPU, imageArchitecture: CpuArchitecture.ARM64 }],
    ['an x86 image on a Graviton type', InstanceType.ML_C7G_XLARGE, Workload.HOSTING, { imageAccelerator: ImageAccelerator.CPU, imageArchitecture: CpuArchitecture.X86_64 }],
    ['an x86 CPU image on a hosting-only type, for training', InstanceType.ML_T2_MEDIUM, Workload.TRAINING,
      { imageAccelerator: ImageAccelerator.CPU, imageArchitecture: CpuArchitecture.X86_64 }],
    ['an x86 GPU image on a training-only GPU type, for hosting', InstanceType.ML_P3DN_24XLARGE, Workload.HOSTING, x86Gpu12],
  ])('every type suggested for %s passes the same check', (_, instanceType, workload, image) => {
    // GIVEN a refusal that suggests
    const message = refusal(() => checkInstanceType(newStack(), { instanceType, workload, ...image }));
    const suggested = suggestionsIn(message);
    expect(suggested.length).toBeGreaterThan(0);
    // THEN each suggestion, applied, passes the check that refused
    for (const name of suggested) {
      expect(() => checkInstanceType(newStack(), { instanceType: InstanceType.of(name), workload, ...image })).not.toThrow();
    }
  });

  test('never suggests a K80 (ml.p2) for a CUDA 12 image', () => {
    const message = refusal(() => checkInstanceType(newStack(), {
      instanceType: InstanceType.ML_M5_XLARGE, workload: Workload.TRAINING, ...x86Gpu12,
    }));
    expect(message).not.toMatch(/ml\.p2\./);
  });

  test('fails on a CUDA image on a GPU generation it does not support, both ways', () => {
    expect(() => checkInstanceType(newStack(), { instanceType: InstanceType.ML_P2_XLARGE, workload: Workload.TRAINING, ...x86Gpu12 }))
      .toThrow(/instanceType ml.p2.xlarge cannot run the image: CUDA 12.4 no longer supports the K80 \(compute capability 3.7\); use a GPU type such as/);
    expect(() => checkInstanceType(newStack(), { instanceType: InstanceType.of('ml.p6-b200.48xlarge'), workload: Workload.TRAINING, ...x86Gpu12 }))
      .toThrow(/the B200 \(compute capability 10\) needs CUDA 12.8 or later/);
    expect(() => checkInstanceType(newStack(), { instanceType: InstanceType.ML_G5_XLARGE, workload: Workload.TRAINING, ...x86Gpu12 })).not.toThrow();
  });

  test.each<[string, InstanceType]>([
    ['an A10G (8.6)', InstanceType.ML_G5_XLARGE],
    ['an L4 (8.9)', InstanceType.of('ml.g6.xlarge')],
    ['an L40S (8.9)', InstanceType.of('ml.g6e.xlarge')],
  ])('runs a CUDA 11.0 image (built for 8.0) on %s, a later minor of its architecture', (_, instanceType) => {
    // the SageMaker Python SDK's Hugging Face 4.4 training image is cu110, and it picks it for ml.g5
    expect(() => checkInstanceType(newStack(), { instanceType, workload: Workload.TRAINING, ...x86Gpu12, imageCudaVersion: '11.0' }))
      .not.toThrow();
  });

  test('fails on a CUDA 11.0 image on a Hopper GPU, a later architecture', () => {
    expect(() => checkInstanceType(newStack(), { instanceType: InstanceType.of('ml.p5.48xlarge'), workload: Workload.TRAINING, ...x86Gpu12, imageCudaVersion: '11.0' }))
      .toThrow(/instanceType ml.p5.48xlarge cannot run the image: the H100 \(compute capability 9\) needs CUDA 11.8 or later/);
  });

  test.each<[string, object]>([
    ['an x86 CPU image', { imageAccelerator: ImageAccelerator.CPU, imageArchitecture: CpuArchitecture.X86_64 }],
    ['an arm64 CPU image', { imageAccelerator: ImageAccelerator.CPU, imageArchitecture: CpuArchitecture.ARM64 }],
    ['an image of unknown architecture', {}],
  ])('the burstable-autoscaling refusal for %s suggests types the endpoint then accepts and can autoscale', (_, image) => {
    const message = refusal(() => checkAutoscalable(InstanceType.ML_T2_MEDIUM, 'instanceType', image));
    const suggested = suggestionsIn(message);
    expect(suggested.length).toBeGreaterThan(0);
    for (const name of suggested) {
      const t = InstanceType.of(name);
      expect(() => checkInstanceType(newStack(), { instanceType: t, workload: Workload.HOSTING, ...image })).not.toThrow();
      expect(() => checkAutoscalable(t, 'instanceType', image)).not.toThrow();
    }
  });

  test('an endpoint that refuses a burstable type for autoscaling synthesizes with each type it suggests, the first included', () => {
    // GIVEN an x86 CPU image on a burstable type
    const image = SageMakerImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1.0-cpu');
    const endpointOn = (instanceType: InstanceType) => {
      const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1', account: '123456789012' } });
      const endpoint = new Endpoint(stack, 'Endpoint', { image, instanceType });
      endpoint.autoScaleInstanceCount({ maxCapacity: 3 });
      return stack;
    };
    const message = refusal(() => endpointOn(InstanceType.ML_T2_MEDIUM));
    const suggested = suggestionsIn(message);
    expect(suggested.length).toBeGreaterThan(0);
    for (const name of suggested) {
      // WHEN a suggestion is applied
      const stack = endpointOn(InstanceType.of(name));
      // THEN the endpoint synthesizes with autoscaling (an arm64 type would be refused for the x86 image)
      Template.fromStack(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MaxCapacity: 3 });
    }
  });
});
