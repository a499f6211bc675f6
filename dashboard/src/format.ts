/** Words, numbers and colours as the press crew reads them. */
import type { AlarmPriority, RunState } from './types.js';

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export function count(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : numberFormat.format(value);
}

const tenths = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/**
 * "64 %", and below 10 % one decimal ("0.5 %", "9.9 %"): near empty the tenth is what tells a
 * fountain about to run dry from one that has a few minutes left (0.5 % is not "1 %").
 */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const inTenths = Math.round(value * 10) / 10;
  return inTenths !== 0 && Math.abs(inTenths) < 10 ? `${tenths.format(inTenths)} %` : `${Math.round(value)} %`;
}

/** "45 s", "12 min", "3 h 05 min", "2 d 4 h". */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function minutesLabel(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return '—';
  return duration(minutes * 60_000);
}

export function clock(at: number | null | undefined): string {
  if (at === null || at === undefined) return '—';
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function dateTime(at: number | null | undefined): string {
  if (at === null || at === undefined) return '—';
  return new Date(at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** Run states: a colour, a word and an icon, so colour is never the only cue. */
export const RUN_STATES: Record<RunState, { word: string; icon: string }> = {
  production: { word: 'Production', icon: '▶' },
  setup: { word: 'Make-ready', icon: '⚙' },
  idle: { word: 'Idle', icon: '‖' },
  stopped: { word: 'Stopped', icon: '■' },
  cleanup: { word: 'Wash-up', icon: '≋' },
  offline: { word: 'Offline', icon: '⚠' },
};

export function runState(state: string): { word: string; icon: string } {
  return RUN_STATES[state as RunState] ?? { word: state, icon: '?' };
}

export const STOP_REASONS: Record<string, string> = {
  jam: 'paper jam',
  'door-open': 'guard door open',
  'e-stop': 'emergency stop',
  operator: 'by operator',
  fault: 'fault',
  other: 'other reason',
};

export const PRIORITY_ICON: Record<AlarmPriority, string> = { critical: '‼', high: '▲', medium: '◆', low: '●' };

/** Process colours and a few common spot colours; anything else gets a neutral swatch and its name. */
const INK_COLOURS: Record<string, string> = {
  cyan: '#00a0e0',
  c: '#00a0e0',
  magenta: '#e0007a',
  m: '#e0007a',
  yellow: '#ffe100',
  y: '#ffe100',
  black: '#2b2b2b',
  k: '#2b2b2b',
  white: '#f4f4f4',
  varnish: '#d8d2c0',
  silver: '#a8a9ad',
  gold: '#c5a14e',
  orange: '#ff6f00',
  green: '#00a651',
  violet: '#6f2c91',
  red: '#e4002b',
  blue: '#0033a0',
  'pantone 286 c': '#0033a0',
  'pantone 485 c': '#da291c',
  'pantone 032 c': '#ef3340',
  'pantone 354 c': '#00b140',
  'pantone 021 c': '#fe5000',
  'pantone 072 c': '#10069f',
  'pantone 109 c': '#ffd100',
  'pantone 2685 c': '#330072',
  'pantone 877 c': '#8a8d8f',
  'pantone 871 c': '#84754e',
  'pantone reflex blue c': '#001489',
  'pantone warm red c': '#f9423a',
};

export function inkColour(name: string): { fill: string; known: boolean } {
  const key = name.trim().toLowerCase().replace(/\s+/g, ' ');
  const fill = INK_COLOURS[key] ?? INK_COLOURS[key.replace(/^(pms|pantone)\s*/, 'pantone ')];
  return fill ? { fill, known: true } : { fill: '#8a8f98', known: false };
}

/** Short name on a bar: "C", "M", "Y", "K", or the spot name itself. */
export function inkShortName(name: string): string {
  const key = name.trim().toLowerCase();
  const process: Record<string, string> = { cyan: 'C', magenta: 'M', yellow: 'Y', black: 'K' };
  // "Pantone 286 C" → "286 C": the number is what the crew reads, and it fits a narrow bar
  return process[key] ?? name.trim().replace(/^(pantone|pms)\s+/i, '');
}
