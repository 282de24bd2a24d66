// Internal: the checks of the variant options that SageMaker refuses. Not re-exported.
import { Token } from 'aws-cdk-lib';
import { AcceleratorKind } from '../../compute/accelerator';
import { InstanceType } from '../../compute/instance-type';
import { checkMember, Problems } from '../../private/validation';
import { InferenceAmiVersion, RoutingStrategy } from '../variant-options';

const NEURON_KINDS: string[] = [AcceleratorKind.AWS_INFERENTIA, AcceleratorKind.AWS_TRAINIUM];

/**
 * The checks of the variant options SageMaker refuses: a routing strategy that is not one of its members, and an
 * inference AMI on an instance whose accelerator its drivers do not serve (CPU instances take none).
 */
export function checkVariantOptions(prefix: string, props: {
  readonly instanceType: InstanceType;
  readonly inferenceAmiVersion?: InferenceAmiVersion;
  readonly routingStrategy?: RoutingStrategy;
}): string[] {
  const problems = new Problems();
  checkMember(problems, `${prefix}routingStrategy`, props.routingStrategy, Object.values(RoutingStrategy));
  const ami = props.inferenceAmiVersion;
  const type = props.instanceType;
  if (ami !== undefined && !(ami instanceof InferenceAmiVersion)) {
    problems.add(`${prefix}inferenceAmiVersion ${JSON.stringify(ami)} is not allowed; use an InferenceAmiVersion constant or InferenceAmiVersion.of(...)`);
  } else if (ami?.driver !== undefined && !Token.isUnresolved(type.name)) {
    const kind = type.acceleratorKind;
    const fits = ami.driver === 'gpu' ? kind === AcceleratorKind.NVIDIA_GPU : NEURON_KINDS.includes(kind);
    if (!fits) {
      const wanted = ami.driver === 'gpu' ? 'an NVIDIA GPU instance type (ml.g5, ml.g6, ml.p4d, ml.p5 ...)' : 'an Inferentia or Trainium instance type (ml.inf2, ml.trn1 ...)';
      const has = kind === AcceleratorKind.NONE ? 'a CPU instance type, which takes no inference AMI version' : `an instance type with ${kind} accelerators`;
      problems.add(`${prefix}inferenceAmiVersion ${ami.version} is not allowed with ${prefix}instanceType ${type.name} (${has}); `
        + `${ami.driver} AMI versions need ${wanted}`);
    }
  }
  return [...problems.messages];
}
