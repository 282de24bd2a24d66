// The one place where scanner findings on the integ apps and the example are accepted, each with its reason.
// Development-only code (never packaged).
//
// Scanners: cdk-nag's AwsSolutions, NIST 800-53 R5 and HIPAA Security packs (as an Aspect on each stack under
// test) and checkov over every synthesized template (test/integ/scanners.test.ts). A finding that no entry
// below accepts fails that test; so does an entry that accepts nothing any more. Fix a finding in the
// construct when it points at a real weakness; add an entry only when it is inherent, with the reason.
/* eslint-disable import/no-extraneous-dependencies */
import { AspectPriority, Aspects, CfnResource, IAspect, Stack } from 'aws-cdk-lib';
import {
  AwsSolutionsChecks, HIPAASecurityChecks, INagLogger, NagLoggerComplianceData, NagLoggerErrorData, NagLoggerNonComplianceData,
  NagLoggerNotApplicableData, NagLoggerSuppressedData, NagLoggerSuppressedErrorData, NagPack, NagSuppressions, NIST80053R5Checks,
} from 'cdk-nag';
import { IConstruct } from 'constructs';

/** The scanners whose findings are accepted here. */
export type Scanner = 'cdk-nag' | 'checkov';

/** One accepted finding: which rule, on which resources, and why it is acceptable. */
export interface AcceptedFinding {
  /** A short unique name, quoted in the suppression so the test can tell which entry was used. */
  readonly key: string;
  /** The scanner. */
  readonly scanner: Scanner;
  /** The rule ids (cdk-nag `AwsSolutions-IAM5`, `NIST.800.53.R5-LambdaInsideVPC`; checkov `CKV_AWS_117`). */
  readonly rules: string[];
  /** The resources: their construct path below the stack (`Job/OutputBucket/Resource`). */
  readonly path: RegExp;
  /** For rules that name what they found (IAM5, IAMNoInlinePolicy ...): the findings accepted. */
  readonly findings?: RegExp;
  /** Why the finding is acceptable. */
  readonly reason: string;
}

/** The packs run on every stack under test, by the names cdk-nag prefixes their rule ids with. */
export const NAG_PACK_NAMES = ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security'];

/** Paths of the library's own Lambda functions (the training custom resource's handler, the signal, the asset copier). */
const LIBRARY_FUNCTIONS = /^(SageMakerTrainingJobHandler|SageMakerTrainingJobSignal|SageMakerTrainingInputAssetHandler)\/Resource$/;

/**
 * Every accepted finding. Sorted by scanner, then by what they cover.
 */
