import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/model/config-error.js';
import { loadConfig } from '../../src/config/load.js';

const profiles = path.resolve('config/profiles');

function write(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'pressroom-cfg-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

function problems(file: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    loadConfig({ file, env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('loading the configuration', () => {
  it('loads the embedded default: three presses on two simulated buses', () => {
    const config = loadConfig({ file: path.resolve('config/default.yaml') });
    expect(config.presses.map((p) => p.id)).toEqual(['press-1', 'press-2', 'press-3']);
    expect(config.buses.every((b) => b.simulate)).toBe(true);
    expect(config.presses[2]!.polling.timeoutMs).toBe(150); // from the bus
  });

  it('lets PORT and PRESSROOM_DATA_DIR override the file, and refuses a PORT that is not a port', () => {
    const config = loadConfig({ file: path.resolve('config/default.yaml'), env: { PORT: '0', PRESSROOM_DATA_DIR: '/tmp/x' } });
    expect(config.server.port).toBe(0);
    expect(config.dataDir).toBe('/tmp/x');
    expect(() => loadConfig({ file: path.resolve('config/default.yaml'), env: { PORT: 'eighty' } })).toThrow(/PORT: "eighty" is not a port number/);
  });

  it('names a misspelt key, a duplicate unit id and an unknown profile', () => {
    const file = write(`
profilesDir: ${profiles}
buses: [{ id: a, kind: tcp, hots: 10.0.0.1 }]
presses:
  - { id: p1, name: P1, profile: demo-sheetfed-4c, bus: a, unitId: 1 }
  - { id: p2, name: P2, profile: demo-sheetfed-4c, bus: a, unitId: 1 }
  - { id: p3, name: P3, profile: no-such-model, bus: a, unitId: 2 }
`);
    const found = problems(file);
    expect(found).toContain('buses[0]: Unrecognized key: "hots"');
    expect(found).toContain('presses[1].unitId: unit id 1 on bus "a" is already used by press "p1"');
  });

  it('refuses a bus timeout at or above the fastest scan period of a press on it', () => {
    const file = write(`
profilesDir: ${profiles}
buses: [{ id: a, kind: tcp, timeoutMs: 300 }]
presses: [{ id: p1, name: P1, profile: demo-sheetfed-4c, bus: a, unitId: 1 }]
`);
    expect(problems(file)).toEqual(['presses[0]: request timeout 300 ms (from bus "a") must be below the fastest scan period 250 ms']);
  });

  it('reports a profile that does not exist with where it looked', () => {
    const file = write(`
profilesDir: ${profiles}
buses: [{ id: a, kind: tcp }]
presses: [{ id: p1, name: P1, profile: acme-9000, bus: a, unitId: 1 }]
`);
    expect(problems(file)[0]).toMatch(/^presses\[0\]\.profile: profile "acme-9000" not found \(looked for .*acme-9000\.yaml\)$/);
  });

  it('warns, without refusing, about a profile whose model is not its file name', () => {
    expect(loadConfig({ file: path.resolve('config/default.yaml') }).warnings).toEqual([]);
    const file = write(`
profilesDir: .
buses: [{ id: a, kind: tcp }]
presses:
  - { id: p1, name: P1, profile: hall-c-sheetfed, bus: a, unitId: 1 }
  - { id: p2, name: P2, profile: hall-c-sheetfed.yaml, bus: a, unitId: 2 }
`);
    copyFileSync(path.join(profiles, 'demo-sheetfed-4c.yaml'), path.join(path.dirname(file), 'hall-c-sheetfed.yaml'));
    const config = loadConfig({ file });
    expect(config.presses.map((p) => p.profile.model)).toEqual(['demo-sheetfed-4c', 'demo-sheetfed-4c']);
    // one warning per profile file, naming the file, where it is used first, and both names
    expect(config.warnings).toEqual([
      {
        file: path.join(path.dirname(file), 'hall-c-sheetfed.yaml'),
        path: 'presses[0].profile',
        message:
          'profile file "hall-c-sheetfed.yaml" declares model "demo-sheetfed-4c": the press will be shown as model "demo-sheetfed-4c"; rename the file to demo-sheetfed-4c.yaml or set model: hall-c-sheetfed',
      },
    ]);
  });

  it('names the allowed values when a profile maps a state code to an unknown state or stop reason', () => {
    const file = write(`
profilesDir: .
buses: [{ id: a, kind: tcp }]
presses: [{ id: p1, name: P1, profile: typo, bus: a, unitId: 1 }]
`);
    const profile = readFileSync(path.join(profiles, 'demo-sheetfed-4c.yaml'), 'utf8')
      .replace('model: demo-sheetfed-4c', 'model: typo')
      .replace('"4": { state: stopped, reason: jam }', '"4": { state: stopped, reason: paperjam }')
      .replace('"7": cleanup', '"7": washup');
    expect(profile).toContain('paperjam');
    expect(profile).toContain('washup');
    writeFileSync(path.join(path.dirname(file), 'typo.yaml'), profile);
    expect(problems(file)).toEqual([
      'signals[0].states.4: reason: "paperjam" is not a stop reason; use one of: jam, door-open, e-stop, operator, fault, other',
      'signals[0].states.7: "washup" is not a run state; use one of: production, setup, idle, stopped, cleanup, offline',
    ]);
  });
});
