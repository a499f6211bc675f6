/**
 * What the Sparkplug tests share: a real Mosquitto on a free loopback port (Debian's `mosquitto`,
 * a generated config, no system service; plain MQTT or a TLS listener), throw-away certificates
 * for it (a CA, a server and a client certificate, made with the `openssl` CLI), a TCP proxy in
 * front of it that a test can cut (a network outage without stopping the broker), and an MQTT
 * observer that decodes every Sparkplug message with Tahu's decoder and lets a test wait for one.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { decode, metricValue, parseTopic, toNumber, type ParsedTopic, type UPayload } from '../../src/sparkplug/sparkplug-wire.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitListening(port: number, exited: () => string | undefined, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = exited();
    if (log !== undefined) throw new Error(`mosquitto exited before listening on ${port}:\n${log}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const run = promisify(execFile);

/** PEM files of a throw-away PKI in a temp folder (EC P-256 keys, a day's validity). */
export interface TestCertificates {
  dir: string;
  /** The CA that signs the broker's and the client's certificates. */
  ca: string;
  /** The broker's certificate for 127.0.0.1 and localhost (subjectAltName), and its key. */
  serverCert: string;
  serverKey: string;
  /** A client certificate (CN `plant-north`) signed by `ca`, and its key. */
  clientCert: string;
  clientKey: string;
  /** A second CA, unrelated to the first (it signed nothing the broker shows). */
  otherCa: string;
  remove(): void;
}

/** Makes the PKI with the `openssl` CLI (OpenSSL 3: `req -x509 -CA` signs in one step), ~50 ms. */
export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-pki-'));
  const file = (name: string) => path.join(dir, name);
  // self-signed, or signed by the CA when `extra` names it (-CA, -CAkey); one line per option pair would hide what it makes
  // prettier-ignore
  const newCertificate = (name: string, cn: string, extra: string[] = []) =>
    run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', `/CN=${cn}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`), ...extra,
    ]);
  const leaf = (name: string, cn: string, extensions: string[]) =>
    newCertificate(name, cn, ['-CA', file('ca.crt'), '-CAkey', file('ca.key'), ...extensions.flatMap((e) => ['-addext', e])]);
  await Promise.all([newCertificate('ca', 'Pressroom test CA'), newCertificate('other-ca', 'Unrelated test CA')]);
  await Promise.all([
    leaf('server', 'localhost', ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'basicConstraints=critical,CA:FALSE', 'extendedKeyUsage=serverAuth']),
    leaf('client', 'plant-north', ['basicConstraints=critical,CA:FALSE', 'extendedKeyUsage=clientAuth']),
  ]);
  return {
    dir,
    ca: file('ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
    otherCa: file('other-ca.crt'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A TLS listener: the broker's certificate, and whether it asks every client for one (mutual TLS). */
export interface BrokerTls {
  certificates: TestCertificates;
  /** `require_certificate true` and `use_identity_as_username true`: a client without a certificate signed by the CA is refused. */
  requireClientCertificate?: boolean;
}

export class Mosquitto {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'pressroom-mosquitto-'));

  private constructor(
    readonly port: number,
    private readonly tls: BrokerTls | undefined,
  ) {}

  static async start(options: { tls?: BrokerTls } = {}): Promise<Mosquitto> {
    const broker = new Mosquitto(await freePort(), options.tls);
    await broker.restart();
    return broker;
  }

  get url(): string {
    return `${this.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`;
  }

  /** Starts it (again) on the same port; a restart loses every session and retained message. */
  async restart(): Promise<void> {
    await this.kill();
    const file = path.join(this.dir, 'mosquitto.conf');
    // started as root, mosquitto switches to the user `mosquitto`, which cannot read the keys in
    // our 0700 temp folders: it stays who we are
    const lines = [`listener ${this.port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', `user ${userInfo().username}`];
    if (this.tls) {
      const { certificates: c, requireClientCertificate } = this.tls;
      lines.push(`cafile ${c.ca}`, `certfile ${c.serverCert}`, `keyfile ${c.serverKey}`);
      if (requireClientCertificate) lines.push('require_certificate true', 'use_identity_as_username true');
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    const child = spawn('mosquitto', ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    this.child = child;
    await waitListening(this.port, () => (child.exitCode !== null || child.signalCode !== null ? log : undefined));
  }

  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A TCP relay to the broker: `cut()` drops every link and refuses new ones until `restore()`. */
export class CuttableLink {
  private readonly sockets = new Set<Socket>();
  private up = true;
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async to(targetPort: number): Promise<CuttableLink> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const link = new CuttableLink(server, (server.address() as AddressInfo).port);
    server.on('connection', (client) => link.relay(client, targetPort));
    return link;
  }

  private relay(client: Socket, targetPort: number): void {
    if (!this.up) return void client.destroy();
    const upstream = tcpConnect(targetPort, '127.0.0.1');
    this.sockets.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream).pipe(client);
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.up = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.up = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface SeenMessage {
  topic: string;
  parsed: ParsedTopic | undefined;
  payload: UPayload;
  /** Metric values by name (births) or by alias (data). */
  values: Map<string, unknown>;
  seq: number | null;
  raw: Buffer;
}

/** An MQTT client that records every decoded Sparkplug message, in order of arrival. */
export class SparkplugObserver {
  readonly messages: SeenMessage[] = [];
  private waiters: { match: (m: SeenMessage) => boolean; resolve: (m: SeenMessage) => void }[] = [];

  private constructor(readonly client: MqttClient) {}

  /** `tls`: PEM file paths, as in a box's `tls:` section. */
  static async connect(url: string, topic = 'spBv1.0/#', tls: { ca?: string; cert?: string; key?: string } = {}): Promise<SparkplugObserver> {
    const files: Pick<IClientOptions, 'ca' | 'cert' | 'key'> = Object.fromEntries(Object.entries(tls).map(([field, file]) => [field, readFileSync(file)]));
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 200, clientId: `observer-${Math.random().toString(16).slice(2)}`, ...files });
    const observer = new SparkplugObserver(client);
    client.on('message', (t, raw) => observer.record(t, raw));
    await client.subscribeAsync(topic, { qos: 1 });
    return observer;
  }

  private record(topic: string, raw: Buffer): void {
    const parsed = parseTopic(topic);
    let payload: UPayload = {};
    try {
      if (parsed) payload = decode(raw);
    } catch {
      // a test's own garbage command (a DCMD that is not Sparkplug B): recorded with an empty payload
    }
    const values = new Map<string, unknown>();
    for (const m of payload.metrics ?? []) values.set(m.name || `#${toNumber(m.alias)}`, metricValue(m));
    const message: SeenMessage = { topic, parsed, payload, values, seq: toNumber(payload.seq), raw };
    this.messages.push(message);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(message)) return true;
      w.resolve(message);
      return false;
    });
  }

  /** The first message (already seen or still to come) from index `from` that matches. */
  next(match: (m: SeenMessage) => boolean, options: { from?: number; timeoutMs?: number; what?: string } = {}): Promise<SeenMessage> {
    const seen = this.messages.slice(options.from ?? 0).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${options.what ?? 'a Sparkplug message'}`)), options.timeoutMs ?? 10_000);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  of(type: string, deviceId?: string): SeenMessage[] {
    return this.messages.filter((m) => m.parsed?.type === type && (deviceId === undefined || m.parsed.deviceId === deviceId));
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

export const isType = (type: string, deviceId?: string) => (m: SeenMessage) =>
  m.parsed?.type === type && (deviceId === undefined || m.parsed.deviceId === deviceId);
