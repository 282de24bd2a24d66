import * as sdk from '@aws-sdk/client-sagemaker';
import { Token } from 'aws-cdk-lib';
import { AcceleratorKind, CpuArchitecture, InstanceType, Workload } from '../../src/compute';
import { inferFamilyTraits, inferLocalStorage } from '../../src/compute/instance-family';

const USES: Array<[Workload, { [k: string]: string }, (t: InstanceType) => boolean]> = [
  [Workload.TRAINING, sdk.TrainingInstanceType, (t) => t.supportsTraining],
  [Workload.HOSTING, sdk.ProductionVariantInstanceType, (t) => t.supportsHosting],
  [Workload.PROCESSING, sdk.ProcessingInstanceType, (t) => t.supportsProcessing],
  [Workload.TRANSFORM, sdk.TransformInstanceType, (t) => t.supportsTransform],
];

describe('the catalog', () => {
  test.each(USES)('covers every name the SDK lists for %s, and no other', (workload, sdkEnum, supports) => {
    // GIVEN the SDK's names for the use
    const sdkNames = new Set(Object.values(sdkEnum));
    // WHEN the catalog is asked which types support it
    const catalogNames = new Set(InstanceType.catalog().filter(supports).map((t) => t.name));
    // THEN the two sets are the same, and supports(workload) agrees with the supportsXxx fact
    expect([...sdkNames].filter((n) => !catalogNames.has(n))).toEqual([]);
    expect([...catalogNames].filter((n) => !sdkNames.has(n))).toEqual([]);
    for (const t of InstanceType.catalog()) {
      expect(t.supports(workload)).toBe(supports(t));
    }
  });

  test('holds every SDK name once, each with complete facts', () => {
    const all = new Set(USES.flatMap(([, e]) => Object.values(e)));
    const catalog = InstanceType.catalog();
    expect(catalog.map((t) => t.name).sort()).toEqual([...all].sort());
    for (const t of catalog) {
      expect(t.catalogued).toBe(true);
      expect(t.vcpus).toBeGreaterThan(0);
      expect(t.memory!.toMebibytes()).toBeGreaterThan(0);
      if (t.acceleratorKind === AcceleratorKind.NONE) {
        expect([t.acceleratorCount, t.acceleratorModel, t.acceleratorMemory]).toEqual([0, undefined, undefined]);
      } else {
        expect(t.acceleratorCount).toBeGreaterThan(0);
        expect(t.acceleratorModel).toBeDefined();
        expect(t.acceleratorMemory!.toGibibytes()).toBeGreaterThan(0);
      }
    }
  });

  test('names the constants after the SageMaker names', () => {
    expect(InstanceType.ML_G5_2XLARGE.name).toBe('ml.g5.2xlarge');
    expect(InstanceType.ML_P6_B200_48XLARGE.toString()).toBe('ml.p6-b200.48xlarge');
    expect(InstanceType.ML_P6E_GB200_36XLARGE.name).toBe('ml.p6e-gb200.36xlarge');
  });

  test('agrees with the family-name rules used for types it does not list', () => {
    for (const t of InstanceType.catalog()) {
      const traits = inferFamilyTraits(t.family!);
      expect({ name: t.name, ...traits }).toEqual({
        name: t.name, acceleratorKind: t.acceleratorKind, architecture: t.architecture, burstable: t.burstable,
      });
    }
  });
});

