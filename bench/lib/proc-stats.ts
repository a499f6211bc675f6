/**
 * CPU time and resident memory of another process, from /proc (Linux): utime + stime of
 * /proc/<pid>/stat in clock ticks, VmRSS of /proc/<pid>/status.
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
  rssMb: number;
}

export function sampleProcess(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: split after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return { at: performance.now(), cpuMs: ((utime + stime) * 1000) / clockTicks(), rssMb: rssKb / 1024 };
}

/** Share of one core used between two samples (1 = one core fully busy). */
export function cpuShare(from: ProcSample, to: ProcSample): number {
  return (to.cpuMs - from.cpuMs) / (to.at - from.at);
}

/** The highest resident memory the process has had (VmHWM), MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
}
