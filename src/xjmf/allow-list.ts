/**
 * Where subscription signals may go (`xjmf.allowedSubscribers`): host names (a leading dot
 * admits every name under it), IP addresses and CIDR ranges. Names are compared as written,
 * never resolved: an IP range admits only URLs that give an IP. Empty: nowhere.
 */
import { BlockList, isIP } from 'node:net';

export interface SubscriberCheck {
  (url: string): { ok: true; url: URL } | { ok: false; reason: string };
}

export function createSubscriberCheck(entries: readonly string[]): SubscriberCheck {
  const ranges = new BlockList();
  const names: string[] = [];
  for (const entry of entries) {
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const family = isIP(address);
    if (family !== 0) ranges.addSubnet(address, prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
    else names.push(entry.toLowerCase());
  }
  return (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { ok: false, reason: `"${raw.slice(0, 200)}" is not a URL` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return { ok: false, reason: `only http and https subscription URLs are accepted (got ${url.protocol})` };
    if (url.username || url.password) return { ok: false, reason: 'a subscription URL may not carry a user or password' };
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const family = isIP(host);
    const allowed =
      family !== 0
        ? ranges.check(host, family === 4 ? 'ipv4' : 'ipv6') || names.includes(host)
        : names.some((name) => (name.startsWith('.') ? host.endsWith(name) || host === name.slice(1) : host === name));
    if (!allowed) {
      return {
        ok: false,
        reason:
          entries.length === 0
            ? `subscriptions are off: no subscriber is allowed (set xjmf.allowedSubscribers in the configuration to admit ${host})`
            : `${host} is not in xjmf.allowedSubscribers`,
      };
    }
    return { ok: true, url };
  };
}
