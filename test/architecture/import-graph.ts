/**
 * The folder-level import graph of the service, from the source text (static, dynamic and
 * type-only imports alike: a type import is a dependency of the design too). ESLint checks
 * one file at a time; a loop between two feature folders only shows in the whole graph.
 *
 * Nodes: each top-level folder of src/ (`src/alarms`, `src/store`, …, and `src` itself for
 * app.ts, main.ts, feature-module.ts), `drivers`, `simulators`, `dashboard`.
 * Run directly (`tsx test/architecture/import-graph.ts`, part of `npm run lint`) it prints
 * the loops and exits 1 when there is one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROOTS = ['src', 'drivers', 'simulators', 'dashboard/src'];
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

export function folderOf(file: string): string {
  const rel = path.relative(repoRoot, file).split(path.sep);
  if (rel[0] === 'src') return rel.length > 2 ? `src/${rel[1]}` : 'src';
  if (rel[0] === 'dashboard') return 'dashboard';
  return rel[0]!;
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(full);
    return /\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Folder → folders it imports, with one example file pair per edge. */
export function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const root of ROOTS) {
    for (const file of sourceFiles(path.join(repoRoot, root))) {
      const from = folderOf(file);
      const edges = graph.get(from) ?? new Map<string, string>();
      graph.set(from, edges);
      for (const match of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const target = folderOf(path.resolve(path.dirname(file), match[1] ?? match[2]!));
        if (target !== from && !edges.has(target)) edges.set(target, `${path.relative(repoRoot, file)} → ${match[1] ?? match[2]}`);
      }
    }
  }
  return graph;
}

/** Strongly connected groups of more than one folder (Tarjan): each is an import loop. */
export function folderLoops(graph = folderGraph()): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  const visit = (node: string) => {
    indexOf.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indexOf.get(next)!));
      }
    }
    if (low.get(node) === indexOf.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) loops.push(group.sort());
    }
  };
  for (const node of graph.keys()) if (!indexOf.has(node)) visit(node);
  return loops;
}

/** One line per edge inside a loop, so the message says which import to cut. */
export function describeLoops(loops: string[][], graph = folderGraph()): string {
  return loops
    .map((group) => {
      const inside = new Set(group);
      const edges = group.flatMap((from) =>
        [...(graph.get(from) ?? new Map<string, string>())].filter(([to]) => inside.has(to)).map(([to, example]) => `  ${from} → ${to}   (${example})`),
      );
      return `loop between ${group.join(', ')}:\n${edges.join('\n')}`;
    })
    .join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const graph = folderGraph();
  const loops = folderLoops(graph);
  if (loops.length > 0) {
    console.error(`import graph: ${loops.length} folder loop(s)\n${describeLoops(loops, graph)}`);
    process.exit(1);
  }
  console.log(`import graph: ${graph.size} folders, no loops`);
}
