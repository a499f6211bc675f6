/**
 * Passwords and PINs are stored as scrypt hashes with a random salt, in a self-describing
 * string `scrypt$N$r$p$salt$hash` so the cost can be raised later without breaking old rows.
 * Hashing runs on libuv's thread pool (async scrypt), so a login does not stall the event loop
 * that also serves the dashboards.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP's floor for scrypt: 16 MiB of memory per hash, ~50 ms on a small shop-floor box. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 16384, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Refuse stored costs far above what we ever write: a tampered row must not exhaust memory. */
const MAX_N = 1 << 20;

export class PasswordHashError extends Error {
  override name = 'PasswordHashError';
}

export async function hashSecret(secret: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(secret, salt, cost, KEY_BYTES);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Compares in constant time; a malformed stored hash is an error, not a mismatch. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  const key = await deriveKey(secret, parsed.salt, parsed.cost, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/**
 * A hash of a random secret, for spending the same time when there is nothing to compare
 * against (unknown user, no PIN set), so response times do not reveal which usernames exist.
 */
export function makeDecoyHash(): Promise<string> {
  return hashSecret(randomBytes(16).toString('base64url'));
}

function parseHash(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } {
  const parts = stored.split('$');
  const [scheme, n, r, p, salt, key] = parts;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const valid =
    parts.length === 6 &&
    scheme === 'scrypt' &&
    Number.isInteger(cost.N) &&
    cost.N > 1 &&
    cost.N <= MAX_N &&
    (cost.N & (cost.N - 1)) === 0 &&
    Number.isInteger(cost.r) &&
    cost.r >= 1 &&
    cost.r <= 32 &&
    Number.isInteger(cost.p) &&
    cost.p >= 1 &&
    cost.p <= 16 &&
    salt !== undefined &&
    salt.length > 0 &&
    key !== undefined &&
    key.length > 0;
  if (!valid) throw new PasswordHashError('stored secret hash is not in the scrypt$N$r$p$salt$hash format');
  return { cost, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

function deriveKey(secret: string, salt: Buffer, cost: ScryptCost, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is too low for N above 16384.
    const maxmem = 256 * cost.N * cost.r;
    scrypt(secret.normalize('NFC'), salt, length, { N: cost.N, r: cost.r, p: cost.p, maxmem }, (error, key) => {
      if (error) reject(new PasswordHashError(`scrypt failed: ${error.message}`, { cause: error }));
      else resolve(key);
    });
  });
}
