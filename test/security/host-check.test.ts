/** The names the service answers to (src/http/host-guard.ts), with the machine's names and the clock injected. */
import { describe, expect, it } from 'vitest';
import { createHostCheck, hostName } from '../../src/http/host-guard.js';

const machine = { hostname: 'Press-Box', addresses: ['127.0.0.1', '::1', '192.0.2.17', 'fe80::1c2:3ff:fe4a:5b6c'] };

describe('the Host header', () => {
  it.each([
    ['localhost:8080', 'localhost'],
    ['Press-Box', 'press-box'],
    ['press-box.:8080', 'press-box'],
    ['[::1]:8080', '::1'],
    ['[fe80::1%25eth0]:8080', 'fe80::1'],
    ['192.0.2.17', '192.0.2.17'],
  ])('%s names %s', (header, name) => expect(hostName(header)).toBe(name));

  it.each(['', ':8080', 'a b', 'evil.example:80x', '[::1', 'evil.example/x', 'evil.example;script-src *'])('%j is malformed', (header) =>
    expect(hostName(header)).toBeUndefined(),
  );
});

describe('by default', () => {
  const allowed = createHostCheck({ now: () => 0, machineNames: () => machine });

  it("admits loopback, the host name (and .local) and the machine's addresses, with any port", () => {
    for (const host of [
      'localhost:8080',
      '127.0.0.1:8080',
      '[::1]:8080',
      'press-box:8080',
      'PRESS-BOX',
      'press-box.local:8080',
      '192.0.2.17:8080',
      '[fe80::1c2:3ff:fe4a:5b6c]:8080',
    ]) {
      expect(allowed(host), host).toBe(true);
    }
  });

  it('refuses any other name, look-alikes included', () => {
    for (const host of ['evil.example:8080', 'press-box.evil.example', '127.0.0.1.evil.example', 'localhost.evil.example', '192.0.2.18', ''])
      expect(allowed(host), host).toBe(false);
  });

  it('lets a request without Host through (HTTP/1.0; no browser sends one)', () => expect(allowed(undefined)).toBe(true));

  it("looks the machine's names up again when a name misses, at most every 30 s (a new DHCP address)", () => {
    let now = 0;
    let current = machine;
    const check = createHostCheck({ now: () => now, machineNames: () => current });
    current = { ...machine, addresses: [...machine.addresses, '198.51.100.4'] };
    expect(check('198.51.100.4')).toBe(false);
    now = 29_999;
    expect(check('198.51.100.4')).toBe(false);
    now = 30_000;
    expect(check('198.51.100.4')).toBe(true);
  });
});

describe('server.allowedHosts', () => {
  it('a list: exactly those names, a leading dot for every name under a domain, loopback always', () => {
    const allowed = createHostCheck({ allowedHosts: ['pressroom.shop.lan', '.tablets.shop.lan', '10.1.2.3'], now: () => 0, machineNames: () => machine });
    for (const host of [
      'pressroom.shop.lan:8080',
      'PRESSROOM.shop.lan',
      't7.tablets.shop.lan',
      'tablets.shop.lan',
      '10.1.2.3:8080',
      'localhost:8080',
      '127.0.0.1',
    ])
      expect(allowed(host), host).toBe(true);
    for (const host of ['press-box', '192.0.2.17', 'shop.lan', 'eviltablets.shop.lan', 'pressroom.shop.lan.evil.example'])
      expect(allowed(host), host).toBe(false);
  });

  it("'*': any name", () => {
    const allowed = createHostCheck({ allowedHosts: '*', now: () => 0, machineNames: () => machine });
    expect(allowed('evil.example:8080')).toBe(true);
  });
});
