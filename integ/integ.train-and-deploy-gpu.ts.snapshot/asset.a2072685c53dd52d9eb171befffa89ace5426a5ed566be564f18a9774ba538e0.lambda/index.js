"use strict";
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/training/training-job-signal.lambda.ts
var training_job_signal_lambda_exports = {};
__export(training_job_signal_lambda_exports, {
  handler: () => handler,
  processSignal: () => processSignal,
  signalFor: () => signalFor
});
module.exports = __toCommonJS(training_job_signal_lambda_exports);

// src/training/private/cfn-response.ts
var MAX_REASON_LENGTH = 2e3;
function trimReason(reason) {
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 3)}...` : reason;
}
var PutError = class extends Error {
  constructor(message, statusCode) {
    super(message);
    this.statusCode = statusCode;
    this.name = "PutError";
  }
  statusCode;
};
var PUT_TIMEOUT_MS = 2e4;
async function putJson(url, body, timeoutMs = PUT_TIMEOUT_MS) {
  const payload = JSON.stringify(body);
  const response = await fetch(url, {
    method: "PUT",
    body: payload,
    headers: { "content-type": "" },
    signal: AbortSignal.timeout(timeoutMs)
  });
  if (!response.ok) {
    throw new PutError(`PUT to ${redactUrl(url)} answered HTTP ${response.status}: ${await response.text()}`, response.status);
  }
}
function redactUrl(url) {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}

// src/training/private/protocol.ts
var SignalInputKey = {
  HANDLE_URL: "HandleUrl",
  DETAIL: "Detail"
};
var FINAL_TRAINING_JOB_STATUSES = ["Completed", "Failed", "Stopped"];

// src/training/private/signal.ts
function signalForJob(job) {
  const name = job.TrainingJobName ?? "unknown";
  const status = job.TrainingJobStatus ?? "Unknown";
  if (status === "Completed") {
    return {
      Status: "SUCCESS",
      Reason: `Training job ${name} Completed`,
      UniqueId: name,
      Data: job.ModelArtifacts?.S3ModelArtifacts ?? ""
    };
  }
  const why = job.FailureReason ? `: ${job.FailureReason}` : status === "Stopped" ? ": the job was stopped" : "";
  return {
    Status: "FAILURE",
    Reason: trimReason(`Training job ${name} ${status}${why}`),
    UniqueId: name,
    Data: ""
  };
}

// src/training/training-job-signal.lambda.ts
function signalFor(event) {
  const detail = event[SignalInputKey.DETAIL] ?? {};
  if (!FINAL_TRAINING_JOB_STATUSES.includes(detail.TrainingJobStatus ?? "")) {
    return void 0;
  }
  return signalForJob(detail);
}
async function processSignal(event, send) {
  const url = event[SignalInputKey.HANDLE_URL];
  if (!url) {
    throw new Error(`input has no ${SignalInputKey.HANDLE_URL}`);
  }
  const signal = signalFor(event);
  if (!signal) {
    console.log({ notice: "status is not final: no signal", status: event[SignalInputKey.DETAIL]?.TrainingJobStatus });
    return void 0;
  }
  try {
    await send(url, signal);
  } catch (error) {
    if (error instanceof PutError && (error.statusCode === 403 || error.statusCode === 404)) {
      console.log({
        notice: "handle refused the signal (expired, timed out or deleted): nothing to retry",
        jobName: signal.UniqueId,
        handle: redactUrl(url),
        statusCode: error.statusCode
      });
      return void 0;
    }
    throw error;
  }
  console.log({ notice: "signalled", jobName: signal.UniqueId, handle: redactUrl(url), status: signal.Status, reason: signal.Reason });
  return signal;
}
async function handler(event) {
  return processSignal(event, putJson);
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler,
  processSignal,
  signalFor
});
