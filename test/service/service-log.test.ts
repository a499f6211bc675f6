/**
 * The service's own log, read as a log shipper reads it: every line on stdout is one JSON
 * object with each key once (a child logger re-binding `bus` or `pressId` its parent already
 * bound wrote `"bus":"a","bus":"a"`, which JSON.parse hides and jq, Loki and people do not),
 * and a profile whose `model` is not its file name is named at start.
 *
 * One real service at debug level, with the quiet demo plus a press on a bus where nothing
 * listens: that press's reads fail and its bus keeps reconnecting, so the poller, the comm
 * health tracker, the bus and its link supervisor all log.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { removeTestConfig, writeTestConfig } from '../e2e/e2e-kit.js';
import { duplicateKeys } from '../helpers/json-duplicate-keys.js';
import { eventually, repoRoot, startService, type ServiceProcess } from '../helpers/service-process.js';

/** A loopback port nothing listens on (taken and given back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const config = writeTestConfig();
let service: ServiceProcess;
let renamedProfile: string;

beforeAll(async () => {
  renamedProfile = path.join(path.dirname(config), 'sheetfed-hall-c.yaml');
  copyFileSync(path.join(repoRoot, 'config/profiles/demo-sheetfed-4c.yaml'), renamedProfile);
  const yaml = parse(readFileSync(config, 'utf8')) as { buses: unknown[]; presses: unknown[] };
  yaml.buses.push({ id: 'dead-line', kind: 'tcp', host: '127.0.0.1', port: await closedPort(), connectTimeoutMs: 200 });
  yaml.presses.push({ id: 'press-9', name: 'Nobody home', profile: renamedProfile, bus: 'dead-line', unitId: 1 });
  writeFileSync(config, stringify(yaml));
  service = await startService({ config, env: { LOG_LEVEL: 'debug' } });
});

afterAll(async () => {
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function logLines(): { text: string; line: LogLine }[] {
  return service
    .output()
    .split('\n')
    .filter((text) => text.startsWith('{'))
    .map((text) => ({ text, line: JSON.parse(text) as LogLine }));
}

describe('the service log', () => {
  it('has no key twice in any line: bus, press, poller and link each bind a key once', async () => {
    // wait until every layer of the dead press has spoken: link, bus, comm health
    await eventually(
      () => {
        const lines = logLines().map(({ line }) => line);
        const fromBus = lines.some((line) => line.bus === 'dead-line' && /connect failed/.test(line.msg));
        const fromPoller = lines.some((line) => line.pressId === 'press-9' && /read failed/.test(line.msg));
        return fromBus && fromPoller ? true : undefined;
      },
      { what: 'log lines from the dead bus and its press', timeoutMs: 15_000 },
    );
    const lines = logLines();
    expect(lines.length).toBeGreaterThan(10);
    const twice = lines.flatMap(({ text }) => duplicateKeys(text).map((key) => `${key} in ${text.slice(0, 160)}`));
    expect(twice).toEqual([]);
    // the check sees what it must
    expect(duplicateKeys('{"bus":"fp-rtu","msg":"x","bus":"fp-rtu"}')).toEqual(['bus']);
  });

  it('warns at start about a profile whose model is not its file name', () => {
    const warnings = logLines()
      .map(({ line }) => line)
      .filter((line) => line.level === 40 && line.file === renamedProfile);
    expect(warnings).toEqual([
      expect.objectContaining({
        path: 'presses[3].profile',
        msg: expect.stringContaining('profile file "sheetfed-hall-c.yaml" declares model "demo-sheetfed-4c"'),
      }),
    ]);
  });
});
