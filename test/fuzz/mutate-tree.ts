/**
 * Structural mutations of a parsed document (a config file, a profile, a JSON request body):
 * pick one place in the tree and break it the way people and programs do: a key deleted, a
 * value of the wrong type, an unknown choice, a negative or absurd number, an unknown or
 * prototype-polluting key, a deep nest, a long string. Each mutation says where and what,
 * so a failure can be replayed from its label.
 */
import type { Random } from './prng.js';

type Key = string | number;
export interface Mutation {
  value: unknown;
  label: string;
}

export const WEIRD_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0.000001,
  '',
  ' ',
  '1',
  'true',
  'ünïcödé 💥🖨️',
  '\u0000',
  'a\u0000b',
  '\u202egnp.exe',
  '\ud800',
  [],
  {},
  [null],
  [1, 'two', { three: 3 }],
  { nested: { deeper: [1, 'x'] } },
  '9'.repeat(400),
  'x'.repeat(5000),
];
export const HUGE_NUMBERS: readonly number[] = [1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, 2 ** 32 + 1, 1e21, Number.MIN_VALUE];
export const ODD_KEYS: readonly string[] = ['unexpected', '__proto__', 'constructor', 'prototype', '', ' ', '💥', 'toString', 'hasOwnProperty'];
const OPS = ['delete', 'wrong-type', 'wrong-enum', 'negative', 'huge', 'deep', 'long-string', 'odd-key'] as const;

/** Every path into `value`, the root (`[]`) first. */
export function pathsOf(value: unknown, prefix: Key[] = []): Key[][] {
  const out: Key[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...pathsOf(item, [...prefix, i])));
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) out.push(...pathsOf(item, [...prefix, key]));
  return out;
}

export function mutate(root: unknown, random: Random): Mutation {
  const value = structuredClone(root);
  const paths = pathsOf(value);
  const op = random.pick(OPS);
  const path = op === 'delete' || op === 'odd-key' ? random.pick(paths) : random.pick(paths.slice(1).length > 0 ? paths.slice(1) : paths);
  const where = path.length === 0 ? '(root)' : path.join('.');
  const current = get(value, path);
  switch (op) {
    case 'delete': {
      if (path.length === 0) return { value: undefined, label: 'delete the whole document' };
      const parent = get(value, path.slice(0, -1));
      const key = path.at(-1)!;
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, unknown>)[key];
      return { value, label: `delete ${where}` };
    }
    case 'wrong-type': {
      const replacement = random.pick(WEIRD_VALUES);
      return { value: set(value, path, structuredClone(replacement)), label: `${where} = ${short(replacement)}` };
    }
    case 'wrong-enum':
      return { value: set(value, path, random.pick(['bogus', 'PRODUCTION', 'Holding', 'u64', 'tcp ', 'none\n'])), label: `${where} = an unknown choice` };
    case 'negative': {
      const negative = typeof current === 'number' ? -Math.abs(current) - 1 : -random.int(1, 1000);
      return { value: set(value, path, negative), label: `${where} = ${negative}` };
    }
    case 'huge': {
      const huge = random.pick(HUGE_NUMBERS);
      return { value: set(value, path, random.chance(0.3) ? -huge : huge), label: `${where} = ${huge} (or its negative)` };
    }
    case 'deep': {
      const depth = random.int(50, 400);
      return { value: set(value, path, nest(depth, random.chance(0.5))), label: `${where} = nested ${depth} deep` };
    }
    case 'long-string':
      return { value: set(value, path, 'ä'.repeat(random.int(1000, 20_000))), label: `${where} = a long string` };
    case 'odd-key': {
      const target = isRecord(current) ? current : undefined;
      const key = random.pick(ODD_KEYS);
      if (!target) return { value: set(value, path, random.pick(WEIRD_VALUES)), label: `${where} = a weird value (no object to add a key to)` };
      // defineProperty, not assignment: `o.__proto__ = x` would change the prototype, not add a key.
      Object.defineProperty(target, key, { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
      return { value, label: `add key ${JSON.stringify(key)} at ${where}` };
    }
  }
}

export function nest(depth: number, asArray: boolean): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { deeper: value };
  return value;
}

function get(root: unknown, path: Key[]): unknown {
  let node = root;
  for (const key of path) node = (node as Record<Key, unknown>)[key];
  return node;
}

function set(root: unknown, path: Key[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  (get(root, path.slice(0, -1)) as Record<Key, unknown>)[path.at(-1)!] = replacement;
  return root;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
