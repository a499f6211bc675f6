/**
 * Child process of the history benchmark: N trend readers, each a separate client (its own
 * keep-alive connection from its own loopback address, 127.0.0.10 + i, as N wall screens or
 * office PCs would be), each asking for a long-range trend again as soon as the last one is
 * answered, until the deadline. Kept out of the benchmark's own process so reading ~1 MB
 * answers does not delay the socket client that times the jams.
 */
import { Agent, request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { serveChild } from './child.js';

export interface TrendReadersArgs {
  url: string;
  readers: number;
  seconds: number;
  rangeMs: number;
  maxPoints: number;
  /** Reader i asks for series[i % length]. */
  series: { pressId: string; signal: string }[];
}

export interface TrendReadersResult {
  latenciesMs: number[];
  statuses: Record<string, number>;
  /** Bytes on the wire (gzipped where the service gzipped). */
  bytes: number;
  /** Points in the first 200 answer of each reader (a sanity check on what was served). */
  firstPoints: number[];
  errors: string[];
}

function get(agent: Agent, localAddress: string, url: URL): Promise<{ status: number; body: Buffer; gzip: boolean }> {
  return new Promise((resolve, reject) => {
    // as a browser asks: gzip welcome
    const req = request(url, { agent, localAddress, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), gzip: res.headers['content-encoding'] === 'gzip' }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function reader(index: number, args: TrendReadersArgs, deadline: number, result: TrendReadersResult): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const localAddress = `127.0.0.${10 + index}`;
  const series = args.series[index % args.series.length]!;
  let checked = false;
  try {
    while (Date.now() < deadline) {
      const to = Date.now();
      const url = new URL(
        `/api/presses/${series.pressId}/history?signal=${series.signal}&from=${to - args.rangeMs}&to=${to}&maxPoints=${args.maxPoints}`,
        args.url,
      );
      const t0 = performance.now();
      let reply;
      try {
        reply = await get(agent, localAddress, url);
      } catch (error) {
        result.errors.push(String(error));
        if (result.errors.length > 20) return;
        continue;
      }
      result.latenciesMs.push(performance.now() - t0);
      result.statuses[reply.status] = (result.statuses[reply.status] ?? 0) + 1;
      result.bytes += reply.body.length;
      if (reply.status === 200 && !checked) {
        checked = true;
        result.firstPoints.push((JSON.parse((reply.gzip ? gunzipSync(reply.body) : reply.body).toString()) as { points: unknown[] }).points.length);
      }
      // a refused read waits what it was told, as a polite client would
      if (reply.status === 429 || reply.status === 503) await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    agent.destroy();
  }
}

serveChild({
  async run(args: TrendReadersArgs): Promise<TrendReadersResult> {
    const result: TrendReadersResult = { latenciesMs: [], statuses: {}, bytes: 0, firstPoints: [], errors: [] };
    const deadline = Date.now() + args.seconds * 1000;
    await Promise.all(Array.from({ length: args.readers }, (_, i) => reader(i, args, deadline, result)));
    return result;
  },
});
