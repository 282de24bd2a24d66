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

/** SageMaker's environment-variable name rule (botocore `EnvironmentKey` / `TrainingEnvironmentKey`). */
const ENVIRONMENT_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Checks a container environment against the API's limits: names `[a-zA-Z_][a-zA-Z0-9_]*` up to
 * `maxKeyLength`, values up to `maxValueLength` (CreateTrainingJob: 512 and 512; CreateModel: 1,024 and 1,024),
 * at most `maxEntries` variables when given. Token values are skipped.
 */
export function checkEnvironmentVariables(problems: Problems, prop: string, environment: { [key: string]: string }, limits: {
  readonly maxKeyLength: number;
  readonly maxValueLength: number;
  readonly maxEntries?: number;
}): void {
  const entries = Object.entries(environment);
  if (limits.maxEntries !== undefined && entries.length > limits.maxEntries) {
    problems.add(`${prop} has ${entries.length} variables; SageMaker allows at most ${limits.maxEntries}`);
  }
  for (const [key, value] of entries) {
    if (Token.isUnresolved(key)) continue;
    if (!ENVIRONMENT_KEY.test(key) || key.length > limits.maxKeyLength) {
      problems.add(`${prop} name '${key}' is not allowed; use letters, digits and '_' (not first a digit), `
        + `at most ${limits.maxKeyLength} characters`);
    }
    if (typeof value === 'string' && !Token.isUnresolved(value) && value.length > limits.maxValueLength) {
      problems.add(`${prop} value of '${key}' has ${value.length} characters; at most ${limits.maxValueLength} are allowed`);
    }
  }
}

/** botocore `TagKey` / `TagValue`: letters, spaces, digits and `_ . : / = + - @` (Unicode classes). */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * Checks resource tags against the SageMaker API: at most 50, keys 1-128 and values 0-256 characters of
 * letters, spaces, digits and `_ . : / = + - @`, no key starting with `aws:` (reserved). Tokens are skipped.
 */
export function checkTags(problems: Problems, prop: string, tags: { [key: string]: string }): void {
  const entries = Object.entries(tags);
  if (entries.length > 50) {
    problems.add(`${prop} has ${entries.length} tags; SageMaker allows at most 50`);
  }
  for (const [key, value] of entries) {
    if (!Token.isUnresolved(key)) {
      if (key.length < 1 || key.length > 128 || !TAG_TEXT.test(key)) {
        problems.add(`${prop} key '${key}' is not allowed; use 1 to 128 letters, spaces, digits and _ . : / = + - @`);
      } else if (key.toLowerCase().startsWith('aws:')) {
        problems.add(`${prop} key '${key}' is not allowed; the prefix 'aws:' is reserved for AWS`);
      }
    }
    if (typeof value === 'string' && !Token.isUnresolved(value) && (value.length > 256 || !TAG_TEXT.test(value))) {
      problems.add(`${prop} value of '${key}' is not allowed; use up to 256 letters, spaces, digits and _ . : / = + - @`);
    }
  }
}
