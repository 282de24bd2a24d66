/**
 * What moto's CloudFormation cannot model, taken out of a template before it is deployed, and reported.
 *
 * moto has no AWS::SageMaker::InferenceComponent, and its CreateEndpointConfig reads every production variant's
 * ModelName: an endpoint configuration for inference components (an execution role and no model) fails there.
 * Its CloudFormation model of AWS::SageMaker::Model also requires PrimaryContainer, so a serial inference pipeline
 * (Containers only) cannot be created there. Such resources, and everything that depends on them, are removed and named with the reason, so an app that
 * hosts inference components still deploys its other resources and says what it could not.
 */
import { AssemblyStack } from './cloud-assembly';
import { resourceDependencies } from './template-plan';

/** One resource left out, and why. */
export interface UnmodelledResource {
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
}

/** Why moto cannot create a resource itself (not through a dependency), or undefined when it can. */
function ownReason(resource: any): string | undefined {
  if (resource.Type === 'AWS::SageMaker::InferenceComponent') {
    return 'moto has no inference components';
  }
  if (resource.Type === 'AWS::SageMaker::Model' && resource.Properties?.Containers !== undefined && resource.Properties?.PrimaryContainer === undefined) {
    // moto 5.2.5's FakeModel.create_from_cloudformation_json reads properties["PrimaryContainer"] unconditionally
    return 'a serial inference pipeline (Containers, no PrimaryContainer); moto\'s CloudFormation requires PrimaryContainer';
  }
  if (resource.Type === 'AWS::SageMaker::EndpointConfig') {
    const variants = resource.Properties?.ProductionVariants;
    if (Array.isArray(variants) && variants.some((v: any) => v && v.ModelName === undefined && v.InstanceType !== undefined)) {
      return 'an endpoint configuration for inference components (no ModelName); moto requires a model per variant';
    }
  }
  return undefined;
}

/** The stack without the resources moto cannot model (and their dependents), and what was left out. */
export function withoutUnmodelled(stack: AssemblyStack): { stack: AssemblyStack; unmodelled: UnmodelledResource[] } {
  const resources: Record<string, any> = stack.template.Resources ?? {};
  const out = new Map<string, string>();
  for (const [id, resource] of Object.entries(resources)) {
    const reason = ownReason(resource);
    if (reason) out.set(id, reason);
  }
  // dependents of a removed resource cannot be created either
  for (let changed = out.size > 0; changed;) {
    changed = false;
    for (const id of Object.keys(resources)) {
      if (out.has(id)) continue;
      const on = resourceDependencies(stack.template, id).find((d) => out.has(d));
      if (on) {
        out.set(id, `depends on ${on}, which moto cannot model`);
        changed = true;
      }
    }
  }
  if (out.size === 0) return { stack, unmodelled: [] };
  const kept = Object.fromEntries(Object.entries(resources).filter(([id]) => !out.has(id)));
  const outputs = Object.fromEntries(Object.entries<any>(stack.template.Outputs ?? {})
    .filter(([, o]) => ![...out.keys()].some((id) => JSON.stringify(o).includes(`"${id}"`))));
  return {
    stack: { ...stack, template: { ...stack.template, Resources: kept, ...(stack.template.Outputs ? { Outputs: outputs } : {}) } },
    unmodelled: [...out.entries()].map(([logicalId, reason]) => ({ logicalId, type: resources[logicalId].Type, reason })),
  };
}
