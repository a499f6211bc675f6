/**
 * rtu-wire-limit: transactions per second our ModbusBus gets through one RS-485 line at
 * 19200 baud with four presses on it, against the line's own limit for the same frames.
 *
 * The simulator (in a child process) serves four unit ids over RTU framed on TCP with line
 * timing: a reply leaves when a real line would have carried request and reply (11 bits a
 * character), a t3.5 gap after the request and the device's turnaround. The bus, which
 * knows the baud rate, keeps t3.5 of silence after each reply before the next request, as
 * on a real line. Four loops, one per press, read 10 (then 40) holding registers back to
 * back through the one bus, which queues them round-robin.
 *
 * The wire limit is computed here, independently of the codec: per transaction
 * (request bytes + reply bytes) × 11 / baud + 2 × t3.5 + turnaround; t3.5 = 3.5
 * characters (1.75 ms above 19200 baud). NOTES.md: 43.6 tx/s for 10 registers with zero
 * turnaround.
 */
import { ModbusBus } from '../drivers/index.js';
import { startChild } from './lib/child.js';
import { check, type Benchmark, type Check } from './lib/report.js';
import { rate, round, summarize } from './lib/stats.js';
import { withTimeout } from './lib/timing.js';

const BAUD = 19200;
const TURNAROUND_MS = 1;
const UNIT_IDS = [1, 2, 3, 4];
const TARGET_RATIO = 0.9;

export function wireLimit(options: { baudRate: number; registers: number; turnaroundMs: number }): { transactionMs: number; perSecond: number } {
  const characterMs = (11 * 1000) / options.baudRate;
  const t35 = options.baudRate > 19200 ? 1.75 : 3.5 * characterMs;
  const requestBytes = 8; // unit, fc, address (2), count (2), CRC (2)
  const replyBytes = 5 + 2 * options.registers; // unit, fc, byte count, data, CRC (2)
  const transactionMs = (requestBytes + replyBytes) * characterMs + 2 * t35 + options.turnaroundMs;
  return { transactionMs, perSecond: 1000 / transactionMs };
}

async function measure(port: number, registers: number, durationMs: number) {
  const bus = new ModbusBus({ id: 'bench-rs485', link: { kind: 'rtu-over-tcp', host: '127.0.0.1', port, baudRate: BAUD }, timeoutMs: 500, retries: 0 });
  const connected = new Promise<void>((resolve) => bus.once('connected', resolve));
  bus.start();
  await withTimeout(connected, 5000, 'the RTU-over-TCP bus to connect');
  try {
    // warm-up: a few transactions per press
    for (const unitId of UNIT_IDS) await bus.readRegisters(unitId, 'holding', 0, registers);
    const before = bus.stats();
    const latencies: number[] = [];
    const replyTimes: number[] = [];
    const started = performance.now();
    const perPress = await Promise.all(
      UNIT_IDS.map(async (unitId) => {
        let reads = 0;
        while (performance.now() - started < durationMs) {
          const t0 = performance.now();
          await bus.readRegisters(unitId, 'holding', 0, registers);
          const t1 = performance.now();
          latencies.push(t1 - t0);
          replyTimes.push(t1);
          reads++;
        }
        return reads;
      }),
    );
    const elapsedMs = performance.now() - started;
    const after = bus.stats();
    const errors = Object.values(after.errors).reduce((s, v) => s + v, 0) - Object.values(before.errors).reduce((s, v) => s + v, 0);
    const transactions = after.transactions - before.transactions;
    replyTimes.sort((a, b) => a - b);
    // Spacing of consecutive replies: its median shows the bus's own pace, free of the
    // occasional multi-ms scheduling stall a loaded machine adds to the mean.
    const spacing = summarize(replyTimes.slice(1).map((t, i) => t - replyTimes[i]!));
    return { perSecond: rate(transactions, elapsedMs), perPress, errors, cycle: summarize(latencies), spacing };
  } finally {
    await bus.stop();
  }
}

export const rtuWireLimit: Benchmark = {
  name: 'rtu-wire-limit',
  title: `transactions/s on one emulated RS-485 line (${BAUD} baud, 4 presses) vs the computed wire limit`,
  async run({ phaseSeconds, log }) {
    const host = await startChild(new URL('./lib/server-host.ts', import.meta.url), { name: 'server-host' });
    const checks: Check[] = [];
    const figures: Record<string, number | string> = {};
    let headline: { measured: number; limit: number } | undefined;
    try {
      const { port } = await host.call<{ port: number }>('startSimulation', {
        kind: 'rtu-over-tcp',
        unitIds: UNIT_IDS,
        profile: 'demo-sheetfed-4c',
        lineTiming: { baudRate: BAUD, turnaroundMs: TURNAROUND_MS },
      });
      for (const registers of [10, 40]) {
        const limit = wireLimit({ baudRate: BAUD, registers, turnaroundMs: TURNAROUND_MS });
        const result = await measure(port, registers, (phaseSeconds * 1000) / 2);
        if (result.errors > 0) throw new Error(`${result.errors} failed transactions reading ${registers} registers`);
        const ratio = result.perSecond / limit.perSecond;
        log(`${registers} registers: ${round(result.perSecond)} tx/s, wire limit ${round(limit.perSecond)} tx/s, ratio ${round(ratio)}`);
        headline ??= { measured: result.perSecond, limit: limit.perSecond };
        checks.push(check(`ratio, ${registers} registers`, ratio, '×', { op: '>=', limit: TARGET_RATIO }));
        figures[`r${registers}.txPerS`] = round(result.perSecond);
        figures[`r${registers}.wireLimitTxPerS`] = round(limit.perSecond);
        figures[`r${registers}.wireTransactionMs`] = round(limit.transactionMs, 2);
        figures[`r${registers}.measuredTransactionMs`] = round(1000 / result.perSecond, 2);
        figures[`r${registers}.medianSpacingMs`] = round(result.spacing.p50, 2);
        figures[`r${registers}.p99SpacingMs`] = round(result.spacing.p99, 2);
        figures[`r${registers}.perPressReads`] = result.perPress.join('/');
        figures[`r${registers}.requestToReplyP50Ms`] = round(result.cycle.p50, 1);
      }
    } finally {
      await host.close();
    }
    return {
      measured: { label: 'ModbusBus, 4 presses round-robin, 10 registers', value: headline!.measured, unit: 'tx/s' },
      baseline: { label: `wire limit (11 bits/char, 2 × t3.5, ${TURNAROUND_MS} ms turnaround)`, value: headline!.limit, unit: 'tx/s' },
      ratio: headline!.measured / headline!.limit,
      checks,
      figures,
      notes: [
        'RTU framed over TCP to the simulator in a child process, which delays each reply to the emulated line time; the bus adds its own t3.5 silence before each request.',
        "requestToReply includes queueing behind the other three presses (about 4 transactions). medianSpacing: median time between consecutive replies (the bus's pace without scheduling stalls); compare with wireTransactionMs.",
      ],
    };
  },
};