export const ACCEPTED_FINDINGS: AcceptedFinding[] = [
  // ---- cdk-nag: IAM
  {
    key: 'actions-without-resource-scope',
    scanner: 'cdk-nag',
    rules: ['AwsSolutions-IAM5'],
    path: /\/DefaultPolicy\/Resource$/,
    findings: /^Resource::\*$/,
    reason: 'ecr:GetAuthorizationToken, cloudwatch:PutMetricData (limited by a namespace condition) and the EC2 describe '
      + 'actions SageMaker calls to place containers in a VPC support no resource-level permissions, so they are granted on *. '
      + 'test/integ/integ-apps.test.ts checks that the * statements grant only actions without resource-level permissions.',
  },
  {
    key: 'objects-under-a-prefix',
    scanner: 'cdk-nag',
    rules: ['AwsSolutions-IAM5'],
    path: /\/DefaultPolicy\/Resource$/,
    findings: /^Resource::<[A-Za-z0-9]+\.Arn>\/[^*]+\/\*$/,
    reason: 'Objects under one named prefix of a bucket in this stack (a job\'s output, input, staged-asset or checkpoint '
      + 'prefix; an async endpoint\'s input, output or failure prefix): SageMaker or the caller names the objects at run '
      + 'time, so the prefix is the narrowest scope.',
  },
  {
    key: 'sagemaker-log-groups',
    scanner: 'cdk-nag',
    rules: ['AwsSolutions-IAM5'],
    path: /\/Role\/DefaultPolicy\/Resource$/,
    findings: /^Resource::arn:(<AWS::Partition>|aws[a-z-]*):logs:(<AWS::Region>|[a-z]{2}(-[a-z]+)+-\d):<AWS::AccountId>:log-group:\/aws\/sagemaker\/(TrainingJobs:log-stream:[A-Za-z0-9-]+-\*|TrainingJobs:\*|Endpoints\/\*|Endpoints\/[^*]+:\*)$/,
    reason: 'SageMaker writes into its own log groups with streams it names at run time (<job name>/algo-<n>-<time> in '
      + '/aws/sagemaker/TrainingJobs; one group per endpoint, /aws/sagemaker/Endpoints/<name>). An endpoint whose name '
      + 'CloudFormation generates cannot be named in its own role (the endpoint depends on the role): set endpointName '
      + 'to limit the grant to its group.',
  },
  {
    key: 'training-job-name-prefix',
    scanner: 'cdk-nag',
    rules: ['AwsSolutions-IAM5'],
    path: /^SageMakerTrainingJobHandlerRole\/DefaultPolicy\/Resource$/,
    findings: /^Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:training-job\/([a-z0-9-]+-)?\*$/,
    reason: 'The training custom resource handler describes, starts and stops the jobs of its prefix: during an update '
      + 'rollback or cleanup the policy in force may be the other template\'s, so it covers every job name the construct can '
      + 'produce (prefix + definition hash); training-job/* only under an aws:ResourceTag condition on the construct\'s '
      + 'cdk-sagemaker-containers:owner tag (jobs of a renamed prefix), so no job of another construct.',
  },
  {
    key: 'grants-as-role-policies',
    scanner: 'cdk-nag',
    rules: ['NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'],
    path: /[A-Za-z]*Policy\/Resource$/,
    reason: 'CDK grants land in an AWS::IAM::Policy attached to exactly one role (the role the construct creates); a '
      + 'customer managed policy instead could be attached to other principals, which is what the rule guards against.',
  },
  // ---- cdk-nag: the library's Lambda functions
  {
    key: 'library-functions-outside-vpc',
    scanner: 'cdk-nag',
    rules: ['NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security-LambdaInsideVPC'],
    path: LIBRARY_FUNCTIONS,
    reason: 'The training job handler, its signal and the input-asset copier call only AWS APIs (SageMaker, S3, the '
      + 'pre-signed CloudFormation URLs) over TLS with their own least-privilege roles; a VPC would add NAT or endpoint '
      + 'cost and no control over what they reach.',
  },
  {
    key: 'library-functions-concurrency',
    scanner: 'cdk-nag',
    rules: ['NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security-LambdaConcurrency'],
    path: LIBRARY_FUNCTIONS,
    reason: 'The functions run once per deployment event or job state change; reserving concurrency for them would take '
      + 'it from the account\'s other functions without bounding anything that can grow.',
  },
  {
    key: 'library-functions-invoked-synchronously',
    scanner: 'cdk-nag',
    rules: ['NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ'],
    path: /^(SageMakerTrainingJobHandler|SageMakerTrainingInputAssetHandler)\/Resource$/,
    reason: 'CloudFormation invokes these custom resource handlers synchronously (RequestResponse): a dead-letter queue '
      + 'only receives failed asynchronous invocations, and a failure is already reported to CloudFormation.',
  },
  {
    key: 'library-function-logs-service-encrypted',
    scanner: 'cdk-nag',
    rules: ['NIST.800.53.R5-CloudWatchLogGroupEncrypted', 'HIPAA.Security-CloudWatchLogGroupEncrypted'],
    path: /^(SageMakerTrainingJobHandler|SageMakerTrainingJobSignal|SageMakerTrainingInputAsset)[A-Za-z]*Logs\/Resource$/,
    reason: 'CloudWatch Logs encrypts every log group at rest; these hold structured notices (job names, states) with '
      + 'secrets redacted. A customer managed key is an option of the library for users whose policy requires one.',
  },
  // ---- cdk-nag: SageMaker
  {
    key: 'endpoint-volumes-aws-managed-key',
    scanner: 'cdk-nag',
    rules: ['NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured', 'HIPAA.Security-SageMakerEndpointConfigurationKMSKeyConfigured'],
    path: /(^|\/)Config$/,
    reason: 'Without encryptionKey SageMaker encrypts the endpoint\'s ML storage volumes with an AWS managed key (and local '
      + 'NVMe storage in hardware); encryptionKey sets a customer managed key, and the SageMakerSecurityChecks aspect refuses an '
      + 'endpoint without one across an app.',
  },
  // ---- cdk-nag: S3
  {
    key: 'buckets-not-replicated',
    scanner: 'cdk-nag',
    rules: ['NIST.800.53.R5-S3BucketReplicationEnabled', 'HIPAA.Security-S3BucketReplicationEnabled'],
    path: /(^|\/)(AccessLogs|Results|Training|Data|Models|OutputBucket|[A-Za-z]*Bucket)\/Resource$/,
    reason: 'Cross-region replication needs a second bucket in another region and a replication role: a recovery '
      + 'decision of the account owner, not of an integration scenario. Model artifacts and job outputs are versioned '
      + 'or retained (the output bucket survives cdk destroy).',
  },
  {
    key: 'access-log-bucket',
    scanner: 'cdk-nag',
    rules: ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'HIPAA.Security-S3BucketLoggingEnabled',
      'NIST.800.53.R5-S3DefaultEncryptionKMS', 'HIPAA.Security-S3DefaultEncryptionKMS'],
    path: /^AccessLogs\/Resource$/,
    reason: 'The server access log bucket of the other buckets: logging it into itself would loop, and S3 server access '
      + 'logging delivers only to buckets encrypted with SSE-S3, not SSE-KMS.',
  },
  {
    key: 'default-output-bucket-access-logs',
    scanner: 'cdk-nag',
    rules: ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'HIPAA.Security-S3BucketLoggingEnabled'],
    path: /^Train\/OutputBucket\/Resource$/,
    reason: 'The output bucket a training job creates when none is given logs access only where the user says '
      + '(outputBucketAccessLogs): a log bucket of its own per job would be an unowned second bucket. The scenarios and '
      + 'the example keep the default.',
  },
  // ---- checkov
  {
    key: 'checkov-default-output-bucket-access-logs',
    scanner: 'checkov',
    rules: ['CKV_AWS_18'],
    path: /^Train\/OutputBucket\/Resource$/,
    reason: 'As default-output-bucket-access-logs: access logs go where outputBucketAccessLogs says.',
  },
  {
    key: 'checkov-signal-dead-letters-sse',
    scanner: 'checkov',
    rules: ['CKV_AWS_27'],
    path: /^SageMakerTrainingJobSignal[A-Za-z]*DeadLetters\/Resource$/,
    reason: 'The dead-letter queue of the completion signal holds EventBridge events (job name and state, no payloads); '
      + 'SQS encrypts new queues with SSE-SQS by default, which checkov does not see unless it is set explicitly.',
  },
  {
    key: 'checkov-models-with-network',
    scanner: 'checkov',
    rules: ['CKV_AWS_370'],
    path: /(^|\/)Model$|Model\/Resource$/,
    reason: 'Network isolation is the networkIsolation prop; models that must reach the network at run time keep it off, '
      + 'and the SageMakerSecurityChecks aspect refuses any model or training job without it across an app.',
  },
  {
    key: 'checkov-library-functions',
    scanner: 'checkov',
    rules: ['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117', 'CKV_AWS_173'],
    path: /^(SageMakerTrainingJobHandler|SageMakerTrainingJobSignal|SageMakerTrainingInputAssetHandler|Custom::S3AutoDeleteObjectsCustomResourceProvider\/Handler)(\/Resource)?$/,
    reason: 'The library\'s functions and aws-cdk-lib\'s bucket auto-delete handler: outside a VPC and without reserved '
      + 'concurrency for the reasons of library-functions-outside-vpc and library-functions-concurrency; invoked '
      + 'synchronously by CloudFormation (a DLQ receives nothing) or, for the signal, with an on-failure destination; '
      + 'their environment holds no secrets (Lambda encrypts it with an AWS managed key).',
  },
  {
    key: 'checkov-library-function-logs',
    scanner: 'checkov',
    rules: ['CKV_AWS_158'],
    path: /^(SageMakerTrainingJobHandler|SageMakerTrainingJobSignal|SageMakerTrainingInputAsset)[A-Za-z]*Logs(\/Resource)?$/,
    reason: 'As library-function-logs-service-encrypted: encrypted by CloudWatch Logs; a customer managed key is an option.',
  },
  {
    key: 'checkov-access-log-bucket',
    scanner: 'checkov',
    rules: ['CKV_AWS_18'],
    path: /^AccessLogs\/Resource$/,
    reason: 'As access-log-bucket: the access log bucket does not log into itself.',
  },
];

