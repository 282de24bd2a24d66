/**
 * Splits a CloudFormation template into the order real CloudFormation creates it in.
 *
 * moto's CloudFormation creates every resource of a template in one synchronous pass and
 * resolves `Fn::GetAtt` on a custom resource before the custom resource has answered (the
 * attribute is then silently dropped), and it ignores WaitConditions. Real CloudFormation
 * creates a dependent only after the resources it references are complete. The harness
 * therefore deploys in phases: each phase adds the resources whose dependencies are complete,
 * and a custom resource or WaitCondition blocks its dependents until it has answered.
 */

/** Resource types that stay in progress until something answers for them. */
export function isCustomResourceType(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

export const WAIT_CONDITION = 'AWS::CloudFormation::WaitCondition';
export const WAIT_CONDITION_HANDLE = 'AWS::CloudFormation::WaitConditionHandle';

/** Whether a resource of this type blocks its dependents until it answers. */
export function isBlockingType(type: string): boolean {
  return isCustomResourceType(type) || type === WAIT_CONDITION;
}

/** Logical ids referenced by a template value through Ref, Fn::GetAtt and Fn::Sub. */
export function referencedIds(value: any, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => referencedIds(v, out));
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') {
        if (!v.startsWith('AWS::')) out.add(v);
      } else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(v) ? v[0] : typeof v === 'string' ? v.split('.')[0] : undefined;
        if (typeof target === 'string') out.add(target);
        if (Array.isArray(v)) referencedIds(v.slice(1), out);
      } else if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(v) ? [v[0], v[1] ?? {}] : [v, {}];
        if (typeof text === 'string') {
          for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
            const name = m[1].split('.')[0];
            if (!name.startsWith('AWS::') && !(name in vars)) out.add(name);
          }
        }
        referencedIds(vars, out);
      } else {
        referencedIds(v, out);
      }
    }
  }
  return out;
}

/** The direct dependencies of a resource on other resources of the template. */
export function resourceDependencies(template: any, logicalId: string): string[] {
  const resources = template.Resources ?? {};
  const res = resources[logicalId];
  const deps = referencedIds(res.Properties ?? {});
  for (const d of [res.DependsOn ?? []].flat()) deps.add(d);
  return [...deps].filter((d) => d in resources && d !== logicalId);
}

/** Values the harness writes into the template in place of references moto cannot resolve. */
export class Substitutions {
  /** `{ Ref: id }` -> value */
  public readonly refs = new Map<string, string>();
  /** `{ Fn::GetAtt: [id, attr] }` -> value, keyed `id.attr` */
  public readonly getAtts = new Map<string, string>();

  /** Returns a copy of the value with the known references replaced by literals. */
  public apply(value: any): any {
    if (Array.isArray(value)) return value.map((v) => this.apply(v));
    if (!value || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys;
      const v = value[key];
      if (key === 'Ref' && typeof v === 'string' && this.refs.has(v)) return this.refs.get(v);
      if (key === 'Fn::GetAtt') {
        const id = Array.isArray(v) ? `${v[0]}.${v[1]}` : String(v);
        if (this.getAtts.has(id)) return this.getAtts.get(id);
      }
      if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(v) ? [v[0], v[1]] : [v, undefined];
        const replaced = typeof text === 'string'
          ? text.replace(/\$\{([^!}][^}]*)\}/g, (whole, name: string) => {
            if (vars && name in vars) return whole;
            if (this.refs.has(name)) return this.refs.get(name)!;
            if (this.getAtts.has(name)) return this.getAtts.get(name)!;
            return whole;
          })
          : text;
        return { 'Fn::Sub': vars === undefined ? replaced : [replaced, this.apply(vars)] };
      }
    }
    const out: any = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.apply(v);
    return out;
  }
}

/** A plan to create one template in dependency order, a phase per blocking resource level. */
export class DeployPlan {
  public readonly resources: Record<string, any>;
  private readonly deps = new Map<string, string[]>();

  constructor(public readonly template: any) {
    this.resources = template.Resources ?? {};
    for (const id of Object.keys(this.resources)) {
      this.deps.set(id, resourceDependencies(template, id));
    }
  }

  /** Logical ids of resources of a type. */
  public ofType(predicate: (type: string) => boolean): string[] {
    return Object.keys(this.resources).filter((id) => predicate(this.resources[id].Type));
  }

  /** The dependencies of one resource. */
  public dependenciesOf(id: string): string[] {
    return this.deps.get(id) ?? [];
  }

  /**
   * The resources CloudFormation would have created (or started) once the given blocking
   * resources have answered: a resource is created when every dependency is created and,
   * if that dependency blocks, has answered.
   */
  public createdAfter(answered: ReadonlySet<string>): Set<string> {
    const created = new Set<string>();
    const visiting = new Set<string>();
    const canCreate = (id: string): boolean => {
      if (created.has(id)) return true;
      if (visiting.has(id)) throw new Error(`circular dependency through ${id}`);
      visiting.add(id);
      const ok = this.dependenciesOf(id).every((d) =>
        canCreate(d) && (!isBlockingType(this.resources[d].Type) || answered.has(d)));
      visiting.delete(id);
      if (ok) created.add(id);
      return ok;
    };
    Object.keys(this.resources).forEach(canCreate);
    return created;
  }

