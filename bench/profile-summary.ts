/**
 * Prints the functions with the most self time in V8 CPU profiles (`node --cpu-prof`, or
 * `BENCH_CPU_PROF_DIR=dir npm run bench -- <name>` for the benchmark's child processes):
 * `npx tsx bench/profile-summary.ts dir-or-file… [--top N]`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function selfTimes(profile: CpuProfile): { name: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    const frame = node.callFrame;
    const where = frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    totals.set(name, (totals.get(name) ?? 0) + delta);
    all += delta;
  });
  return [...totals.entries()].map(([name, us]) => ({ name, ms: us / 1000, share: all ? us / all : 0 })).sort((a, b) => b.ms - a.ms);
}

function files(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(target, f));
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
  const targets = args.filter((a, i) => a !== '--top' && i !== topAt + 1);
  for (const file of targets.flatMap(files)) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    console.log(`\n${file} (${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s)`);
    for (const row of selfTimes(profile).slice(0, top))
      console.log(`${(row.share * 100).toFixed(1).padStart(5)}%  ${row.ms.toFixed(0).padStart(7)} ms  ${row.name}`);
  }
}
