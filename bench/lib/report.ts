/**
 * What a benchmark hands back, and how the runner prints it. A result compares a measured
 * figure with a baseline measured in the same run (so a busy machine slows both), and
 * checks one or more targets. `pass: null` marks a figure that is informative only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { round } from './stats.js';

export interface Figure {
  label: string;
  value: number;
  unit: string;
}

export interface Check {
  /** What is checked, e.g. `ratio` or `p99 alarm latency`. */
  label: string;
  value: number;
  unit: string;
  /** Human form of the target, e.g. `≥ 0.9`. */
  target: string;
  /** null: informative, no target. */
  pass: boolean | null;
}

export interface BenchResult {
  name: string;
  title: string;
  status: 'pass' | 'fail' | 'info' | 'skipped' | 'error';
  measured?: Figure;
  baseline?: Figure;
  /** measured / baseline */
  ratio?: number;
  checks: Check[];
  /** Secondary figures, flat, for the JSON and the detail lines. */
  figures: Record<string, number | string | boolean | null>;
  notes: string[];
  durationS: number;
}

export interface BenchContext {
  /** Soak length in minutes (`--soak-minutes`). */
  soakMinutes: number;
  /** Seconds each throughput phase runs (`--seconds`). */
  phaseSeconds: number;
  log: (line: string) => void;
}

export interface Benchmark {
  name: string;
  title: string;
  run(context: BenchContext): Promise<Omit<BenchResult, 'name' | 'title' | 'status' | 'durationS'> & { status?: BenchResult['status'] }>;
}

export function check(label: string, value: number, unit: string, target: { op: '>=' | '<='; limit: number } | null): Check {
  if (!target) return { label, value, unit, target: 'informative', pass: null };
  const pass = Number.isFinite(value) && (target.op === '>=' ? value >= target.limit : value <= target.limit);
  return { label, value, unit, target: `${target.op === '>=' ? '≥' : '≤'} ${target.limit}${unit && unit !== '×' ? ` ${unit}` : ''}`, pass };
}

export function statusOf(checks: Check[]): BenchResult['status'] {
  if (checks.some((c) => c.pass === false)) return 'fail';
  if (checks.some((c) => c.pass === true)) return 'pass';
  return 'info';
}

const fmt = (value: number): string => (Number.isFinite(value) ? round(value).toLocaleString('en-US') : String(value));
const mark = (pass: boolean | null): string => (pass === null ? 'info' : pass ? 'PASS' : 'FAIL');

export function formatResult(result: BenchResult): string {
  const lines = [`── ${result.name}: ${result.title}  [${result.status.toUpperCase()}, ${result.durationS.toFixed(1)} s]`];
  if (result.measured) lines.push(`   measured  ${result.measured.label}: ${fmt(result.measured.value)} ${result.measured.unit}`);
  if (result.baseline) lines.push(`   baseline  ${result.baseline.label}: ${fmt(result.baseline.value)} ${result.baseline.unit}`);
  if (result.ratio !== undefined) lines.push(`   ratio     ${fmt(result.ratio)}`);
  for (const c of result.checks) lines.push(`   check     ${c.label}: ${fmt(c.value)} ${c.unit}  target ${c.target}  ${mark(c.pass)}`);
  const figures = Object.entries(result.figures);
  if (figures.length) lines.push(`   figures   ${figures.map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : String(v)}`).join(', ')}`);
  for (const note of result.notes) lines.push(`   note      ${note}`);
  return lines.join('\n');
}

export function formatSummary(results: BenchResult[]): string {
  const rows = results.map((r) => {
    const headline = r.checks.find((c) => c.pass !== null) ?? r.checks[0];
    return [r.name, r.status.toUpperCase(), headline ? `${headline.label} ${fmt(headline.value)} ${headline.unit} (target ${headline.target})` : '-'];
  });
  const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i]!.length), 4));
  return rows.map((row) => `${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]}`).join('\n');
}

export function writeJson(file: string, payload: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
}
