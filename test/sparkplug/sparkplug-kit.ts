/**
 * What the Sparkplug tests share: a real Mosquitto on a free loopback port (Debian's `mosquitto`,
 * a generated config, no system service), a TCP proxy in front of it that a test can cut (a
 * network outage without stopping the broker), and an MQTT observer that decodes every
 * Sparkplug message with Tahu's decoder and lets a test wait for one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { decode, metricValue, parseTopic, toNumber, type ParsedTopic, type UPayload } from '../../src/sparkplug/sparkplug-wire.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitListening(port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
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

export class Mosquitto {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'pressroom-mosquitto-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<Mosquitto> {
    const broker = new Mosquitto(await freePort());
    await broker.restart();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Starts it (again) on the same port; a restart loses every session and retained message. */
  async restart(): Promise<void> {
    await this.kill();
    const file = path.join(this.dir, 'mosquitto.conf');
    writeFileSync(file, `listener ${this.port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
    this.child = spawn('mosquitto', ['-c', file], { stdio: 'ignore' });
    await waitListening(this.port);
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

  static async connect(url: string, topic = 'spBv1.0/#'): Promise<SparkplugObserver> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 200, clientId: `observer-${Math.random().toString(16).slice(2)}` });
    const observer = new SparkplugObserver(client);
    client.on('message', (t, raw) => observer.record(t, raw));
    await client.subscribeAsync(topic, { qos: 1 });
    return observer;
  }

  private record(topic: string, raw: Buffer): void {
    const parsed = parseTopic(topic);
    let payload: UPayload = {};
    if (parsed) payload = decode(raw);
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
