/* eslint-disable import/no-extraneous-dependencies */
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';

/**
 * Custom-resource plumbing shared by the training handlers: the answer CloudFormation expects, and the
 * pre-signed PUT that delivers it (and WaitCondition signals). Pure where possible, so a test harness can
 * build the answer itself and deliver it wherever its CloudFormation listens.
 */

/** What a lifecycle function returns on success. */
export interface ResourceResult {
  readonly physicalResourceId: string;
  readonly data?: { [key: string]: string };
}

/** CloudFormation refuses response bodies over 4 KiB; a failure reason is trimmed well below that. */
const MAX_REASON_LENGTH = 2000;

/**
 * The response body CloudFormation expects for a custom resource event.
 *
 * @param event the request
 * @param outcome the lifecycle result, or the error that ended it
 * @param fallbackPhysicalId used when a Create fails before it has an id
 */
export function buildResponse(
  event: CloudFormationCustomResourceEvent,
  outcome: ResourceResult | Error,
  fallbackPhysicalId: string,
): CloudFormationCustomResourceResponse {
  const previousId = event.RequestType === 'Create' ? undefined : event.PhysicalResourceId;
  const common = {
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  };
  if (outcome instanceof Error) {
    return {
      ...common,
      Status: 'FAILED',
      Reason: trimReason(outcome.message || String(outcome)),
      PhysicalResourceId: previousId ?? fallbackPhysicalId,
    };
  }
  return {
    ...common,
    Status: 'SUCCESS',
    PhysicalResourceId: outcome.physicalResourceId,
    Data: outcome.data,
  };
}

/** Trims a reason to what fits in a CloudFormation stack event. */
export function trimReason(reason: string): string {
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 3)}...` : reason;
}

/** A PUT to a pre-signed URL that was answered with an HTTP error (`statusCode` 403: expired or revoked). */
export class PutError extends Error {
  constructor(message: string, public readonly statusCode: number) {
    super(message);
    this.name = 'PutError';
  }
}

/** How long a PUT to a pre-signed URL may take before it is abandoned (S3 answers in well under a second). */
const PUT_TIMEOUT_MS = 20_000;

/**
 * PUTs a JSON body to a pre-signed S3 URL (a custom resource's ResponseURL or a WaitConditionHandle), with a
 * timeout. The URL is signed without a content type, so none is sent. An HTTP error throws a `PutError`.
 */
export async function putJson(url: string, body: unknown, timeoutMs: number = PUT_TIMEOUT_MS): Promise<void> {
  const payload = JSON.stringify(body);
  const response = await fetch(url, {
    method: 'PUT',
    body: payload,
    headers: { 'content-type': '' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) {
    throw new PutError(`PUT to ${redactUrl(url)} answered HTTP ${response.status}: ${await response.text()}`, response.status);
  }
}

/** A pre-signed URL without its query string (the signature), for log lines. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** Options for `withRetry`. */
export interface RetryOptions {
  /** Attempts in all, first one included. */
  readonly maxAttempts?: number;
  /** Delay before the second attempt; doubled each time, with jitter. */
  readonly baseDelayMs?: number;
  /** Replaceable for tests; never a real timer there. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True for the errors AWS APIs return when a caller is throttled. */
export function isThrottling(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? e?.Code ?? '';
  return /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/i.test(name)
    || /rate exceeded/i.test(e?.message ?? '')
    || e?.$metadata?.httpStatusCode === 429;
}

/**
 * Runs `fn`, retrying throttling errors with exponential backoff (the SDK's own retries come first; this
 * covers a burst of deploys that outlasts them). Other errors are thrown at once.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 8;
  const base = options.baseDelayMs ?? 1000;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= maxAttempts || !isThrottling(error)) {
        throw error;
      }
      const delay = Math.min(base * 2 ** (attempt - 1), 30_000);
      await sleep(delay / 2 + Math.random() * delay / 2);
    }
  }
}
