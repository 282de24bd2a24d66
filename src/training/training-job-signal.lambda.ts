import { putJson, redactUrl } from '../private/training-cfn-response';
import { FINAL_TRAINING_JOB_STATUSES, SignalInputKey } from '../private/training-protocol';
import { FinishedJob, signalForJob, WaitConditionSignal } from '../private/training-signal';

/**
 * Signal function of a waiting `TrainingJob`: an EventBridge rule, filtered on the job's name and its final
 * statuses, invokes it once per job with the job's WaitConditionHandle URL and the event's `detail` (the job's
 * description, FailureReason included). It makes no AWS API call: the handle URL is pre-signed.
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
    console.log(`Status ${event[SignalInputKey.DETAIL]?.TrainingJobStatus} is not final: no signal`);
    return undefined;
  }
  await send(url, signal);
  console.log(`Signalled ${redactUrl(url)}: ${signal.Status} ${signal.Reason}`);
  return signal;
}

/** Lambda entry point: PUTs the signal to the pre-signed handle URL. */
export async function handler(event: SignalEvent): Promise<WaitConditionSignal | undefined> {
  return processSignal(event, putJson);
}
