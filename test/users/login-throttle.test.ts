/** The throttle itself (src/users/login-throttle.ts) at full scale, with an injected clock. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLE, LoginThrottle } from '../../src/users/login-throttle.js';

/** One of 16 million loopback addresses: 127.x.y.z. */
const loopback = (i: number) => `127.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

describe('the login throttle under a flood', () => {
  it("10,500 made-up usernames from as many addresses do not reset a user's failure count", () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle({ now: () => now });
    for (let i = 0; i < 4; i++) {
      const attempt = throttle.begin({ username: 'mia', address: '10.0.0.5', account: true });
      expect(attempt.allowed).toBe(true);
      now += 1000;
    }
    for (let i = 0; i < 10_500; i++) {
      expect(throttle.begin({ username: `nobody-${i}`, address: loopback(i + 1), account: false }).allowed).toBe(true);
      now += 10;
    }
    // the fifth failure locks mia, as it would have without the flood
    expect(throttle.begin({ username: 'mia', address: loopback(20_000), account: true }).allowed).toBe(true);
    expect(throttle.begin({ username: 'mia', address: loopback(20_001), account: true })).toEqual({ allowed: false, retryAfterMs: 30_000 });
    // and the made-up names and addresses stayed within the bound
    expect(throttle.size).toBeLessThanOrEqual(DEFAULT_THROTTLE.maxKeys);
  });

  it('a lock on a user does not stop a device that has logged in as them, and a device lock stops only that device', () => {
    const now = 0;
    const throttle = new LoginThrottle({ now: () => now });
    for (let i = 0; i < 5; i++) throttle.begin({ username: 'admin', address: loopback(i + 1), account: true });
    expect(throttle.begin({ username: 'admin', address: loopback(9), account: true }).allowed).toBe(false);
    expect(throttle.begin({ username: 'admin', address: loopback(9), account: true, device: 'desk' }).allowed).toBe(true);
    for (let i = 0; i < 4; i++) throttle.begin({ username: 'admin', address: loopback(9), account: true, device: 'desk' });
    expect(throttle.begin({ username: 'admin', address: loopback(9), account: true, device: 'desk' }).allowed).toBe(false);
    expect(throttle.begin({ username: 'admin', address: loopback(9), account: true, device: 'tablet' }).allowed).toBe(true);
  });
});