/** Finds the entry a suppression reason names (`[key] reason`, possibly after cdk-nag's `[finding] ` prefix). */
export function entryOfReason(reason: string): AcceptedFinding | undefined {
  const match = /\[accepted:([a-z0-9-]+)\]/.exec(reason);
  return match ? ACCEPTED_FINDINGS.find(e => e.key === match[1]) : undefined;
}

/** One finding a scanner reported, accepted or not. */
export interface ScanFinding {
  /** The scanner. */
  readonly scanner: Scanner;
  /** The stack. */
  readonly stack: string;
  /** The construct path below the stack. */
  readonly path: string;
  /** The rule id. */
  readonly rule: string;
  /** What the rule found (cdk-nag's finding id; checkov's check name). */
  readonly finding: string;
  /** The entry that accepted it. */
  readonly acceptedBy?: string;
}

/** The construct path of a resource below its stack. */
export function pathInStack(construct: IConstruct): string {
  const stack = Stack.of(construct);
  return construct.node.path.slice(stack.node.path.length + 1);
}

/** The cdk-nag entries that accept a rule on a resource path. */
function nagEntriesFor(path: string): AcceptedFinding[] {
  return ACCEPTED_FINDINGS.filter(e => e.scanner === 'cdk-nag' && e.path.test(path));
}