describe('facts against the published specifications', () => {
  test.each([
    // name, kind, model, count, accelerator GiB (each), vCPU, memory GiB
    ['ml.g4dn.xlarge', AcceleratorKind.NVIDIA_GPU, 'T4', 1, 16, 4, 16],
    ['ml.g4dn.12xlarge', AcceleratorKind.NVIDIA_GPU, 'T4', 4, 16, 48, 192],
    ['ml.g5.xlarge', AcceleratorKind.NVIDIA_GPU, 'A10G', 1, 24, 4, 16],
    ['ml.g5.48xlarge', AcceleratorKind.NVIDIA_GPU, 'A10G', 8, 24, 192, 768],
    ['ml.g6.12xlarge', AcceleratorKind.NVIDIA_GPU, 'L4', 4, 24, 48, 192],
    ['ml.g6e.xlarge', AcceleratorKind.NVIDIA_GPU, 'L40S', 1, 48, 4, 32],
    ['ml.p3.2xlarge', AcceleratorKind.NVIDIA_GPU, 'V100', 1, 16, 8, 61],
    ['ml.p4d.24xlarge', AcceleratorKind.NVIDIA_GPU, 'A100', 8, 40, 96, 1152],
    ['ml.p4de.24xlarge', AcceleratorKind.NVIDIA_GPU, 'A100', 8, 80, 96, 1152],
    ['ml.p5.48xlarge', AcceleratorKind.NVIDIA_GPU, 'H100', 8, 80, 192, 2048],
    ['ml.p5e.48xlarge', AcceleratorKind.NVIDIA_GPU, 'H200', 8, 141, 192, 2048],
    ['ml.p6-b200.48xlarge', AcceleratorKind.NVIDIA_GPU, 'B200', 8, 180, 192, 2048],
    ['ml.inf1.xlarge', AcceleratorKind.AWS_INFERENTIA, 'Inferentia', 1, 8, 4, 8],
    ['ml.inf2.xlarge', AcceleratorKind.AWS_INFERENTIA, 'Inferentia2', 1, 32, 4, 16],
    ['ml.inf2.48xlarge', AcceleratorKind.AWS_INFERENTIA, 'Inferentia2', 12, 32, 192, 768],
    ['ml.trn1.2xlarge', AcceleratorKind.AWS_TRAINIUM, 'Trainium', 1, 32, 8, 32],
    ['ml.trn1.32xlarge', AcceleratorKind.AWS_TRAINIUM, 'Trainium', 16, 32, 128, 512],
    ['ml.trn2.48xlarge', AcceleratorKind.AWS_TRAINIUM, 'Trainium2', 16, 96, 192, 2048],
    ['ml.dl1.24xlarge', AcceleratorKind.HABANA_GAUDI, 'Gaudi', 8, 32, 96, 768],
  ])('%s has %s %s x%d (%d GiB each), %d vCPU, %d GiB', (name, kind, model, count, accelGiB, vcpus, memGiB) => {
    const t = InstanceType.of(name as string);
    expect(t.acceleratorKind).toBe(kind);
    expect(t.acceleratorModel).toBe(model);
    expect(t.acceleratorCount).toBe(count);
    expect(t.acceleratorMemory!.toGibibytes()).toBe(accelGiB);
    expect(t.vcpus).toBe(vcpus);
    expect(t.memory!.toGibibytes()).toBe(memGiB);
    expect(t.architecture).toBe(CpuArchitecture.X86_64);
    expect(t.burstable).toBe(false);
  });

  test.each([
    ['ml.m5.xlarge', 4, 16], ['ml.m5.24xlarge', 96, 384], ['ml.c5.9xlarge', 36, 72], ['ml.c5n.18xlarge', 72, 192],
    ['ml.r5.large', 2, 16], ['ml.m7i.48xlarge', 192, 768], ['ml.c6i.32xlarge', 128, 256], ['ml.m4.16xlarge', 64, 256],
  ])('CPU type %s has %d vCPU and %d GiB, no accelerator', (name, vcpus, memGiB) => {
    const t = InstanceType.of(name as string);
    expect([t.acceleratorKind, t.acceleratorCount, t.vcpus, t.memory!.toGibibytes()]).toEqual([AcceleratorKind.NONE, 0, vcpus, memGiB]);
  });

  test('C4 memory keeps its fractional GiB', () => {
    expect(InstanceType.ML_C4_LARGE.memory!.toMebibytes()).toBe(3840);
  });

  test.each(['ml.c7g.xlarge', 'ml.c6gn.large', 'ml.m6g.medium', 'ml.r7gd.2xlarge', 'ml.m8g.48xlarge', 'ml.p6e-gb200.36xlarge'])(
    '%s is arm64', (name) => {
      expect(InstanceType.of(name).architecture).toBe(CpuArchitecture.ARM64);
    });

  test('c7g.xlarge is a Graviton CPU type with 4 vCPU and 8 GiB', () => {
    const t = InstanceType.ML_C7G_XLARGE;
    expect([t.vcpus, t.memory!.toGibibytes(), t.acceleratorKind]).toEqual([4, 8, AcceleratorKind.NONE]);
  });

  test.each(['ml.t2.medium', 'ml.t3.2xlarge'])('%s is burstable', (name) => {
    expect(InstanceType.of(name).burstable).toBe(true);
  });

  test('t2.medium has 2 vCPU and 4 GiB, and only hosting', () => {
    const t = InstanceType.ML_T2_MEDIUM;
    expect([t.vcpus, t.memory!.toGibibytes()]).toEqual([2, 4]);
    expect([t.supportsTraining, t.supportsHosting, t.supportsProcessing, t.supportsTransform]).toEqual([false, true, false, false]);
  });
});

