import { describe, expect, it } from 'vitest';
import { describeLoops, folderGraph, folderLoops } from './import-graph.js';

describe('the folder import graph', () => {
  it('finds a loop between two feature folders, and names the imports that make it', () => {
    const planted = new Map([
      ['src/supplies', new Map([['src/alarms', 'src/supplies/a.ts → ../alarms/b.js']])],
      [
        'src/alarms',
        new Map([
          ['src/supplies', 'src/alarms/b.ts → ../supplies/a.js'],
          ['src/model', 'src/alarms/b.ts → ../model/c.js'],
        ]),
      ],
      ['src/model', new Map<string, string>()],
    ]);
    expect(folderLoops(planted)).toEqual([['src/alarms', 'src/supplies']]);
    expect(describeLoops(folderLoops(planted), planted)).toContain('src/alarms → src/supplies   (src/alarms/b.ts → ../supplies/a.js)');
  });

  it('has no loops in the service', () => {
    const graph = folderGraph();
    expect(graph.size).toBeGreaterThan(10);
    const loops = folderLoops(graph);
    expect(loops, describeLoops(loops, graph)).toEqual([]);
  });

  it('keeps drivers/ free of the service, and the model free of features and infrastructure', () => {
    const graph = folderGraph();
    expect([...(graph.get('drivers')?.keys() ?? [])].filter((to) => to.startsWith('src'))).toEqual([]);
    expect([...(graph.get('src/model')?.keys() ?? [])].sort()).toEqual(['drivers']);
    expect([...(graph.get('simulators')?.keys() ?? [])].sort()).toEqual(['drivers', 'src/model']);
  });
});
