/**
 * What grew between two V8 heap snapshots of the same process (`BENCH_HEAP_SNAPSHOT_DIR`,
 * see bench/lib/heap-snapshot-hook.mjs): `npx tsx bench/heap-diff.ts early.heapsnapshot
 * late.heapsnapshot [--top N]`. Prints
 *
 * - nodes by kind and constructor (count and self size, growth first);
 * - plain objects by their property names, which tells one `Object` from another (objects
 *   holding only numbers show as `Object{}`: the snapshot leaves such fields out);
 * - arrays by the property that holds them (`points of Object{points,preAlarmed}`), with
 *   their total length: a collection that only appends shows up here.
 *
 * Parsing a 40 MB snapshot needs about 1.5 GB: the script re-runs itself with a larger heap.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

interface Edge {
  type: string;
  name: string | number;
  to: number;
}

class Heap {
  readonly count: number;
  private readonly nodeFields: number;
  private readonly edgeFields: number;
  private readonly firstEdge: Uint32Array;

  constructor(private readonly s: Snapshot) {
    this.nodeFields = s.snapshot.meta.node_fields.length;
    this.edgeFields = s.snapshot.meta.edge_fields.length;
    this.count = s.nodes.length / this.nodeFields;
    this.firstEdge = new Uint32Array(this.count + 1);
    const edgeCount = s.snapshot.meta.node_fields.indexOf('edge_count');
    for (let i = 0, e = 0; i < this.count; i++) {
      this.firstEdge[i] = e;
      e += s.nodes[i * this.nodeFields + edgeCount]! * this.edgeFields;
    }
    this.firstEdge[this.count] = s.edges.length;
  }

  type(i: number): string {
    return this.s.snapshot.meta.node_types[0][this.s.nodes[i * this.nodeFields]!]!;
  }

  name(i: number): string {
    return this.s.strings[this.s.nodes[i * this.nodeFields + 1]!]!;
  }

  selfSize(i: number): number {
    return this.s.nodes[i * this.nodeFields + 3]!;
  }

  *edges(i: number): Generator<Edge> {
    for (let e = this.firstEdge[i]!; e < this.firstEdge[i + 1]!; e += this.edgeFields) {
      const type = this.s.snapshot.meta.edge_types[0][this.s.edges[e]!]!;
      const raw = this.s.edges[e + 1]!;
      yield { type, name: type === 'element' || type === 'hidden' ? raw : this.s.strings[raw]!, to: this.s.edges[e + 2]! / this.nodeFields };
    }
  }

  /** `type:constructor`, with strings and numbers lumped together. */
  kind(i: number): string {
    const type = this.type(i);
    if (type.includes('string')) return `${type}`;
    if (type === 'number') return 'number';
    return `${type}:${this.name(i).slice(0, 80)}`;
  }

  /** An object's constructor and property names: `Object{at,level,sheets}`. */
  shape(i: number): string {
    const names: string[] = [];
    for (const edge of this.edges(i)) if (edge.type === 'property' && edge.name !== '__proto__') names.push(String(edge.name));
    return `${this.name(i)}{${names.sort().join(',')}}`.slice(0, 140);
  }
}

function load(file: string): Heap {
  return new Heap(JSON.parse(readFileSync(file, 'utf8')) as Snapshot);
}

type Tally = Map<string, { count: number; size: number }>;

function add(tally: Tally, key: string, count: number, size: number): void {
  const entry = tally.get(key) ?? { count: 0, size: 0 };
  entry.count += count;
  entry.size += size;
  tally.set(key, entry);
}

function tallies(heap: Heap): { kinds: Tally; shapes: Tally; arrays: Tally } {
  const kinds: Tally = new Map();
  const shapes: Tally = new Map();
  const arrays: Tally = new Map();
  for (let i = 0; i < heap.count; i++) {
    add(kinds, heap.kind(i), 1, heap.selfSize(i));
    if (heap.type(i) === 'object' && heap.name(i) !== 'Array') add(shapes, heap.shape(i), 1, heap.selfSize(i));
    for (const edge of heap.edges(i)) {
      if (edge.type !== 'property' || heap.type(edge.to) !== 'object' || heap.name(edge.to) !== 'Array') continue;
      let length = 0;
      for (const element of heap.edges(edge.to)) if (element.type === 'element') length++;
      // "size" here is the arrays' total length
      add(arrays, `${String(edge.name)} of ${heap.shape(i).slice(0, 80)}`, 1, length);
    }
  }
  return { kinds, shapes, arrays };
}

function printGrowth(title: string, before: Tally, after: Tally, top: number, sizeLabel: string): void {
  const rows = [...after].map(([key, now]) => {
    const was = before.get(key) ?? { count: 0, size: 0 };
    return { key, count: now.count - was.count, size: now.size - was.size, now };
  });
  rows.sort((a, b) => b.size - a.size || b.count - a.count);
  console.log(`\n${title}`);
  for (const row of rows.slice(0, top)) {
    if (row.size <= 0 && row.count <= 0) break;
    const size = sizeLabel === 'KB' ? `${(row.size / 1024).toFixed(1)} KB` : `${row.size} ${sizeLabel}`;
    console.log(`${size.padStart(14)} ${`${row.count >= 0 ? '+' : ''}${row.count}`.padStart(8)} n (now ${row.now.count})  ${row.key}`);
  }
}

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args.splice(topIndex, 2)[1]) : 20;
if (args.length !== 2) {
  console.error('usage: npx tsx bench/heap-diff.ts early.heapsnapshot late.heapsnapshot [--top N]');
  process.exit(2);
}
if (!process.execArgv.some((a) => a.startsWith('--max-old-space-size'))) {
  execFileSync(process.execPath, ['--max-old-space-size=6000', ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(0);
}
const [early, late] = [load(args[0]!), load(args[1]!)];
const a = tallies(early);
const b = tallies(late);
console.log(`nodes ${early.count} → ${late.count}`);
printGrowth('Growth by kind and constructor (self size):', a.kinds, b.kinds, top, 'KB');
printGrowth('Growth of objects by shape (self size):', a.shapes, b.shapes, top, 'KB');
printGrowth('Growth of arrays by holder (total length):', a.arrays, b.arrays, top, 'items');
