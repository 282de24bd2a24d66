// Evaluates the synthesized IAM statements of a role against one request (action, resource, request context),
// as IAM does for identity-based policies: an Allow statement whose Action (or NotAction) matches, whose
// Resource (or NotResource) matches and whose conditions hold; an explicit Deny that matches wins.
// CloudFormation intrinsics are rendered to `${LogicalId}` / `${LogicalId.Attr}` placeholders on both sides, and
// a bucket's `${Bucket.Arn}` to `arn:${AWS::Partition}:s3:::${Bucket}`, so token ARNs compare as text.
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** One request a principal must be allowed to make. */
export interface Request {
  /** The action (`s3:GetObject`). */
  readonly action: string;
  /** The resource, rendered (see `renderResource`). */
  readonly resource: string;
  /** Condition keys of the request context (`s3:prefix`, `iam:PassedToService`, `cloudwatch:namespace`). */
  readonly context?: Record<string, string>;
}

/** The outcome of evaluating one request. */
export interface Decision {
  /** Whether an Allow matched and no Deny did. */
  readonly allowed: boolean;
  /** Why not, in words. */
  readonly why: string;
}

/** A template (as Template.toJSON() gives it) and the statements of its roles. */
export class PolicyEvaluator {
  constructor(private readonly stack: Stack, private readonly template: any) {}

  /** Renders a token string (an ARN with references) the way the statements are rendered. */
  public renderResource(value: string): string {
    return this.render(this.stack.resolve(value));
  }

  /** The logical id of a role of this stack. */
  public roleId(role: iam.IRole): string {
    const arn = this.stack.resolve(role.roleArn);
    const id = arn?.['Fn::GetAtt']?.[0];
    if (typeof id !== 'string') {
      throw new Error(`${role.node.path} is not a role of stack ${this.stack.stackName}`);
    }
    return id;
  }

  /** Every statement that applies to the role: its policies' and its inline ones. */
  public statements(roleId: string): any[] {
    const resources = this.template.Resources ?? {};
    const out: any[] = [];
    for (const resource of Object.values<any>(resources)) {
      if (resource.Type === 'AWS::IAM::Policy'
        && (resource.Properties.Roles ?? []).some((r: any) => r?.Ref === roleId)) {
        out.push(...[resource.Properties.PolicyDocument.Statement].flat());
      }
    }
    for (const policy of resources[roleId]?.Properties?.Policies ?? []) {
      out.push(...[policy.PolicyDocument.Statement].flat());
    }
    return out;
  }

  /** Evaluates one request against the role's statements. */
  public evaluate(roleId: string, request: Request): Decision {
    const statements = this.statements(roleId);
    const matching = statements.filter(s => this.matches(s, request));
    if (matching.some(s => s.Effect === 'Deny')) {
      return { allowed: false, why: 'an explicit Deny matches' };
    }
    if (matching.some(s => s.Effect === 'Allow')) {
      return { allowed: true, why: 'allowed' };
    }
    const sameAction = statements.filter(s => s.Effect === 'Allow' && this.actionMatches(s, request.action));
    const why = sameAction.length === 0
      ? `no statement allows ${request.action}`
      : `${request.action} is allowed only on ${sameAction.map(s => `${JSON.stringify([s.Resource].flat().map((r: any) => this.render(r)))}`
        + `${s.Condition ? ` if ${JSON.stringify(s.Condition)}` : ''}`).join(' or ')}`;
    return { allowed: false, why };
  }

  private matches(statement: any, request: Request): boolean {
    return this.actionMatches(statement, request.action)
      && this.resourceMatches(statement, request.resource)
      && conditionsHold(statement.Condition, request.context ?? {});
  }

  private actionMatches(statement: any, action: string): boolean {
    if (statement.NotAction !== undefined) {
      return ![statement.NotAction].flat().some((p: string) => glob(p, action, true));
    }
    return [statement.Action].flat().some((p: string) => glob(p, action, true));
  }

  private resourceMatches(statement: any, resource: string): boolean {
    if (statement.NotResource !== undefined) {
      return ![statement.NotResource].flat().some((p: any) => glob(this.render(p), resource, false));
    }
    return [statement.Resource].flat().some((p: any) => glob(this.render(p), resource, false));
  }

  /** Renders an intrinsic to text with `${...}` placeholders. */
  private render(value: any): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (Array.isArray(value)) return value.map(v => this.render(v)).join(',');
    if (value?.Ref !== undefined) return `\${${value.Ref}}`;
    const getAtt = value?.['Fn::GetAtt'];
    if (getAtt !== undefined) {
      const [id, attr] = Array.isArray(getAtt) ? getAtt : String(getAtt).split('.');
      if (attr === 'Arn' && this.template.Resources?.[id]?.Type === 'AWS::S3::Bucket') {
        return `arn:\${AWS::Partition}:s3:::\${${id}}`;
      }
      return `\${${id}.${attr}}`;
    }
    const join = value?.['Fn::Join'];
    if (join !== undefined) return (join[1] as any[]).map(v => this.render(v)).join(join[0]);
    return `\${${JSON.stringify(value)}}`;
  }
}

/** IAM's wildcard match: `*` any run of characters, `?` one; actions case-insensitively. */
export function glob(pattern: string, value: string, ignoreCase: boolean): boolean {
  const rx = new RegExp(`^${pattern.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`,
    ignoreCase ? 'is' : 's');
  return rx.test(value);
}

/** Whether every condition of a statement holds in the request context (operators the library uses). */
export function conditionsHold(condition: any, context: Record<string, string>): boolean {
  if (!condition) return true;
  return Object.entries<any>(condition).every(([operator, keys]) => Object.entries<any>(keys).every(([key, expected]) => {
    const ifExists = operator.endsWith('IfExists');
    const op = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
    const actual = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
    if (actual === undefined) return ifExists || op.startsWith('StringNot') || op.startsWith('ArnNot');
    const values = [expected].flat().map(String);
    switch (op) {
      case 'StringEquals': case 'ArnEquals': return values.includes(actual);
      case 'StringEqualsIgnoreCase': return values.some(v => v.toLowerCase() === actual.toLowerCase());
      case 'StringLike': case 'ArnLike': return values.some(v => glob(v, actual, false));
      case 'StringNotEquals': case 'ArnNotEquals': return !values.includes(actual);
      case 'StringNotLike': case 'ArnNotLike': return !values.some(v => glob(v, actual, false));
      case 'Bool': return values.includes(actual);
      default: return false; // an operator this evaluator does not know never holds: the row fails loudly
    }
  }));
}
