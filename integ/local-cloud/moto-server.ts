import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** The account and region moto answers for unless told otherwise. */
export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_REGION = 'us-east-1';

/** Where `scripts/setup-test-env.sh` puts the Python venv with moto (LOCAL_CLOUD_VENV overrides it). */
export function defaultVenvDir(): string {
  return process.env.LOCAL_CLOUD_VENV ?? path.resolve(__dirname, '..', '..', '.test-env', 'venv');
}

/** The moto_server executable in a venv, or undefined when the venv is not set up. */
export function findMotoServer(venvDir: string = defaultVenvDir()): string | undefined {
  const exe = path.join(venvDir, 'bin', 'moto_server');
  return fs.existsSync(exe) ? exe : undefined;
}

/** Asks the kernel for a free loopback TCP port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address() as net.AddressInfo;
      srv.close(() => resolve(addr.port));
    });
  });
}

/** Every server started by this process, so an exit hook can kill what a failed test left behind. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) {
      try { child.kill('SIGKILL'); } catch { /* already gone */ }
    }
  });
}

export interface MotoServerOptions {
  /** The venv holding moto. @default .test-env/venv */
  readonly venvDir?: string;
  /** How long to wait for the server to answer. @default 60 s */
  readonly startTimeoutMs?: number;
  /** Extra environment for the server process. */
  readonly env?: Record<string, string>;
}

/**
 * A moto server child process on a free loopback port: a real AWS API endpoint
 * (query, JSON and REST protocols) backed by moto's in-memory models.
 */
export class MotoServer {
  /** Starts moto and waits until it answers. */
  public static async start(options: MotoServerOptions = {}): Promise<MotoServer> {
    const exe = findMotoServer(options.venvDir);
    if (!exe) {
      throw new Error(`moto_server not found under ${options.venvDir ?? defaultVenvDir()}; run 'bash scripts/setup-test-env.sh'`);
    }
    const port = await freePort();
    const child = spawn(exe, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        // moto's custom-resource code builds the response URL from these.
        MOTO_HOST: 'http://127.0.0.1',
        MOTO_PORT: String(port),
        ...options.env,
      },
    });
    running.add(child);
    installExitHook();
    const server = new MotoServer(child, port);
    child.stdout!.on('data', (d) => server.appendLog(d));
    child.stderr!.on('data', (d) => server.appendLog(d));
    child.on('exit', () => running.delete(child));
    try {
      await server.waitUntilReady(options.startTimeoutMs ?? 60_000);
    } catch (e) {
      await server.stop();
      throw e;
    }
    return server;
  }

  /** http://127.0.0.1:PORT */
  public readonly endpoint: string;
  private log = '';

  private constructor(private readonly child: ChildProcess, public readonly port: number) {
    this.endpoint = `http://127.0.0.1:${port}`;
  }

  /** The server's own output so far (last 64 kB), for failure messages. */
  public get output(): string {
    return this.log;
  }

  /** The process id of the server. */
  public get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the server process is still running. */
  public get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Kills the server (SIGTERM, then SIGKILL after 3 s) and waits for it to exit. */
  public async stop(): Promise<void> {
    if (!this.alive) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.kill('SIGTERM');
    });
    running.delete(this.child);
  }

  private appendLog(d: Buffer) {
    this.log = (this.log + d.toString()).slice(-65536);
  }

  private async waitUntilReady(timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (!this.alive) {
        throw new Error(`moto_server exited (code ${this.child.exitCode}) before answering:\n${this.log}`);
      }
      try {
        const res = await fetch(`${this.endpoint}/moto-api/data.json`);
        if (res.ok) {
          await res.arrayBuffer();
          return;
        }
      } catch (e) {
        lastError = e;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`moto_server did not answer on ${this.endpoint} within ${timeoutMs} ms: ${lastError}\n${this.log}`);
  }
}