describe('InstanceType.of', () => {
  test('returns the constant for a catalogued name', () => {
    expect(InstanceType.of('ml.g5.2xlarge')).toBe(InstanceType.ML_G5_2XLARGE);
  });

  test('accepts a name the SDK does not list yet, inferring its accelerator from the family', () => {
    // WHEN
    const t = InstanceType.of('ml.g9x.4xlarge');
    // THEN
    expect(t.catalogued).toBe(false);
    expect(t.acceleratorKind).toBe(AcceleratorKind.NVIDIA_GPU);
    expect(t.architecture).toBe(CpuArchitecture.X86_64);
    expect([t.vcpus, t.memory, t.acceleratorCount, t.acceleratorMemory]).toEqual([undefined, undefined, undefined, undefined]);
    expect([t.supportsTraining, t.supportsHosting, t.supports(Workload.HOSTING)]).toEqual([false, false, false]);
  });

  test.each([
    ['ml.trn3.48xlarge', AcceleratorKind.AWS_TRAINIUM, CpuArchitecture.X86_64, false],
    ['ml.inf3.xlarge', AcceleratorKind.AWS_INFERENTIA, CpuArchitecture.X86_64, false],
    ['ml.c9g.large', AcceleratorKind.NONE, CpuArchitecture.ARM64, false],
    ['ml.t4g.medium', AcceleratorKind.NONE, CpuArchitecture.ARM64, true],
    ['ml.p7-gb300.36xlarge', AcceleratorKind.NVIDIA_GPU, CpuArchitecture.ARM64, false],
  ])('infers the traits of the unlisted %s', (name, kind, arch, burstable) => {
    const t = InstanceType.of(name as string);
    expect([t.acceleratorKind, t.architecture, t.burstable]).toEqual([kind, arch, burstable]);
  });

  test('accepts a token, with unknown facts', () => {
    const token = Token.asString({ Ref: 'InstanceTypeParam' });
    const t = InstanceType.of(token);
    expect(t.name).toBe(token);
    expect(t.catalogued).toBe(false);
    expect(t.family).toBeUndefined();
    expect(t.vcpus).toBeUndefined();
  });

  test.each(['g5.xlarge', 'ml.g5', 'ML.G5.XLARGE', 'ml..xlarge', 'ml.g5.xlarge '])('fails on the malformed name %p', (name) => {
    expect(() => InstanceType.of(name)).toThrow(/instanceType '.*' is not a SageMaker instance-type name: expected ml.<family>.<size>/);
  });

  test('fails on a name without the ml. prefix, suggesting the prefixed one', () => {
    expect(() => InstanceType.of('g5.xlarge')).toThrow(/did you mean ml.g5.xlarge\?/);
  });
});

describe('totalAcceleratorMemory', () => {
  test('multiplies the devices by their memory', () => {
    expect(InstanceType.ML_P4DE_24XLARGE.totalAcceleratorMemory!.toGibibytes()).toBe(640);
    expect(InstanceType.ML_G5_12XLARGE.totalAcceleratorMemory!.toGibibytes()).toBe(96);
  });

  test('is undefined for CPU types and unlisted types', () => {
    expect(InstanceType.ML_M5_LARGE.totalAcceleratorMemory).toBeUndefined();
    expect(InstanceType.of('ml.g9.xlarge').totalAcceleratorMemory).toBeUndefined();
  });
});

describe('localStorage', () => {
  test.each([
    // EC2 specification tables: NVMe SSD instance store volumes
    'ml.g4dn.xlarge', 'ml.g5.xlarge', 'ml.g5.48xlarge', 'ml.g6.2xlarge', 'ml.g6e.12xlarge', 'ml.g7e.2xlarge', 'ml.p3dn.24xlarge',
    'ml.p4d.24xlarge', 'ml.p4de.24xlarge', 'ml.p5.4xlarge', 'ml.p5.48xlarge', 'ml.p5en.48xlarge', 'ml.p6-b200.48xlarge',
    'ml.p6e-gb200.36xlarge', 'ml.trn1.2xlarge', 'ml.trn1n.32xlarge', 'ml.trn2.48xlarge', 'ml.dl1.24xlarge', 'ml.m5d.large',
    'ml.c5d.xlarge', 'ml.r5d.large', 'ml.m6gd.large', 'ml.c6gd.large', 'ml.r6gd.large', 'ml.r7gd.2xlarge',
  ])('%s has local NVMe storage', (name) => {
    expect(InstanceType.of(name).localStorage).toBe(true);
  });

  test.each([
    // EC2 specification tables: EBS only
    'ml.m5.large', 'ml.c5.xlarge', 'ml.c5n.xlarge', 'ml.c6gn.large', 'ml.c6in.large', 'ml.m7i.large', 'ml.r5.large', 'ml.t2.medium',
    'ml.p2.xlarge', 'ml.p3.2xlarge', 'ml.inf1.xlarge', 'ml.inf2.xlarge', 'ml.m4.xlarge', 'ml.c4.xlarge',
  ])('%s has no local storage (EBS only)', (name) => {
    expect(InstanceType.of(name).localStorage).toBe(false);
  });

  test('agrees with the storage marker of the family name wherever the name has it', () => {
    for (const t of InstanceType.catalog()) {
      if (inferLocalStorage(t.family!) !== undefined) {
        expect({ name: t.name, localStorage: t.localStorage }).toEqual({ name: t.name, localStorage: true });
      }
    }
  });

  test('takes the family fact for a size the catalog does not list, the d marker for an unknown family', () => {
    // GIVEN names the SDK does not list
    // THEN a new size of a catalogued family has its family's storage
    expect(InstanceType.of('ml.g5.96xlarge').localStorage).toBe(true);
    expect(InstanceType.of('ml.m5.96xlarge').localStorage).toBe(false);
    // AND an unknown family is judged by its name's d marker, else unknown
    expect(InstanceType.of('ml.r6id.large').localStorage).toBe(true);
    expect(InstanceType.of('ml.g5g.xlarge').localStorage).toBeUndefined();
  });

  test('is unknown for a token', () => {
    expect(InstanceType.of(Token.asString({ Ref: 'InstanceType' })).localStorage).toBeUndefined();
  });
});
