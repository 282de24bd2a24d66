// Sufficiency: every call SageMaker and the library's handlers make for a feature (test/security/permission-requirements.ts,
// with the documentation each comes from) is allowed by the synthesized policies of a configuration using it.
import * as fs from 'fs';
import { Template } from 'aws-cdk-lib/assertions';
import { FEATURES, PERMISSIONS_DOC, renderPermissionsDoc } from './permission-requirements';
import { glob, conditionsHold, PolicyEvaluator } from './policy-evaluation';

describe.each(FEATURES.map(f => [f.feature, f] as const))('%s', (_name, feature) => {
  test('every call it needs is allowed by the synthesized policies', () => {
    // GIVEN
    const built = feature.build();
    const evaluator = new PolicyEvaluator(built.stack, Template.fromStack(built.stack).toJSON());

    // WHEN
    const denied = feature.requirements.flatMap(r => {
      const role = built.roles[r.principal];
      if (!role) return [`${r.principal}: no such principal in the configuration`];
      const decision = evaluator.evaluate(evaluator.roleId(role), {
        action: r.action,
        resource: evaluator.renderResource(r.resource(built)),
        context: r.context?.(built),
      });
      return decision.allowed ? [] : [`${r.principal} ${r.action} on ${r.on}: ${decision.why}`];
    });

    // THEN
    expect(denied).toEqual([]);
  });
});

describe('the policy evaluator', () => {
  test('matches IAM wildcards in actions (case-insensitively) and resources', () => {
    expect(glob('s3:Get*', 's3:getobject', true)).toBe(true);
    expect(glob('arn:aws:s3:::b/out/*', 'arn:aws:s3:::b/out/x/y', false)).toBe(true);
    expect(glob('arn:aws:s3:::b/out/*', 'arn:aws:s3:::b/in/x', false)).toBe(false);
    expect(glob('arn:aws:s3:::b/o?t', 'arn:aws:s3:::b/out', false)).toBe(true);
  });

  test('fails conditions whose key the request lacks, and operators it does not know', () => {
    expect(conditionsHold({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } }, {})).toBe(false);
    expect(conditionsHold({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } }, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe(false);
    expect(conditionsHold({ StringLike: { 's3:prefix': ['data/*'] } }, { 's3:prefix': 'data/train/' })).toBe(true);
    expect(conditionsHold({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }, { 'aws:MultiFactorAuthAge': '1' })).toBe(false);
  });
});

test('docs/permissions.md is the rendered table', () => {
  // GIVEN
  const rendered = renderPermissionsDoc();
  if (process.env.UPDATE_PERMISSIONS_DOC) {
    fs.writeFileSync(PERMISSIONS_DOC, rendered);
  }
  // THEN
  const rows = FEATURES.reduce((n, f) => n + f.requirements.length, 0);
  // eslint-disable-next-line no-console
  console.log(`sufficiency: ${rows} requirements in ${FEATURES.length} configurations`);
  expect(fs.existsSync(PERMISSIONS_DOC) ? fs.readFileSync(PERMISSIONS_DOC, 'utf-8') : '(missing)').toEqual(rendered);
});
