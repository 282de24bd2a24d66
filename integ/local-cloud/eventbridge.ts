import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** A rule as EventBridge (moto) reports it, with its targets. */
export interface RuleDescription {
  readonly name: string;
  readonly state: string;
  readonly eventPattern?: string;
  readonly targets: any[];
}

/**
 * Calls an EventBridge action on the local endpoint with the JSON 1.1 protocol. (The harness
 * has no EventBridge SDK client; moto does not verify signatures, so the credential scope in
 * the Authorization header only routes the call.)
 */
export async function eventsCall(endpoint: string, region: string, action: string, body: any): Promise<any> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSEvents.${action}`,
      'authorization': `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/events/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`EventBridge ${action} failed (${res.status}): ${text}`);
  return text ? JSON.parse(text) : {};
}

/** Reads a rule and its targets back from EventBridge. */
export async function describeRule(endpoint: string, region: string, name: string): Promise<RuleDescription> {
  const rule = await eventsCall(endpoint, region, 'DescribeRule', { Name: name });
  const targets = await eventsCall(endpoint, region, 'ListTargetsByRule', { Rule: name });
  return { name: rule.Name, state: rule.State, eventPattern: rule.EventPattern, targets: targets.Targets ?? [] };
}

/**
 * Matches an event against a rule's pattern and computes what the target receives, with
 * moto's EventBridge pattern matcher and input transformer (run in the venv's Python).
 */
export async function matchEvent(python: string, pattern: string, event: any, target: any): Promise<{ matches: boolean; input?: any }> {
  const script = path.join(__dirname, 'eventbridge_match.py');
  return new Promise((resolve, reject) => {
    const child = execFile(python, [script], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`event pattern match failed: ${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout));
    });
    child.stdin!.end(JSON.stringify({ pattern, event, target }));
  });
}

/**
 * The "SageMaker Training Job State Change" event EventBridge delivers when a job reaches a
 * status: its detail is the job's description.
 */
export function trainingJobStateChangeEvent(job: any, account: string, region: string): any {
  const detail = JSON.parse(JSON.stringify(job, (_k, v) => (v instanceof Date ? v.getTime() : v)));
  delete detail.$metadata;
  return {
    'version': '0',
    'id': `local-${job.TrainingJobName}-${job.TrainingJobStatus}`,
    'detail-type': 'SageMaker Training Job State Change',
    'source': 'aws.sagemaker',
    'account': account,
    'time': new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    'region': region,
    'resources': [job.TrainingJobArn],
    'detail': detail,
  };
}
