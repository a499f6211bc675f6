import type { StoreDatabase } from '../store/database.js';

/** Named server secrets (src/store/migrations/users.ts, users-004-auth-keys). */
export class AuthKeyRepository {
  private readonly select;
  private readonly insert;

  constructor(private readonly db: StoreDatabase) {
    this.select = db.connection.prepare<[string], Buffer>('SELECT key FROM auth_keys WHERE name = ?').pluck();
    this.insert = db.connection.prepare<[string, Buffer, number]>('INSERT OR IGNORE INTO auth_keys (name, key, created_at) VALUES (?, ?, ?)');
  }

  /** The key called `name`; made with `create` and stored (durably) the first time. */
  getOrCreate(name: string, create: () => Buffer, now: number): Buffer {
    const stored = this.db.run(`read key ${name}`, () => this.select.get(name));
    if (stored) return stored;
    this.db.durableWrite(`create key ${name}`, () => this.insert.run(name, create(), now));
    const created = this.db.run(`read key ${name}`, () => this.select.get(name));
    if (!created) throw new Error(`key ${name} vanished right after insert`);
    return created;
  }
}