  /**
   * The template for one phase: the created resources with substitutions applied, the outputs
   * that only reference them, and extra outputs that make moto resolve the given resources'
   * properties (what CloudFormation would send in a custom resource request).
   */
  public phaseTemplate(created: ReadonlySet<string>, answered: ReadonlySet<string>, subs: Substitutions, resolveProperties: string[]): any {
    const t: any = { ...this.template, Resources: {}, Outputs: {} };
    for (const id of Object.keys(this.resources)) {
      if (!created.has(id)) continue;
      const res = subs.apply(this.resources[id]);
      // moto only runs custom resources typed Custom::*.
      if (res.Type === 'AWS::CloudFormation::CustomResource') res.Type = 'Custom::CloudFormationCustomResource';
      t.Resources[id] = res;
    }
    for (const [id, output] of Object.entries<any>(this.template.Outputs ?? {})) {
      const refs = [...referencedIds(output.Value)].filter((r) => r in this.resources);
      if (refs.every((r) => created.has(r) && (!isBlockingType(this.resources[r].Type) || answered.has(r)))) {
        t.Outputs[id] = subs.apply(output);
      }
    }
    for (const id of resolveProperties) {
      t.Outputs[propertiesOutputId(id)] = {
        Value: { 'Fn::ToJsonString': subs.apply(this.resources[id].Properties ?? {}) },
      };
    }
    if (Object.keys(t.Outputs).length === 0) delete t.Outputs;
    return t;
  }
}

/** The harness-added output through which moto reports a resource's resolved properties. */
export function propertiesOutputId(logicalId: string): string {
  return `LocalCloudResolved${logicalId}`.replace(/[^A-Za-z0-9]/g, '').slice(0, 255);
}

/**
 * Converts scalars the way CloudFormation does in custom resource requests: numbers and
 * booleans arrive as strings.
 */
export function stringifyScalars(value: any): any {
  if (Array.isArray(value)) return value.map(stringifyScalars);
  if (value === null || value === undefined) return value;
  if (typeof value === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(value)) out[k] = stringifyScalars(v);
    return out;
  }
  return String(value);
}

/** The stack as moto holds it before an update: the template last sent (substituted), without the harness's outputs. */
export function withoutResolvedOutputs(template: any): any {
  const outputs = Object.fromEntries(Object.entries<any>(template.Outputs ?? {}).filter(([id]) => !id.startsWith('LocalCloudResolved')));
  const t = { ...template, Outputs: outputs };
  if (Object.keys(outputs).length === 0) delete t.Outputs;
  return t;
}

/**
 * The template of one phase of a stack update, as CloudFormation's stack stands mid-update: the new definition of
 * each resource the update has reached (`reached`: its dependencies are updated, and the blocking ones answered),
 * the definition moto holds (`current`) of every other resource of the old template (not yet updated, or to be
 * removed in the cleanup), nothing of a new resource not yet reached, and the old outputs until every resource is
 * reached (`final`: then only the new template, as after the cleanup).
 *
 * A custom resource keeps the definition moto created it with: moto cannot update one (its CustomModel has no
 * update, so the stack drops it and every `Fn::GetAtt` on it fails); the harness sends the Update event and
 * forwards the answer's Data to moto instead.
 */
export function updatePhaseTemplate(plan: DeployPlan, current: any, reached: ReadonlySet<string>, answered: ReadonlySet<string>,
  subs: Substitutions, resolveProperties: string[]): any {
  const final = Object.keys(plan.resources).every((id) => reached.has(id) && (!isBlockingType(plan.resources[id].Type) || answered.has(id)));
  const held: Record<string, any> = current.Resources ?? {};
  const t: any = { ...plan.template, Resources: {}, Outputs: {} };
  for (const id of new Set([...Object.keys(held), ...Object.keys(plan.resources)])) {
    if (id in plan.resources && reached.has(id)) {
      if (id in held && isCustomResourceType(plan.resources[id].Type)) {
        t.Resources[id] = held[id];
      } else {
        const res = subs.apply(plan.resources[id]);
        if (res.Type === 'AWS::CloudFormation::CustomResource') res.Type = 'Custom::CloudFormationCustomResource';
        t.Resources[id] = res;
      }
    } else if (id in held && !final) {
      t.Resources[id] = held[id];
    }
  }
  if (final) {
    for (const [id, output] of Object.entries<any>(plan.template.Outputs ?? {})) t.Outputs[id] = subs.apply(output);
  } else {
    Object.assign(t.Outputs, withoutResolvedOutputs(current).Outputs ?? {});
  }
  for (const id of resolveProperties) {
    t.Outputs[propertiesOutputId(id)] = { Value: { 'Fn::ToJsonString': subs.apply(plan.resources[id].Properties ?? {}) } };
  }
  if (Object.keys(t.Outputs).length === 0) delete t.Outputs;
  return t;
}

/** Whether two custom resource property sets are the same as CloudFormation compares them (scalars as strings). */
export function sameProperties(a: any, b: any): boolean {
  const canonical = (v: any): any => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
    return v;
  };
  return JSON.stringify(canonical(stringifyScalars(a))) === JSON.stringify(canonical(stringifyScalars(b)));
}
