/**
 * The production module on a real SQLite file, fed by a stand-in for the presses' events
 * (transitions and snapshots as the press service announces them) on a manual clock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import type { AuditEntry } from '../../src/model/audit.js';
import type { RunState, StopReason } from '../../src/model/vocabulary.js';
import { TypedEmitter } from '../../src/lib/typed-emitter.js';
import type { TransitionView } from '../../src/http/ports.js';
import { createProductionModule, type ProductionModule, type SuppliesUsedPort } from '../../src/production/index.js';
import { shiftsConfigSchema, type ShiftsConfig } from '../../src/production/production-config.js';
import type { TransitionFact } from '../../src/production/production-tracker.js';
import { createDeferredWrites, openDatabase, type StoreDatabase } from '../../src/store/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

type PortEvents = { 'press:update': (s: PressSnapshot) => void; 'state:transition': (t: TransitionFact) => void };

export const at = (iso: string) => Date.parse(iso);

export const earlyShiftWithBreak: ShiftsConfig = shiftsConfigSchema.parse({
  timeZone: 'UTC',
  list: [
    { name: 'early', start: '06:00', end: '14:00', breaks: [{ start: '10:00', end: '10:30' }] },
    { name: 'late', start: '14:00', end: '22:00' },
  ],
});

export interface Floor {
  clock: ManualClock;
  db: StoreDatabase;
  module: ProductionModule;
  audit: AuditEntry[];
  dir: string;
  /** The press moves to `to` at `iso` (the clock moves there). */
  transition(iso: string, to: RunState, extra?: Partial<TransitionFact>): void;
  /** A snapshot with these counters (monotonic) at `iso`; `reset`: the PLC's counter fell back (a job change) with this reading. */
  counters(iso: string, counters: { total: number; good: number; waste: number; reset?: boolean }): void;
  restart(restored: { state: RunState; since: number } | undefined): void;
  close(): void;
}

export function openFloor(options: {
  start: string;
  shifts?: ShiftsConfig;
  dir?: string;
  restored?: { state: RunState; since: number };
  suppliesUsed?: SuppliesUsedPort;
}): Floor {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pressroom-production-'));
  const clock = new ManualClock(at(options.start));
  const logger = pino({ level: 'silent' });
  const db = openDatabase({ dataDir: dir, logger });
  const deferred = createDeferredWrites({ logger, retryMs: 3_600_000 });
  const audit: AuditEntry[] = [];
  // the transitions as the presses' repository stores them, for the timeline report
  const stored: TransitionView[] = [];
  const transitions = {
    list: (q: { pressId: string; from: number; to: number }) => stored.filter((t) => t.at >= q.from && t.at <= q.to),
    inForceAt: (_pressId: string, when: number) => stored.filter((t) => t.at < when).at(-1) ?? null,
  };
  const port = new TypedEmitter<PortEvents>((error) => {
    throw error;
  });
  const make = (restored: { state: RunState; since: number } | undefined) => {
    const module = createProductionModule({
      db,
      deferred,
      audit: { record: (e) => audit.push({ at: clock.now(), ...e }) },
      presses: [{ id: 'p1', name: 'press 1' }],
      ratedSpeedOf: () => 12_000,
      restoreState: () => restored,
      transitions,
      ...(options.suppliesUsed ? { suppliesUsed: options.suppliesUsed } : {}),
      shifts: options.shifts ?? earlyShiftWithBreak,
      clock,
      logger,
      readGuard: (_req, _res, next) => next(),
    });
    const off = module.observe({ on: (event, listener) => port.on(event, listener as never) });
    return { module, off };
  };
  let current = make(options.restored);
  const moveTo = (iso: string) => clock.advance(at(iso) - clock.now());
  let counterResetAt: number | null = null;
  const floor: Floor = {
    clock,
    db,
    audit,
    dir,
    get module() {
      return current.module;
    },
    transition(iso, to, extra = {}) {
      moveTo(iso);
      const reason: StopReason | null = extra.reason ?? null;
      stored.push({ at: clock.now(), state: to, reason, detail: extra.detail ?? null });
      port.emit('state:transition', { pressId: 'p1', at: clock.now(), to, reason, detail: extra.detail ?? null, ...extra });
    },
    counters(iso, c) {
      moveTo(iso);
      if (c.reset) counterResetAt = clock.now();
      const snapshot = { id: 'p1', updatedAt: clock.now(), counters: { total: c.total, good: c.good, waste: c.waste }, counterResetAt };
      port.emit('press:update', snapshot as unknown as PressSnapshot);
    },
    restart(restored) {
      current.off();
      current = make(restored);
    },
    close() {
      current.off();
      deferred.stop();
      db.close();
    },
  };
  return floor;
}
