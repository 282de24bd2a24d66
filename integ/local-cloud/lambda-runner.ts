import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** How to run one Lambda function's code locally. */
export interface LocalFunction {
  /** The function name (as moto knows it). */
  readonly functionName: string;
  /** The directory holding the function's unpacked code (the staged asset in the cloud assembly). */
  readonly codeDir: string;
  /** `file.export`, as in the function's Handler setting. */
  readonly handler: string;
  /** The function's environment variables, as moto stored them. */
  readonly environment: Record<string, string>;
  /** The function's timeout. */
  readonly timeoutSeconds: number;
}

/** What one invocation returned. */
export interface InvocationResult {
  /** The handler's return value (JSON), undefined when it threw. */
  readonly result?: any;
  /** The error the handler threw, if it did. */
  readonly error?: string;
  /** Everything the function wrote (its CloudWatch log, in the cloud). */
  readonly logs: string;
  readonly durationMs: number;
}

const RESULT_MARKER = '__LOCAL_CLOUD_RESULT__';
const RUNTIME_MODULES = path.resolve(__dirname, '..', '..', 'node_modules');

// Runs in the child: loads the handler like the Node.js Lambda runtime does and prints its answer.
const BOOTSTRAP = `
const fs = require('fs');
const [file, name] = [process.env.LOCAL_CLOUD_FILE, process.env.LOCAL_CLOUD_EXPORT];
const event = JSON.parse(fs.readFileSync(0, 'utf8'));
// Pre-signed S3 URLs are HTTPS; the harness's stand-ins are plain HTTP on a loopback port. Handlers
// that PUT with https.request and only the host and path (aws-cdk-lib's provider does) are sent there.
const http = require('http'), https = require('https');
const signalPort = Number(process.env.LOCAL_CLOUD_SIGNAL_PORT);
const httpsRequest = https.request;
https.request = function (a, b, c) {
  const url = typeof a === 'string' || a instanceof URL ? new URL(a) : undefined;
  const opts = url ? { ...(typeof b === 'object' ? b : {}), hostname: url.hostname, port: url.port, path: url.pathname + url.search } : { ...a };
  const cb = url ? (typeof b === 'function' ? b : c) : b;
  if ((opts.hostname || opts.host) === '127.0.0.1' && (!opts.port || Number(opts.port) === 443)) {
    delete opts.agent; delete opts.host;
    return http.request({ ...opts, hostname: '127.0.0.1', port: signalPort, protocol: 'http:' }, cb);
  }
  return httpsRequest.apply(this, arguments);
};
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  awsRequestId: require('crypto').randomUUID(),
  getRemainingTimeInMillis: () => Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT) * 1000,
  logStreamName: 'local', logGroupName: '/aws/lambda/' + process.env.AWS_LAMBDA_FUNCTION_NAME,
};
// Like the runtime, the invocation ends when the handler settles, open sockets or not.
const answer = (a) => process.stdout.write('\\n${RESULT_MARKER}' + JSON.stringify(a) + '\\n', () => process.exit(0));
const done = (r) => answer({ result: r === undefined ? null : r });
const fail = (e) => answer({ error: String(e && e.stack || e) });
Promise.resolve().then(() => require(file)[name](event, context)).then(done, fail);
`;

/**
 * Invokes a function's bundled handler in a separate Node.js process, the way the Lambda
 * runtime would: the function's environment plus the runtime variables, AWS SDK calls sent to
 * the local endpoint, a timeout. A separate process keeps the handler's bundled SDK, its
 * module state and its environment away from the test process.
 */
export async function invokeLocally(fn: LocalFunction, event: any, awsEndpoint: string, region: string,
  signalPort: number): Promise<InvocationResult> {
  const [file, exportName] = splitHandler(fn.handler);
  const started = Date.now();
  const child = spawn(process.execPath, ['-e', BOOTSTRAP], {
    cwd: fn.codeDir,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      // The Node.js Lambda runtime provides the AWS SDK v3 to handlers that do not bundle it (the
      // aws-cdk-lib ones); the repository's SDK packages stand in for it.
      NODE_PATH: RUNTIME_MODULES,
      ...fn.environment,
      LOCAL_CLOUD_FILE: path.join(fn.codeDir, file),
      LOCAL_CLOUD_EXPORT: exportName,
      LOCAL_CLOUD_SIGNAL_PORT: String(signalPort),
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SESSION_TOKEN: 'testing',
      AWS_ENDPOINT_URL: awsEndpoint,
      AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(fn.timeoutSeconds),
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs',
      LAMBDA_TASK_ROOT: fn.codeDir,
    },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  child.stdin.end(JSON.stringify(event));
  const timer = setTimeout(() => child.kill('SIGKILL'), fn.timeoutSeconds * 1000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const durationMs = Date.now() - started;
  const idx = out.lastIndexOf(RESULT_MARKER);
  if (idx < 0) {
    return { error: `process exited (code ${code}) without an answer${code === null ? ` (killed after the ${fn.timeoutSeconds} s timeout)` : ''}`, logs: out, durationMs };
  }
  const answer = JSON.parse(out.slice(idx + RESULT_MARKER.length).trim().split('\n')[0]);
  const logs = out.slice(0, idx);
  return answer.error !== undefined ? { error: answer.error, logs, durationMs } : { result: answer.result, logs, durationMs };
}

function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  const file = handler.slice(0, dot);
  return [file.endsWith('.js') ? file : `${file}.js`, handler.slice(dot + 1)];
}
