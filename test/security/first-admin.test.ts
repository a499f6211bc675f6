/**
 * No known default secret: started without PRESSROOM_ADMIN_PASSWORD, the service creates
 * `admin` with a generated password, prints it once on standard output, and none of the
 * passwords an attacker tries first works. A restart prints nothing new and keeps it.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../helpers/service-process.js';
import { ApiClient, removeTestConfig, writeTestConfig } from '../e2e/e2e-kit.js';

const config = writeTestConfig();
const services: ServiceProcess[] = [];

afterAll(async () => {
  for (const service of services) await service.stop();
  for (const dataDir of new Set(services.map((s) => s.dataDir))) rmSync(dataDir, { recursive: true, force: true });
  removeTestConfig(config);
});

const GUESSES = ['admin', 'password', 'pressroom', 'changeme'];

describe('the first admin without PRESSROOM_ADMIN_PASSWORD', () => {
  it('gets a generated password, printed once; the usual guesses fail', async () => {
    const first = await startService({ config, env: { PRESSROOM_ADMIN_PASSWORD: '' } });
    services.push(first);
    const printed = /shown only this once:\s*\n\s*(\S+)/.exec(first.output());
    expect(printed, first.output()).not.toBeNull();
    const generated = printed![1]!;
    expect(generated.length).toBeGreaterThanOrEqual(20);
    expect(first.output().split(generated).length - 1).toBe(1);

    const client = new ApiClient(first.url);
    for (const guess of GUESSES) {
      const res = await client.post('/api/auth/login', { username: 'admin', password: guess });
      expect(res.status, `admin/${guess}`).toBe(401);
    }
    const admin = await client.login({ username: 'admin', password: generated });
    expect((await admin.get<{ user: { role: string } }>('/api/auth/me')).body.user.role).toBe('admin');

    // the guesses were refused and are on record
    const failed = await admin.get<{ entries: { username: string }[] }>('/api/audit?action=auth.login-failed');
    expect(failed.body.entries.filter((e) => e.username === 'admin').length).toBe(GUESSES.length);

    await first.stop();
    const second = await startService({ config, dataDir: first.dataDir, env: { PRESSROOM_ADMIN_PASSWORD: '' } });
    services.push(second);
    expect(second.output()).not.toMatch(/shown only this once/);
    expect(second.output()).not.toContain(generated);
    await new ApiClient(second.url).login({ username: 'admin', password: generated });
  });

  it('generates a different password on another first start', async () => {
    const other = await startService({ config, env: { PRESSROOM_ADMIN_PASSWORD: '' } });
    services.push(other);
    const printed = /shown only this once:\s*\n\s*(\S+)/.exec(other.output())![1]!;
    const earlier = /shown only this once:\s*\n\s*(\S+)/.exec(services[0]!.output())![1]!;
    expect(printed).not.toBe(earlier);
    await other.stop();
  });
});
