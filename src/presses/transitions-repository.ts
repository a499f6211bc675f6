import type { RunState, StopReason } from '../model/press-snapshot.js';
import type { StoreDatabase } from '../store/database.js';

/** One change of a press's run state, as stored. */
export interface RunStateTransition {
  pressId: string;
  /** When the press entered `state` (ms since epoch). */
  at: number;
  state: RunState;
  /** Why the press stopped; null for states other than `stopped`. */
  reason: StopReason | null;
  /** Free text from the PLC or the state machine, e.g. "unit 3 door". */
  detail: string | null;
}

export interface StoredRunStateTransition extends RunStateTransition {
  id: number;
}

interface TransitionRow {
  id: number;
  press_id: string;
  at: number;
  state: string;
  reason: string | null;
  detail: string | null;
}

const COLUMNS = 'id, press_id, at, state, reason, detail';

export class TransitionsRepository {
  private readonly insert;
  private readonly selectRange;
  private readonly selectLatest;
  private readonly selectBefore;
  private readonly deleteBefore;
  private readonly updateCause;

  constructor(private readonly db: StoreDatabase) {
    const c = db.connection;
    this.insert = c.prepare<[string, number, string, string | null, string | null]>(
      'INSERT INTO run_state_transitions (press_id, at, state, reason, detail) VALUES (?, ?, ?, ?, ?)',
    );
    this.selectRange = c.prepare<[string, number, number], TransitionRow>(
      `SELECT ${COLUMNS} FROM run_state_transitions WHERE press_id = ? AND at BETWEEN ? AND ? ORDER BY at, id`,
    );
    this.selectLatest = c.prepare<[string], TransitionRow>(`SELECT ${COLUMNS} FROM run_state_transitions WHERE press_id = ? ORDER BY at DESC, id DESC LIMIT 1`);
    this.selectBefore = c.prepare<[string, number], TransitionRow>(
      `SELECT ${COLUMNS} FROM run_state_transitions WHERE press_id = ? AND at < ? ORDER BY at DESC, id DESC LIMIT 1`,
    );
    this.updateCause = c.prepare<[string | null, string | null, string, number]>(
      `UPDATE run_state_transitions SET reason = ?, detail = ? WHERE press_id = ? AND at = ? AND state = 'stopped'`,
    );
    // Keep, per press, the last transition before the cutoff: it says which state the press was
    // in when the kept window starts (and it is the current state of a press idle for months).
    this.deleteBefore = c.prepare<{ cutoff: number }>(`
      DELETE FROM run_state_transitions AS old
      WHERE old.at < :cutoff AND EXISTS (
        SELECT 1 FROM run_state_transitions AS later
        WHERE later.press_id = old.press_id AND later.at < :cutoff
          AND (later.at > old.at OR (later.at = old.at AND later.id > old.id))
      )`);
  }

  append(transition: RunStateTransition): StoredRunStateTransition {
    const result = this.db.write(`append transition of ${transition.pressId}`, () =>
      this.insert.run(transition.pressId, transition.at, transition.state, transition.reason, transition.detail),
    );
    return { id: Number(result.lastInsertRowid), ...transition };
  }

  /** The stop stored at `at` goes on with a more specific cause (a stop alarm within the settle window). */
  reviseStopCause(revision: { pressId: string; at: number; reason: string | null; detail: string | null }): void {
    this.db.write(`revise stop cause of ${revision.pressId}`, () => this.updateCause.run(revision.reason, revision.detail, revision.pressId, revision.at));
  }

  /** Transitions of one press with from <= at <= to, oldest first. */
  list(query: { pressId: string; from: number; to: number }): StoredRunStateTransition[] {
    return this.db.run(`list transitions of ${query.pressId}`, () => this.selectRange.all(query.pressId, query.from, query.to)).map(fromRow);
  }

  /**
   * The transition in force at `at`: the last one strictly before it, or null if the press had
   * none. With `list({ from: at, … })` it covers a whole range (retention keeps this one).
   */
  inForceAt(pressId: string, at: number): StoredRunStateTransition | null {
    const row = this.db.run(`read transition of ${pressId} in force at ${at}`, () => this.selectBefore.get(pressId, at));
    return row ? fromRow(row) : null;
  }

  /** The press's current state as last stored, or null if it never had one. */
  latest(pressId: string): StoredRunStateTransition | null {
    const row = this.db.run(`read latest transition of ${pressId}`, () => this.selectLatest.get(pressId));
    return row ? fromRow(row) : null;
  }

  /**
   * Delete transitions older than `cutoff` (ms since epoch), except the last one before it for
   * each press. Returns the number of rows deleted.
   */
  purgeOlderThan(cutoff: number): number {
    return this.db.write('purge transitions', () => this.deleteBefore.run({ cutoff }).changes);
  }
}

function fromRow(row: TransitionRow): StoredRunStateTransition {
  return {
    id: row.id,
    pressId: row.press_id,
    at: row.at,
    state: row.state as RunState,
    reason: row.reason as StopReason | null,
    detail: row.detail,
  };
}
