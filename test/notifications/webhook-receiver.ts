/**
 * A real HTTP receiver on 127.0.0.1 standing in for a chat bridge or pager gateway: it records
 * every request and answers from a script (default 200), or holds the answer (to time out).
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body as sent (what the signature covers). */
  body: string;
  json: unknown;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (the connection stays open until the receiver closes). */
  hold?: boolean;
}

export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly script: ScriptedAnswer[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  private server: Server | null = null;
  port = 0;

  /** Listen on 127.0.0.1; port 0 lets the OS choose, a number reuses a freed port. */
  async listen(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined; // not JSON: the test asserts on `body`
        }
        this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json });
        const answer = this.script.shift() ?? { status: 200 };
        if (!answer.hold) res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
        for (const waiter of this.waiters.filter((w) => this.requests.length >= w.count)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      });
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/pressroom`;
  }

  /** Answers for the next requests, in order; after them every request gets 200. */
  answer(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  /** Resolves once `count` requests in total have arrived. */
  received(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A loopback port nobody listens on (bound, then freed): connecting to it is refused. */
export async function freePort(): Promise<number> {
  const probe = await new WebhookReceiver().listen();
  const port = probe.port;
  await probe.close();
  return port;
}
