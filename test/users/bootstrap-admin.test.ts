import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BootstrapError } from '../../src/users/bootstrap-admin.js';
import { postJson, startHarness, type Harness } from './auth-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const login = (username: string, password: string) => postJson(h.baseUrl, '/api/auth/login', { username, password });

describe('the first admin', () => {
  it('gets a generated password, printed once and returned, that logs in', async () => {
    const printed: string[] = [];
    const result = await h.auth.bootstrapAdmin({ env: {}, print: (line) => printed.push(line) });
    expect(result.created).toBe(true);
    if (!result.created || result.passwordSource !== 'generated') throw new Error('expected a generated password');
    expect(result.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(result.generatedPassword);
    expect((await login('admin', result.generatedPassword)).status).toBe(200);
  });

  it('gets PRESSROOM_ADMIN_PASSWORD when set, and the password is not printed', async () => {
    const printed: string[] = [];
    const result = await h.auth.bootstrapAdmin({ env: { PRESSROOM_ADMIN_PASSWORD: 'shop-floor-secret' }, print: (line) => printed.push(line) });
    expect(result).toEqual({ created: true, username: 'admin', passwordSource: 'env' });
    expect(printed.join('\n')).not.toContain('shop-floor-secret');
    expect((await login('admin', 'shop-floor-secret')).status).toBe(200);
  });

  it('is created only when there are no users: a second start prints and changes nothing', async () => {
    await h.auth.bootstrapAdmin({ env: { PRESSROOM_ADMIN_PASSWORD: 'shop-floor-secret' }, print: () => {} });
    const printed: string[] = [];
    const again = await h.auth.bootstrapAdmin({ env: { PRESSROOM_ADMIN_PASSWORD: 'a-different-secret' }, print: (line) => printed.push(line) });
    expect(again).toEqual({ created: false });
    expect(printed).toEqual([]);
    expect((await login('admin', 'a-different-secret')).status).toBe(401);
    expect((await login('admin', 'shop-floor-secret')).status).toBe(200);
  });

  it('two generated passwords differ, and no well-known default works', async () => {
    const first = await h.auth.bootstrapAdmin({ env: {}, print: () => {} });
    const other = await startHarness();
    try {
      const second = await other.auth.bootstrapAdmin({ env: {}, print: () => {} });
      if (first.created && first.passwordSource === 'generated' && second.created && second.passwordSource === 'generated') {
        expect(first.generatedPassword).not.toBe(second.generatedPassword);
      } else throw new Error('expected generated passwords');
    } finally {
      await other.close();
    }
    for (const guess of ['admin', 'password', 'pressroom', 'changeme']) expect((await login('admin', guess)).status).toBe(401);
  });

  it('refuses a PRESSROOM_ADMIN_PASSWORD too short to be a password, naming the variable', async () => {
    await expect(h.auth.bootstrapAdmin({ env: { PRESSROOM_ADMIN_PASSWORD: 'admin' }, print: () => {} })).rejects.toThrow(BootstrapError);
    await expect(h.auth.bootstrapAdmin({ env: { PRESSROOM_ADMIN_PASSWORD: 'admin' }, print: () => {} })).rejects.toThrow(/PRESSROOM_ADMIN_PASSWORD/);
    expect(h.auth.users.count()).toBe(0);
  });
});
