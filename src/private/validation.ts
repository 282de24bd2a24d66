// Internal: the one way every construct reports bad input and suspicious choices. Never exported.
//
// Errors: collect every problem first, then throw once, prefixed by the construct path:
//   `<path>: <prop> <value> is not allowed; use ...`            (one problem)
//   `<path>: 3 problems:\n- <problem>\n- <problem>\n- ...`         (several)
// Warnings: ids namespaced by module, `@cdk-sagemaker-containers/<module>:<camelCaseId>`.
import { Annotations, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The modules whose warnings carry their own namespace. */
export type WarningModule = 'image' | 'compute' | 'artifacts' | 'training' | 'hosting' | 'local';

/** `@cdk-sagemaker-containers/<module>:<id>`: the one warning-id scheme of the library. */
export function warningId(module: WarningModule, id: string): string {
  return `@cdk-sagemaker-containers/${module}:${id}`;
}

/** Adds a synth warning with a namespaced id (acknowledgeable with `Annotations.acknowledgeWarning`). */
export function warn(scope: IConstruct, module: WarningModule, id: string, message: string): void {
  Annotations.of(scope).addWarningV2(warningId(module, id), message);
}

/** What an error names as its place: the construct path, or a caller's own label (e.g. a static factory). */
export function describeWhere(where: IConstruct | string): string {
  return typeof where === 'string' ? where : (where.node.path || where.node.id || '(app)');
}

/** Throws every problem at once, prefixed by where they were found; does nothing when there are none. */
export function throwProblems(where: IConstruct | string, problems: readonly string[]): void {
  if (problems.length === 0) return;
  const place = describeWhere(where);
  if (problems.length === 1) {
    throw new Error(`${place}: ${problems[0]}`);
  }
  throw new Error(`${place}: ${problems.length} problems:\n- ${problems.join('\n- ')}`);
}

/** Collects problems so that all of them are reported together (`problems.throwIfAny(this)`). */
export class Problems {
  private readonly items: string[] = [];

  /** Adds one problem; a message names the prop, the value received and what is allowed. */
  public add(message: string): void {
    this.items.push(message);
  }

  /** Adds every problem of a list. */
  public addAll(messages: readonly string[]): void {
    this.items.push(...messages);
  }

  /** Runs a check that throws, and records its message instead of stopping at the first one. */
  public capture(check: () => void): void {
    try {
      check();
    } catch (error) {
      this.items.push((error as Error).message);
    }
  }

  /** How many problems were found. */
  public get count(): number {
    return this.items.length;
  }

  /** The problems found so far. */
  public get messages(): readonly string[] {
    return [...this.items];
  }

  /** Throws them all at once, prefixed by the construct path; does nothing when there are none. */
  public throwIfAny(where: IConstruct | string): void {
    throwProblems(where, this.items);
  }
}

/**
 * Checks that a string-valued enum-like input is one of its members: callers in Python, Java, Go and .NET
 * (and JavaScript) can pass any string where TypeScript would have refused it.
 */
export function checkMember(problems: Problems, prop: string, value: unknown, allowed: readonly string[]): void {
  if (value === undefined) return;
  if (typeof value === 'string' && Token.isUnresolved(value)) return;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    problems.add(`${prop} ${JSON.stringify(value)} is not allowed; use one of ${allowed.join(', ')}`);
  }
}

/** Checks a whole number within a range (tokens skipped). */
export function checkInteger(problems: Problems, prop: string, value: number | undefined, min: number, max?: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `a whole number of ${min} or more` : `a whole number from ${min} to ${max}`;
    problems.add(`${prop} ${value} is not allowed; use ${range}`);
  }
}

/** Checks a string against a pattern and length limits the SageMaker API enforces (tokens skipped). */
export function checkString(problems: Problems, prop: string, value: string | undefined, rule: {
  readonly pattern?: RegExp;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** What the pattern allows, in words. */
  readonly allowed: string;
}): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  const tooShort = rule.minLength !== undefined && value.length < rule.minLength;
  const tooLong = rule.maxLength !== undefined && value.length > rule.maxLength;
  if (tooShort || tooLong || (rule.pattern !== undefined && !rule.pattern.test(value))) {
    problems.add(`${prop} '${value}' is not allowed; use ${rule.allowed}`);
  }
}
