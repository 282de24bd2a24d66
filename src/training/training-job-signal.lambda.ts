import { putJson, PutError, redactUrl } from './private/cfn-response';
import { FINAL_TRAINING_JOB_STATUSES, SignalInputKey } from './private/protocol';
import { FinishedJob, signalForJob, WaitConditionSignal } from './private/signal';

/**
 * Signal function of a waiting `TrainingJob`: an EventBridge rule, filtered on the job's name and its final
 * statuses, invokes it once per job with the job's WaitConditionHandle URL and the event's `detail` (the job's
 * description, FailureReason included). It makes no AWS API call: the handle URL is pre-signed.
 *
 * A handle that answers 403 or 404 (its presigned URL expired, or its WaitCondition timed out or was deleted:
 * a late event) cannot be signalled by retrying: that is logged and the invocation ends. Any other failure
 * throws, so Lambda retries the asynchronous invocation and, after its retries, puts it in the stack's
 * dead-letter queue (the rule's target has one too): a signal is never lost silently.
 */

/** The rule's target input. */
export interface SignalEvent {
  readonly [SignalInputKey.HANDLE_URL]: string;
  readonly [SignalInputKey.DETAIL]: FinishedJob;
}

/**
 * The signal to send for an event, or undefined when the status is not final (the rule filters those out;
 * this guards against a rule edited by hand).
 */
export function signalFor(event: SignalEvent): WaitConditionSignal | undefined {
  const detail = event[SignalInputKey.DETAIL] ?? {};
  if (!FINAL_TRAINING_JOB_STATUSES.includes(detail.TrainingJobStatus ?? '')) {
    return undefined;
  }
  return signalForJob(detail);
}

/** Sends the signal for an event through `send`; returns what was sent. */
export async function processSignal(
  event: SignalEvent,
  send: (url: string, body: WaitConditionSignal) => Promise<void>,
): Promise<WaitConditionSignal | undefined> {
  const url = event[SignalInputKey.HANDLE_URL];
  if (!url) {
    throw new Error(`input has no ${SignalInputKey.HANDLE_URL}`);
  }
  const signal = signalFor(event);
  if (!signal) {
    console.log({ notice: 'status is not final: no signal', status: event[SignalInputKey.DETAIL]?.TrainingJobStatus });
    return undefined;
  }
  try {
    await send(url, signal);
  } catch (error) {
    if (error instanceof PutError && (error.statusCode === 403 || error.statusCode === 404)) {
      console.log({
        notice: 'handle refused the signal (expired, timed out or deleted): nothing to retry',
        jobName: signal.UniqueId,
        handle: redactUrl(url),
        statusCode: error.statusCode,
      });
      return undefined;
    }
    throw error;
  }
  console.log({ notice: 'signalled', jobName: signal.UniqueId, handle: redactUrl(url), status: signal.Status, reason: signal.Reason });
  return signal;
}

/** Lambda entry point: PUTs the signal to the pre-signed handle URL. */
export async function handler(event: SignalEvent): Promise<WaitConditionSignal | undefined> {
  return processSignal(event, putJson);
}
