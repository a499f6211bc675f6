/**
 * DNS rebinding: a page on evil.example whose name is made to resolve to this box's address
 * is same-origin with itself, so the browser sends it our answers, cookies set by them, and
 * `Origin` equal to `Host` (the cross-site checks pass). What gives it away is `Host`: it
 * names the attacker's domain. Every request whose `Host` is not one of this server's names is
 * answered `421 Misdirected Request` before anything else sees it: the API, the dashboard's
 * files and the socket.io handshake (polling and WebSocket upgrade alike).
 *
 * Names: `server.allowedHosts` in the config. Absent: this machine's host name (and
 * `<hostname>.local`) and every address of its network interfaces, looked up again when a
 * name misses (at most every 30 s, so a DHCP change needs no restart). A list: exactly those
 * names; an entry starting with a dot (`.shop.lan`) also admits every name under it. `'*'`:
 * any name (behind a reverse proxy that checks names itself). Loopback names (`localhost`,
 * `127.0.0.1`, `::1`) are always admitted: a rebound name never looks like one. The port is
 * not checked. A request without `Host` (HTTP/1.0) is let through: no browser sends one.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import os from 'node:os';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';

export type AllowedHosts = '*' | string[];

export interface MachineNames {
  hostname: string;
  addresses: string[];
}

export interface HostCheckOptions {
  /** From `server.allowedHosts`; undefined: this machine's names. */
  allowedHosts?: AllowedHosts;
  now: () => number;
  /** This machine's host name and addresses; injected by tests. */
  machineNames?: () => MachineNames;
}

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
const REFRESH_MS = 30_000;

export function machineNames(): MachineNames {
  const addresses = Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address));
  return { hostname: os.hostname(), addresses };
}

/** The name part of a Host header, lower case, without port, brackets, zone id or trailing dot; undefined when malformed. */
export function hostName(header: string): string | undefined {
  let name = header.trim().toLowerCase();
  if (name.startsWith('[')) {
    const end = name.indexOf(']');
    if (end < 0 || !/^(:\d*)?$/.test(name.slice(end + 1))) return undefined;
    name = name.slice(1, end);
  } else {
    const colon = name.indexOf(':');
    if (colon >= 0) {
      if (!/^\d*$/.test(name.slice(colon + 1))) return undefined;
      name = name.slice(0, colon);
    }
  }
  name = name.replace(/%25.*$|%.*$/, '').replace(/\.$/, '');
  if (name === '' || !/^[a-z0-9._:-]+$/.test(name)) return undefined;
  return name;
}

/** `(Host header) => allowed?`; see the module comment for the rules. */
export function createHostCheck(options: HostCheckOptions): (hostHeader: string | undefined) => boolean {
  const { allowedHosts, now } = options;
  if (allowedHosts === '*') return () => true;
  const lookup = options.machineNames ?? machineNames;
  let names = new Set<string>();
  let suffixes: string[] = [];
  let refreshedAt = -Infinity;
  const refresh = () => {
    refreshedAt = now();
    const configured = allowedHosts ?? defaultNames(lookup());
    names = new Set([...LOOPBACK, ...configured.filter((n) => !n.startsWith('.')).map((n) => hostName(n) ?? n.toLowerCase())]);
    suffixes = configured.filter((n) => n.startsWith('.')).map((n) => n.toLowerCase().replace(/\.$/, ''));
  };
  const matches = (name: string) => names.has(name) || suffixes.some((suffix) => name.endsWith(suffix) || name === suffix.slice(1));
  refresh();
  return (hostHeader) => {
    if (hostHeader === undefined) return true;
    const name = hostName(hostHeader);
    if (name === undefined) return false;
    if (matches(name)) return true;
    // the machine's own names may have changed (DHCP); an explicit list does not
    if (allowedHosts === undefined && now() - refreshedAt >= REFRESH_MS) {
      refresh();
      return matches(name);
    }
    return false;
  };
}

function defaultNames(machine: MachineNames): string[] {
  const hostname = machine.hostname.toLowerCase();
  return [hostname, `${hostname}.local`, ...machine.addresses];
}

const MISDIRECTED = JSON.stringify({
  error: {
    code: 'misdirected_request',
    message: 'this server does not answer to the name in the Host header; use one of its names, or add the name to server.allowedHosts in the config',
  },
});

/**
 * Puts the host check in front of every `request` and `upgrade` listener the server has now.
 * Call it after socket.io is attached: engine.io takes the listeners it finds and serves
 * /socket.io/ itself, so a check attached before it would never see the handshake.
 */
export function guardHostHeader(options: { server: Server; allowed: (hostHeader: string | undefined) => boolean; logger: Logger }): void {
  const { server, allowed, logger } = options;
  const refused = refusalLog(logger);
  const requestListeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  const upgradeListeners = server.listeners('upgrade') as ((req: IncomingMessage, socket: Duplex, head: Buffer) => void)[];
  server.removeAllListeners('request');
  server.removeAllListeners('upgrade');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (allowed(req.headers.host)) {
      for (const listener of requestListeners) listener.call(server, req, res);
      return;
    }
    refused(req);
    res.writeHead(421, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(MISDIRECTED),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    res.end(MISDIRECTED);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (allowed(req.headers.host)) {
      for (const listener of upgradeListeners) listener.call(server, req, socket, head);
      return;
    }
    refused(req);
    socket.on('error', () => undefined); // the peer may be gone already; nothing to do about it
    socket.end(
      `HTTP/1.1 421 Misdirected Request\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(MISDIRECTED)}\r\n\r\n${MISDIRECTED}`,
    );
  });
}

/** The first refusal of each name at warn (so an admin sees which name to add), repeats at debug. */
function refusalLog(logger: Logger): (req: IncomingMessage) => void {
  const seen = new Set<string>();
  return (req) => {
    const host = String(req.headers.host).slice(0, 100);
    const fields = { host, method: req.method, path: req.url?.slice(0, 100), ip: req.socket.remoteAddress };
    if (seen.size < 100 && !seen.has(host)) {
      seen.add(host);
      logger.warn(fields, "request refused (421): its Host is not one of this server's names (server.allowedHosts)");
    } else {
      logger.debug(fields, 'request refused (421): unknown Host');
    }
  };
}
