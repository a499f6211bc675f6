import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startService } from '../helpers/service-process.js';

function configFile(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-config-'));
  const file = path.join(dir, 'bad.yaml');
  writeFileSync(file, text);
  return file;
}

describe('a bad configuration', () => {
  it('stops the service with the file, the path and the problem, no stack trace', async () => {
    const file = configFile(`
profilesDir: ${path.resolve('config/profiles')}
buses:
  - { id: hall-a, kind: tcp, host: 127.0.0.1, port: 5020 }
presses:
  - { id: press-1, name: One, profile: demo-sheetfed-4c, bus: hall-b, unitId: 1 }
  - { id: press-2, name: Two, profile: demo-sheetfed-4c, bus: hall-a, unitId: 300 }
`);
    const error = await startService({ config: file, timeoutMs: 15000 }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(error).toContain('exited with code 1');
    expect(error).toContain(file);
    expect(error).toContain('presses[0].bus: unknown bus "hall-b"');
    expect(error).toMatch(/presses\[1\]\.unitId: .*247/);
    expect(error).not.toMatch(/\n\s+at /);
  });

  it('names the line of a YAML syntax error', async () => {
    const file = configFile('buses: [\n  { id: a, kind: tcp\n');
    const error = await startService({ config: file, timeoutMs: 15000 }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(error).toContain(file);
    expect(error).toMatch(/line \d+/);
  });

  it('names a profile file that breaks a cross-field rule', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-profile-'));
    writeFileSync(
      path.join(dir, 'broken.yaml'),
      `
model: broken
name: Broken
ratedSpeed: 1000
signals:
  - { name: a, role: speed, area: holding, address: 0, type: u32 }
  - { name: b, role: paper, area: holding, address: 1, type: u16 }
  - { name: c, role: info, area: coil, address: 0, type: u16 }
`,
    );
    const file = path.join(dir, 'config.yaml');
    writeFileSync(
      file,
      `
profilesDir: .
buses: [{ id: a, kind: tcp }]
presses: [{ id: p, name: P, profile: broken, bus: a, unitId: 1 }]
`,
    );
    const error = await startService({ config: file, timeoutMs: 15000 }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(error).toContain(path.join(dir, 'broken.yaml'));
    expect(error).toContain('signals[1].address: overlaps signal "a" at holding 1');
    expect(error).toContain('signals[2].type: a coil holds one bit');
  });

  it('refuses a data folder that cannot be created, at once, with the folder and what to do (it spun at 100 % CPU before)', async () => {
    // /proc answers ENOENT to mkdir: Node 20's recursive mkdirSync loops on it forever
    const started = Date.now();
    const error = await startService({ dataDir: '/proc/nope', timeoutMs: 15000 }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(error).toContain('exited with code 1');
    expect(error).toContain('cannot create /proc/nope: the file system of /proc does not take new folders');
    expect(error).toContain('set PRESSROOM_DATA_DIR (or --data-dir) to a folder this user may write');
    expect(error).not.toMatch(/\n\s+at /);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a data folder whose path runs through a file', async () => {
    const file = configFile('not a folder');
    const error = await startService({ dataDir: path.join(file, 'data'), timeoutMs: 15000 }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(error).toContain('exited with code 1');
    expect(error).toContain(`cannot look at ${path.join(file, 'data')}: a part of the path is a file, not a folder`);
  });
});
