/**
 * Child process of the reports benchmark: N report readers, each a separate client (its own
 * keep-alive connections from its own loopback address, 127.0.0.30 + i), each asking again as
 * soon as it has its answer, until the deadline. Even readers ask for a year's OEE per week for
 * all presses; odd readers open a shift report as the reports page does (OEE by shift, the
 * downtime Pareto, the jobs and the downtime list of one shift, the four requests at once),
 * each time another closed shift of the year.
 */
import { Agent, request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { serveChild } from './child.js';

export interface ReportReadersArgs {
  url: string;
  readers: number;
  seconds: number;
  /** The year's report starts this long before each request. */
  yearMs: number;
  /** Closed shifts to open, [from, to) each. */
  shifts: { from: number; to: number }[];
}

export interface ReportReadersResult {
  /** A year's OEE per week, one request each. */
  yearMs: number[];
  /** A shift report: the four requests at once, until the last answer. */
  shiftMs: number[];
  /** The shift report's requests one by one. */
  shiftCallMs: Record<string, number[]>;
  statuses: Record<string, number>;
  bytes: number;
  /** Rows in the first year answer (10 presses × 53 weeks ≈ 530). */
  firstYearRows: number | null;
  errors: string[];
}

function get(agent: Agent, localAddress: string, url: URL): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, localAddress, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, body: res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function timed(agent: Agent, localAddress: string, url: URL, result: ReportReadersResult): Promise<{ ms: number; body: Buffer; status: number }> {
  const t0 = performance.now();
  const reply = await get(agent, localAddress, url);
  const ms = performance.now() - t0;
  result.statuses[reply.status] = (result.statuses[reply.status] ?? 0) + 1;
  result.bytes += reply.body.length;
  if (reply.status !== 200 && result.errors.length < 20) result.errors.push(`${url.pathname}: ${reply.status} ${reply.body.toString().slice(0, 200)}`);
  return { ms, body: reply.body, status: reply.status };
}

async function reader(index: number, args: ReportReadersArgs, deadline: number, result: ReportReadersResult): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const localAddress = `127.0.0.${30 + index}`;
  try {
    for (let round = 0; Date.now() < deadline && result.errors.length < 20; round++) {
      try {
        if (index % 2 === 0) {
          const from = Date.now() - args.yearMs;
          const reply = await timed(agent, localAddress, new URL(`/api/reports/oee?groupBy=week&from=${from}`, args.url), result);
          result.yearMs.push(reply.ms);
          if (result.firstYearRows === null && reply.status === 200)
            result.firstYearRows = (JSON.parse(reply.body.toString()) as { rows: unknown[] }).rows.length;
        } else {
          const shift = args.shifts[(round * 7 + index * 13) % args.shifts.length]!;
          const range = `from=${shift.from}&to=${shift.to}`;
          const calls = {
            'oee?groupBy=shift': `/api/reports/oee?groupBy=shift&${range}`,
            'reports/downtime': `/api/reports/downtime?${range}`,
            jobs: `/api/jobs?${range}`,
            downtime: `/api/downtime?${range}`,
          };
          const t0 = performance.now();
          const replies = await Promise.all(Object.values(calls).map((p) => timed(agent, localAddress, new URL(p, args.url), result)));
          result.shiftMs.push(performance.now() - t0);
          Object.keys(calls).forEach((name, i) => (result.shiftCallMs[name] ??= []).push(replies[i]!.ms));
        }
      } catch (error) {
        result.errors.push(String(error));
      }
    }
  } finally {
    agent.destroy();
  }
}

serveChild({
  async run(args: ReportReadersArgs): Promise<ReportReadersResult> {
    const result: ReportReadersResult = { yearMs: [], shiftMs: [], shiftCallMs: {}, statuses: {}, bytes: 0, firstYearRows: null, errors: [] };
    const deadline = Date.now() + args.seconds * 1000;
    await Promise.all(Array.from({ length: args.readers }, (_, i) => reader(i, args, deadline, result)));
    return result;
  },
});
