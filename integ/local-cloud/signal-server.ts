import * as http from 'node:http';
import * as net from 'node:net';

/** A body PUT to one of the server's URLs. */
export interface ReceivedSignal {
  readonly path: string;
  readonly body: string;
}

/**
 * A loopback HTTP server that stands in for the pre-signed S3 URLs CloudFormation hands out:
 * custom resource response URLs (the body is recorded, then forwarded to moto's own
 * `cfnresponse` endpoint) and WaitConditionHandle URLs (the signal is recorded for the harness).
 */
export class SignalServer {
  /** Starts the server on a free loopback port. */
  public static async start(): Promise<SignalServer> {
    const s = new SignalServer();
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(0, '127.0.0.1', () => resolve());
    });
    return s;
  }

  private readonly server: http.Server;
  private readonly received = new Map<string, ReceivedSignal[]>();
  private readonly refused = new Map<string, ReceivedSignal[]>();
  private readonly forwards = new Map<string, string>();
  private readonly expired = new Set<string>();

  private constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        void this.handle(req.url ?? '/', req.method ?? 'GET', Buffer.concat(chunks).toString('utf8'))
          .then(([status, text]) => {
            res.writeHead(status, { 'content-type': 'text/plain' });
            res.end(text);
          });
      });
    });
  }

  /** http://127.0.0.1:PORT */
  public get url(): string {
    const addr = this.server.address() as net.AddressInfo;
    return `http://127.0.0.1:${addr.port}`;
  }

  /** The port the server listens on. */
  public get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** A URL whose PUTs are recorded under `key` and, when `forwardTo` is given, forwarded there. */
  public urlFor(key: string, forwardTo?: string): string {
    if (forwardTo) this.forwards.set(key, forwardTo);
    return `${this.url}/${key}`;
  }

  /** What was PUT to the URL of `key` so far. */
  public signals(key: string): ReceivedSignal[] {
    return this.received.get(key) ?? [];
  }

  /**
   * From now on, PUTs to the URL of `key` answer 403 "Request has expired", as S3 answers a pre-signed URL
   * past its expiry (a previous deployment's WaitConditionHandle); they are kept apart, in `refusedSignals`.
   */
  public expire(key: string): void {
    this.expired.add(key);
  }

  /** What was PUT to the URL of `key` after it expired (and refused). */
  public refusedSignals(key: string): ReceivedSignal[] {
    return this.refused.get(key) ?? [];
  }

  /** Stops the server. */
  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(url: string, method: string, body: string): Promise<[number, string]> {
    const key = url.replace(/^\//, '').split('?')[0];
    if (method !== 'PUT') return [405, 'PUT only'];
    if (this.expired.has(key)) {
      this.refused.set(key, [...this.refusedSignals(key), { path: url, body }]);
      return [403, '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>'];
    }
    const list = this.received.get(key) ?? [];
    list.push({ path: url, body });
    this.received.set(key, list);
    const forward = this.forwards.get(key);
    if (forward) {
      const res = await fetch(forward, { method: 'PUT', body, headers: { 'content-type': '' } });
      const text = await res.text();
      return [res.status, text];
    }
    return [200, ''];
  }
}