/** The checkov entry that accepts a check on a resource path, if any. */
export function checkovEntryFor(rule: string, path: string): AcceptedFinding | undefined {
  return ACCEPTED_FINDINGS.find(e => e.scanner === 'checkov' && e.rules.includes(rule) && e.path.test(path));
}

/** Records what the nag packs report, for the scanner test. */
class FindingsLogger implements INagLogger {
  constructor(private readonly findings: ScanFinding[]) {}

  public onCompliance(_data: NagLoggerComplianceData): void {}
  public onNotApplicable(_data: NagLoggerNotApplicableData): void {}

  public onNonCompliance(data: NagLoggerNonComplianceData): void {
    this.findings.push(this.finding(data.resource, data.ruleId, data.findingId));
  }

  public onSuppressed(data: NagLoggerSuppressedData): void {
    this.findings.push({ ...this.finding(data.resource, data.ruleId, data.findingId), acceptedBy: entryOfReason(data.suppressionReason)?.key ?? 'an unlisted suppression' });
  }

  public onError(data: NagLoggerErrorData): void {
    this.findings.push(this.finding(data.resource, data.ruleId, `the rule failed to evaluate: ${data.errorMessage}`));
  }

  public onSuppressedError(data: NagLoggerSuppressedErrorData): void {
    this.findings.push({
      ...this.finding(data.resource, data.ruleId, `the rule failed to evaluate: ${data.errorMessage}`),
      acceptedBy: entryOfReason(data.errorSuppressionReason)?.key ?? 'an unlisted suppression',
    });
  }

  private finding(resource: CfnResource, rule: string, finding: string): ScanFinding {
    return { scanner: 'cdk-nag', stack: Stack.of(resource).stackName, path: pathInStack(resource), rule, finding };
  }
}

/** Puts the accepted findings on each resource as cdk-nag suppressions, before the packs visit it. */
class AcceptFindings implements IAspect {
  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    const entries = nagEntriesFor(pathInStack(node));
    if (entries.length === 0) return;
    NagSuppressions.addResourceSuppressions(node, entries.flatMap(e => e.rules.map(rule => ({
      id: rule,
      reason: `[accepted:${e.key}] ${e.reason}`,
      appliesTo: e.findings ? [{ regex: e.findings.toString() }] : undefined,
    }))));
  }
}

/**
 * The findings cdk-nag reported in this module instance (every stack checked with `addSecurityChecks`),
 * accepted or not.
 */
export const NAG_FINDINGS: ScanFinding[] = [];

/** The stacks that carry the three packs. */
export const NAG_CHECKED_STACKS: string[] = [];

/**
 * Runs the AwsSolutions, NIST 800-53 R5 and HIPAA Security packs on a stack, with the accepted findings as
 * suppressions; every finding is recorded in `NAG_FINDINGS`.
 */
export function addSecurityChecks(stack: Stack): void {
  Aspects.of(stack).add(new AcceptFindings(), { priority: AspectPriority.MUTATING });
  const props = { verbose: true, reports: false, additionalLoggers: [new FindingsLogger(NAG_FINDINGS)] };
  const packs: NagPack[] = [new AwsSolutionsChecks(props), new NIST80053R5Checks(props), new HIPAASecurityChecks(props)];
  for (const pack of packs) {
    Aspects.of(stack).add(pack);
  }
  NAG_CHECKED_STACKS.push(stack.stackName);
}
