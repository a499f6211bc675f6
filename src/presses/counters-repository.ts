import type { StoreDatabase } from '../store/database.js';

/**
 * What a press's counters need to survive a restart: the monotonic accumulated counts (which
 * never go back, across the PLC's 32-bit wrap and job resets) and the last raw PLC values they
 * were accumulated from, so the first read after a restart is compared with the right baseline.
 */
export interface PressCounterState {
  pressId: string;
  total: number;
  good: number;
  waste: number;
  /** Last raw values read from the PLC; null before the first good read. */
  raw: { total: number | null; good: number | null; waste: number | null };
  /** When this state was computed (ms since epoch). */
  updatedAt: number;
}

interface CounterRow {
  press_id: string;
  total: number;
  good: number;
  waste: number;
  raw_total: number | null;
  raw_good: number | null;
  raw_waste: number | null;
  updated_at: number;
}

export class CountersRepository {
  private readonly upsert;
  private readonly selectOne;
  private readonly selectAll;

  constructor(private readonly db: StoreDatabase) {
    const c = db.connection;
    this.upsert = c.prepare<CounterRow>(`
      INSERT INTO press_counters (press_id, total, good, waste, raw_total, raw_good, raw_waste, updated_at)
      VALUES (:press_id, :total, :good, :waste, :raw_total, :raw_good, :raw_waste, :updated_at)
      ON CONFLICT (press_id) DO UPDATE SET
        total = excluded.total, good = excluded.good, waste = excluded.waste,
        raw_total = excluded.raw_total, raw_good = excluded.raw_good, raw_waste = excluded.raw_waste,
        updated_at = excluded.updated_at`);
    this.selectOne = c.prepare<[string], CounterRow>('SELECT * FROM press_counters WHERE press_id = ?');
    this.selectAll = c.prepare<[], CounterRow>('SELECT * FROM press_counters ORDER BY press_id');
  }

  /**
   * Replace the stored state of one press. Written at synchronous=NORMAL: after a power cut the
   * counts may be a few commits old, and the next read re-accumulates from the stored raw values.
   */
  save(state: PressCounterState): void {
    this.db.write(`save counters of ${state.pressId}`, () =>
      this.upsert.run({
        press_id: state.pressId,
        total: state.total,
        good: state.good,
        waste: state.waste,
        raw_total: state.raw.total,
        raw_good: state.raw.good,
        raw_waste: state.raw.waste,
        updated_at: state.updatedAt,
      }),
    );
  }

  /** Save several presses' states in one transaction. */
  saveMany(states: readonly PressCounterState[]): void {
    this.db.write(`save counters of ${states.length} presses`, () => {
      for (const state of states) this.save(state);
    });
  }

  get(pressId: string): PressCounterState | null {
    const row = this.db.run(`read counters of ${pressId}`, () => this.selectOne.get(pressId));
    return row ? fromRow(row) : null;
  }

  all(): PressCounterState[] {
    return this.db.run('read all counters', () => this.selectAll.all()).map(fromRow);
  }
}

function fromRow(row: CounterRow): PressCounterState {
  return {
    pressId: row.press_id,
    total: row.total,
    good: row.good,
    waste: row.waste,
    raw: { total: row.raw_total, good: row.raw_good, waste: row.raw_waste },
    updatedAt: row.updated_at,
  };
}
