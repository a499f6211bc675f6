/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): after a
 * successful login the browser gets a cookie saying "this device has logged in as <user>",
 * signed with a key only the server has. On the next login as that user it proves the device
 * is known, and the throttle counts its failures apart from everyone else's, so an attacker
 * who locks a user out from elsewhere does not lock out the user's own tablet or desk.
 *
 * It grants nothing: no session, no role, no skipped password. It only moves the device into
 * its own failure count. One cookie holds entries for up to `maxUsers` users (a shared tablet
 * serves a crew), newest first:
 *
 *   entry  = base64url(lower-case username) "~" device id "~" issued (ms, base 36) "~" MAC
 *   cookie = entry *("." entry)
 *
 * The MAC is HMAC-SHA256 over the first three fields, truncated to 128 bits. An entry is
 * honoured for `maxAgeMs` after it was issued, and renewed at each login.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const DEVICE_COOKIE = 'pressroom_device';

export interface DeviceCookieSettings {
  maxAgeMs: number;
  maxUsers: number;
}

export const DEFAULT_DEVICE_COOKIE: DeviceCookieSettings = {
  maxAgeMs: 365 * 24 * 3600_000,
  maxUsers: 12,
};

interface Entry {
  user: string;
  device: string;
  issuedAt: number;
}

const MAC_CHARS = 22; // 16 bytes in base64url
const FIELD = /^[A-Za-z0-9_-]{1,64}$/;

export class DeviceCookies {
  readonly settings: DeviceCookieSettings;

  constructor(private readonly options: { key: Buffer; now: () => number; settings?: Partial<DeviceCookieSettings> }) {
    this.settings = { ...DEFAULT_DEVICE_COOKIE, ...options.settings };
  }

  /** The device id this cookie proves has logged in as `username`, or undefined. */
  trustedFor(cookie: string | undefined, username: string): string | undefined {
    const user = encodeUser(username);
    return this.entries(cookie).find((entry) => entry.user === user)?.device;
  }

  /** The cookie to set after a successful login as `username`: their entry renewed and first, the others kept. */
  afterLogin(cookie: string | undefined, username: string): string {
    const user = encodeUser(username);
    const entries = this.entries(cookie);
    const device = entries.find((entry) => entry.user === user)?.device ?? randomBytes(16).toString('base64url');
    const renewed: Entry = { user, device, issuedAt: this.options.now() };
    return [renewed, ...entries.filter((entry) => entry.user !== user)]
      .slice(0, this.settings.maxUsers)
      .map((entry) => this.serialize(entry))
      .join('.');
  }

  /** The valid, unexpired entries of a cookie; anything forged, altered or malformed is skipped. */
  private entries(cookie: string | undefined): Entry[] {
    if (!cookie || cookie.length > 4096) return [];
    const now = this.options.now();
    const valid: Entry[] = [];
    for (const text of cookie.split('.').slice(0, this.settings.maxUsers * 2)) {
      const [user, device, issued, mac, ...rest] = text.split('~');
      if (rest.length > 0 || user === undefined || device === undefined || issued === undefined || mac === undefined) continue;
      if (!FIELD.test(user) || !FIELD.test(device) || !/^[0-9a-z]{1,12}$/.test(issued)) continue;
      const issuedAt = parseInt(issued, 36);
      if (issuedAt > now + 60_000 || now - issuedAt >= this.settings.maxAgeMs) continue;
      const expected = Buffer.from(this.mac(user, device, issued));
      const given = Buffer.from(mac);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) continue;
      valid.push({ user, device, issuedAt });
    }
    return valid;
  }

  private serialize(entry: Entry): string {
    const issued = entry.issuedAt.toString(36);
    return [entry.user, entry.device, issued, this.mac(entry.user, entry.device, issued)].join('~');
  }

  private mac(user: string, device: string, issued: string): string {
    return createHmac('sha256', this.options.key).update(`pressroom device cookie\n${user}\n${device}\n${issued}`).digest('base64url').slice(0, MAC_CHARS);
  }
}

function encodeUser(username: string): string {
  return Buffer.from(username.toLowerCase(), 'utf8').toString('base64url');
}
