import * as http from 'node:http';
import * as net from 'node:net';

/** One JSON-protocol API call that passed through the proxy. */
export interface RecordedCall {
  /** `SageMaker.CreateTrainingJob` */
  readonly target: string;
  readonly request: any;
  readonly status: number;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'content-encoding']);

/**
 * A loopback HTTP proxy in front of moto that the Lambda handlers use as their AWS endpoint.
 * It records the JSON-protocol calls (X-Amz-Target) they make, so a test can see what a handler
 * sent even where moto does not keep it (moto's training jobs drop `Environment`, for one).
 */
export class RecordingProxy {
  /** Starts the proxy on a free loopback port. */
  public static async start(upstream: string): Promise<RecordingProxy> {
    const p = new RecordingProxy(upstream);
    await new Promise<void>((resolve, reject) => {
      p.server.once('error', reject);
      p.server.listen(0, '127.0.0.1', () => resolve());
    });
    return p;
  }

  /** Every recorded call, oldest first. */
  public readonly calls: RecordedCall[] = [];
  /** Told of every recorded call as it completes (local mode starts training jobs from here). */
  public onCall?: (call: RecordedCall) => void;
  /**
   * The local server that answers InvokeEndpoint for an endpoint (local mode), if any. moto's
   * sagemaker-runtime answers every InvokeEndpoint with a canned body; a served endpoint's requests
   * (POST /endpoints/<name>/invocations) go to its model server instead.
   */
  public invocationTarget?: (endpointName: string) => string | undefined;
  private readonly server: http.Server;

  private constructor(private readonly upstream: string) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        void this.forward(req, Buffer.concat(chunks)).then(([status, headers, body]) => {
          res.writeHead(status, headers);
          res.end(body);
        }, (e) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(String(e));
        });
      });
    });
  }

  /** http://127.0.0.1:PORT */
  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** The request bodies of the calls to one action, e.g. `SageMaker.CreateTrainingJob`. */
  public requests(target: string): any[] {
    return this.calls.filter((c) => c.target === target).map((c) => c.request);
  }

  /** Stops the proxy. */
  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async forward(req: http.IncomingMessage, body: Buffer): Promise<[number, Record<string, string>, Buffer]> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const method = req.method ?? 'GET';
    const invoke = /^\/endpoints\/([^/?]+)\/invocations(?:\?|$)/.exec(req.url ?? '');
    const local = invoke && method === 'POST' ? this.invocationTarget?.(decodeURIComponent(invoke[1])) : undefined;
    if (local) return this.invokeLocal(local, req, body, decodeURIComponent(invoke![1]));
    const res = await fetch(`${this.upstream}${req.url ?? '/'}`, {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
    });
    const out = Buffer.from(await res.arrayBuffer());
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') {
      let request: any = body.toString('utf8');
      try {
        request = JSON.parse(request);
      } catch {
        // not JSON: keep the text
      }
      const call = { target, request, status: res.status };
      this.calls.push(call);
      this.onCall?.(call);
    }
    const resHeaders: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (!HOP_BY_HOP.has(k)) resHeaders[k] = v;
    });
    // A HEAD answer has no body to measure: its Content-Length is the object's size (S3 HeadObject).
    const length = res.headers.get('content-length');
    if (method === 'HEAD' && length !== null) resHeaders['content-length'] = length;
    return [res.status, resHeaders, out];
  }

  /** InvokeEndpoint answered by the endpoint's local model server, as SageMaker answers it. */
  private async invokeLocal(url: string, req: http.IncomingMessage, body: Buffer,
    endpointName: string): Promise<[number, Record<string, string>, Buffer]> {
    const headers: Record<string, string> = { 'content-type': String(req.headers['content-type'] ?? 'application/octet-stream') };
    if (req.headers.accept) headers.accept = String(req.headers.accept);
    const res = await fetch(`${url}/invocations`, { method: 'POST', headers, body });
    const out = Buffer.from(await res.arrayBuffer());
    this.calls.push({ target: 'SageMakerRuntime.InvokeEndpoint', request: { EndpointName: endpointName, ContentType: headers['content-type'], Body: body.toString('utf8') }, status: res.status });
    if (res.ok) {
      return [200, { 'content-type': res.headers.get('content-type') ?? 'application/octet-stream', 'x-amzn-invoked-production-variant': 'AllTraffic' }, out];
    }
    // SageMaker answers a container error with ModelError (424), carrying the container's status and body.
    const error = { ErrorCode: 'CLIENT_ERROR_FROM_MODEL', Message: `Received client error (${res.status}) from primary with message "${out.toString('utf8')}".`, OriginalStatusCode: res.status };
    return [424, { 'content-type': 'application/json', 'x-amzn-errortype': 'ModelError' }, Buffer.from(JSON.stringify(error))];
  }
}
