/**
 * One MQTT connection to the broker, made again after every loss. Sparkplug ties the session to
 * its will (NDEATH with this connection's bdSeq; a host's STATE offline with this connection's
 * timestamp), so each attempt builds new options and a new client instead of letting MQTT.js
 * reconnect with the old will.
 *
 * The wait between attempts is network time, not press time: it uses Node's timers, not the
 * injected clock (a test that moves press time by ten minutes does not want ten minutes of
 * reconnect attempts to run at once).
 */
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { describeBrokerFailure, type BrokerFailure } from './broker-failure.js';

export interface BrokerCredentials {
  broker: string;
  username?: string;
  password?: string;
  tls?: { ca?: string; cert?: string; key?: string };
}

export interface BrokerSessionOptions {
  credentials: BrokerCredentials;
  clientId: string;
  /** The will and anything else that belongs to the next connection. */
  nextConnection(): Pick<IClientOptions, 'will'>;
  reconnectMs: number;
  logger: Logger;
  onConnect(client: MqttClient): void;
  onMessage(topic: string, payload: Buffer): void;
  onClose(): void;
}

const mqttTrace = /mqttjs/.test(process.env.DEBUG ?? '');
const noTrace = (): void => {};

export class BrokerSession {
  private client: MqttClient | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private connectedNow = false;
  private failures = 0;
  private lastFailureNow: BrokerFailure | null = null;
  private readonly tlsFiles: Pick<IClientOptions, 'ca' | 'cert' | 'key'>;

  constructor(private readonly o: BrokerSessionOptions) {
    const tls = o.credentials.tls;
    // read at start so a wrong path stops the service with a message, not a reconnect loop
    // (loadConfig checks them first; this names the field for a caller that did not)
    this.tlsFiles = {
      ...(tls?.ca ? { ca: readTlsFile('ca', tls.ca) } : {}),
      ...(tls?.cert ? { cert: readTlsFile('cert', tls.cert) } : {}),
      ...(tls?.key ? { key: readTlsFile('key', tls.key) } : {}),
    };
  }

  get connected(): boolean {
    return this.connectedNow;
  }

  /** Why the last attempt failed (TLS handshake, refused, unreachable); null once connected. */
  get lastFailure(): BrokerFailure | null {
    return this.lastFailureNow;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Publishes `last` (a goodbye: NDEATH, STATE offline) if connected, then closes. */
  async stop(last?: { topic: string; payload: Buffer | string; qos: 0 | 1; retain?: boolean }): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (last && client.connected) await client.publishAsync(last.topic, last.payload, { qos: last.qos, retain: last.retain ?? false }).catch(() => undefined);
    await client.endAsync(!client.connected);
  }

  /** Drops the connection now (the will is published by the broker); a new one follows. */
  drop(): void {
    const client = this.client;
    if (!client) return;
    // a forced end sends no DISCONNECT, so the broker publishes the will as for a lost link
    client.stream?.destroy();
  }

  private connect(): void {
    if (this.stopped) return;
    const { credentials } = this.o;
    const client = mqtt.connect(credentials.broker, {
      clientId: this.o.clientId,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      keepalive: 30,
      // Off: with it on, mqtt-packet's first write builds a 2-byte Buffer for each of the 65,536
      // 16-bit numbers and keeps them for good: ~7 MB of heap that every major GC marks again.
      writeCache: false,
      // MQTT.js calls its debug logger ~10 times a message; the `debug` package's disabled logger
      // still takes its arguments as a rest array: ~200 KB/s of garbage at 100 messages/s. Our
      // own log says what matters; DEBUG=mqttjs* still gets MQTT.js's trace.
      ...(mqttTrace ? {} : { log: noTrace }),
      username: credentials.username,
      password: credentials.password,
      ...this.tlsFiles,
      ...this.o.nextConnection(),
    });
    this.client = client;
    client.on('connect', () => {
      if (client !== this.client) return;
      this.connectedNow = true;
      if (this.failures > 0) this.o.logger.info({ broker: credentials.broker, after: this.failures }, 'MQTT broker reachable again');
      this.failures = 0;
      this.lastFailureNow = null;
      this.o.onConnect(client);
    });
    client.on('message', (topic, payload) => {
      if (client === this.client) this.o.onMessage(topic, payload);
    });
    client.on('error', (error) => {
      if (client !== this.client) return;
      const failure = describeBrokerFailure(error);
      // the first failure at warn, the repeats at debug (and a new kind of failure at warn again):
      // a dead broker must not flood the log
      const repeat = this.failures > 0 && this.lastFailureNow?.message === failure.message;
      this.lastFailureNow = failure;
      this.o.logger[repeat ? 'debug' : 'warn'](
        { broker: credentials.broker, kind: failure.kind, code: failure.code, err: error.message },
        `MQTT broker connection failed: ${failure.message}`,
      );
    });
    client.on('close', () => {
      if (client !== this.client) return;
      const was = this.connectedNow;
      this.connectedNow = false;
      this.failures += 1;
      this.client = undefined;
      client.removeAllListeners('connect');
      client.on('error', () => undefined);
      void client.endAsync(true).catch(() => undefined);
      if (was) this.o.onClose();
      if (!this.stopped) this.retry = setTimeout(() => this.connect(), this.o.reconnectMs);
    });
  }
}

function readTlsFile(field: 'ca' | 'cert' | 'key', file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`tls.${field}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
}
