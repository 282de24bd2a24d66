/**
 * A local stand-in for what the handlers talk to over the network: the SageMaker API (JSON 1.1 protocol,
 * the `X-Amz-Target` header names the operation) and the pre-signed URLs that take CloudFormation's answer
 * and the WaitCondition's signal. It records every request, so the count is the count on the wire.
 */
import * as http from 'http';
import { AddressInfo } from 'net';

/** One request the stand-in received. */
export interface RecordedRequest {
  /** `SageMaker.CreateTrainingJob`, ..., or `PUT /response/...`. */
  readonly what: string;
  readonly body: string;
}

/** The stand-in server. */
export class StandIn {
  /** Every request, in order. */
  public readonly requests: RecordedRequest[] = [];
  /** The status DescribeTrainingJob answers. */
  public jobStatus = 'InProgress';
  private server?: http.Server;

  /** Starts listening on a free loopback port; returns the base URL. */
  public async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const target = req.headers['x-amz-target'];
        if (req.method === 'PUT') {
          this.requests.push({ what: `PUT ${req.url?.split('?')[0].split('/').slice(0, 2).join('/')}`, body });
          res.writeHead(200).end();
          return;
        }
        const operation = typeof target === 'string' ? target : `${req.method} ${req.url}`;
        this.requests.push({ what: operation, body });
        const input = body ? JSON.parse(body) : {};
        const name = input.TrainingJobName ?? 'unknown';
        const arn = `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`;
        let answer: object;
        switch (operation) {
          case 'SageMaker.CreateTrainingJob': answer = { TrainingJobArn: arn }; break;
          case 'SageMaker.DescribeTrainingJob': answer = { TrainingJobName: name, TrainingJobArn: arn, TrainingJobStatus: this.jobStatus }; break;
          case 'SageMaker.StopTrainingJob': answer = {}; break;
          default:
            res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
              .end(JSON.stringify({ __type: 'ValidationException', message: `stand-in does not answer ${operation}` }));
            return;
        }
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** How many requests of each kind. */
  public counts(): { [what: string]: number } {
    const counts: { [what: string]: number } = {};
    for (const r of this.requests) counts[r.what] = (counts[r.what] ?? 0) + 1;
    return counts;
  }

  /** Stops listening. */
  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** The environment a handler process needs to reach the stand-in: endpoint, region, dummy credentials. */
export function standInEnvironment(baseUrl: string): { [key: string]: string } {
  return {
    AWS_ENDPOINT_URL: baseUrl,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
