/**
 * CPU time and resident memory of another process, from /proc (Linux): utime + stime of
 * /proc/<pid>/stat in clock ticks, VmRSS of /proc/<pid>/status; and the main thread's own CPU
 * time (/proc/<pid>/task/<pid>/stat), so the rest (V8's GC helpers, libuv's pool) can be told apart.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // the Linux default when getconf is missing
    }
  }
  return ticksPerSecond;
}

export interface ProcSample {
  /** performance.now() of this process when sampled. */
  at: number;
  /** User + system CPU time of the process so far, ms. */
  cpuMs: number;
  /** The same for the main thread alone (JavaScript, the event loop), ms. */
  mainThreadCpuMs: number;
  rssMb: number;
}

/** utime + stime of a /proc stat file, ms. */
function cpuMsOf(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: split after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
}

export function sampleProcess(pid: number): ProcSample {
  const cpuMs = cpuMsOf(`/proc/${pid}/stat`);
  const mainThreadCpuMs = cpuMsOf(`/proc/${pid}/task/${pid}/stat`);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return { at: performance.now(), cpuMs, mainThreadCpuMs, rssMb: rssKb / 1024 };
}

/** Share of one core used between two samples (1 = one core fully busy). */
export function cpuShare(from: ProcSample, to: ProcSample): number {
  return (to.cpuMs - from.cpuMs) / (to.at - from.at);
}

/** The main thread's share of one core between two samples. */
export function mainThreadCpuShare(from: ProcSample, to: ProcSample): number {
  return (to.mainThreadCpuMs - from.mainThreadCpuMs) / (to.at - from.at);
}

/** The highest resident memory the process has had (VmHWM), MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
}
