/**
 * Sparkplug over TLS (`sparkplug.tls`, `hub.tls`): real Mosquitto TLS listeners on loopback, a
 * throw-away PKI made with the openssl CLI, real services (createApp). A box given the CA is
 * born on an mqtts:// broker; with mutual TLS it connects with its client certificate and is
 * refused without one; a broker certificate from an unrelated CA is refused; each refusal is
 * said in /api/health and the log in words, and the service rides it out. A TLS file that does
 * not exist stops the service at start, naming the field and the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PressroomApp } from '../../src/app.js';
import type { HealthReport } from '../../src/model/health.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import { ConfigError } from '../../src/model/config-error.js';
import { ApiClient } from '../e2e/e2e-kit.js';
import { LEVEL, captureLogs } from '../helpers/log-capture.js';
import { eventually } from '../helpers/service-process.js';
import { Mosquitto, SparkplugObserver, isType, makeTestCertificates, type TestCertificates } from './sparkplug-kit.js';
import { Services } from './sparkplug-services.js';

let pki: TestCertificates;
/** TLS: the broker shows its certificate; any client that trusts the CA may connect. */
let broker: Mosquitto;
/** Mutual TLS: `require_certificate true`, the client certificate's CN is the user name. */
let mutual: Mosquitto;
const services = new Services();
const observers: SparkplugObserver[] = [];

beforeAll(async () => {
  pki = await makeTestCertificates();
  [broker, mutual] = await Promise.all([
    Mosquitto.start({ tls: { certificates: pki } }),
    Mosquitto.start({ tls: { certificates: pki, requireClientCertificate: true } }),
  ]);
});

afterAll(async () => {
  for (const observer of observers) await observer.close();
  await services.stopAll();
  await broker?.stop();
  await mutual?.stop();
  pki?.remove();
});

async function observe(on: Mosquitto, tls: { ca?: string; cert?: string; key?: string }): Promise<SparkplugObserver> {
  const observer = await SparkplugObserver.connect(on.url, 'spBv1.0/#', tls);
  observers.push(observer);
  return observer;
}

const health = async (app: PressroomApp) => (await new ApiClient(app.url).get<HealthReport>('/api/health')).body;

/** The service's /api/health once its edge node has failed to connect at least once. */
const refusal = (app: PressroomApp) =>
  eventually(
    async () => {
      const report = await health(app);
      return report.sparkplug?.brokerError ? report : undefined;
    },
    { what: 'a broker error in /api/health' },
  );

describe('Sparkplug over TLS', () => {
  it('a box given the CA is born on an mqtts:// broker; a subscriber with the CA decodes its births', async () => {
    expect(broker.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const observer = await observe(broker, { ca: pki.ca });
    const box = await services.edge(broker.url, 'plant-tls', { tls: { ca: pki.ca } });
    const nbirth = await observer.next(isType('NBIRTH'), { what: 'NBIRTH over TLS' });
    expect(nbirth.topic).toBe('spBv1.0/print-group/NBIRTH/plant-tls');
    expect(nbirth.seq).toBe(0);
    const dbirth = await observer.next(isType('DBIRTH', 'press-1'), { what: 'DBIRTH press-1 over TLS' });
    expect(dbirth.values.get('Press/Name')).toBe('Sheetfed 1 (CMYK)');
    expect(typeof dbirth.values.get('Online')).toBe('boolean');
    const report = await health(box);
    expect(report.sparkplug).toMatchObject({ connected: true, publishing: true, brokerError: null });
  });

  it('mutual TLS: a box with its client certificate and key connects and publishes', async () => {
    const observer = await observe(mutual, { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey });
    await services.edge(mutual.url, 'plant-mtls', { tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey } });
    const nbirth = await observer.next((m) => isType('NBIRTH')(m) && m.topic.endsWith('/plant-mtls'), { what: 'NBIRTH over mutual TLS' });
    expect(nbirth.values.get('bdSeq')).toBe(0);
    await observer.next((m) => isType('DBIRTH', 'press-3')(m) && m.topic.includes('/plant-mtls/'), { what: 'DBIRTH press-3 over mutual TLS' });
  });

  it('mutual TLS: a box without a client certificate is refused, says so in /api/health and the log, and keeps running', async () => {
    const logs = captureLogs('debug');
    const box = await services.edge(mutual.url, 'plant-nocert', { tls: { ca: pki.ca } }, { logger: logs.logger });
    const report = await refusal(box);
    expect(report.status).toBe('degraded');
    expect(report.sparkplug).toMatchObject({ connected: false, publishing: false });
    expect(report.sparkplug!.brokerError).toBe(
      'TLS handshake failed: the broker refused it (certificate required); it requires a client certificate: give tls.cert and tls.key',
    );
    expect(report.reasons.find((r) => r.startsWith('sparkplug:'))).toMatch(
      `sparkplug: not publishing to ${mutual.url} (${report.sparkplug!.brokerError}); ${report.sparkplug!.outbox.depth} changes queued`,
    );
    // said once at warn, with the same words; the retries (every 0.1 s here) at debug
    const failed = () => logs.records.filter((r) => r.msg.startsWith('MQTT broker connection failed'));
    await eventually(() => (failed().length >= 3 ? true : undefined), { what: 'three refused attempts in the log' });
    const warned = failed().filter((r) => r.level === LEVEL.warn);
    expect(warned.map((r) => r.msg)).toEqual([`MQTT broker connection failed: ${report.sparkplug!.brokerError}`]);
    expect(warned[0]).toMatchObject({ component: 'sparkplug', kind: 'tls-refused-by-broker', code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
    // still running: its presses answer, and changes wait in the queue for the broker
    const presses = (await new ApiClient(box.url).get<PressSnapshot[]>('/api/presses')).body;
    expect(presses).toHaveLength(3);
    await eventually(async () => ((await health(box)).sparkplug!.outbox.depth > 0 ? true : undefined), { what: 'changes queued while refused' });
  });

  it('refuses a broker whose certificate an unrelated CA signed (certificate verification), and says so', async () => {
    const logs = captureLogs('warn');
    const box = await services.edge(broker.url, 'plant-wrong-ca', { tls: { ca: pki.otherCa } }, { logger: logs.logger });
    const report = await refusal(box);
    expect(report.sparkplug!.connected).toBe(false);
    expect(report.sparkplug!.brokerError).toMatch(
      /^TLS handshake failed: the broker's certificate is not trusted \(.+\); check tls\.ca and the broker URL's host$/,
    );
    expect(logs.records.find((r) => r.msg.startsWith('MQTT broker connection failed'))).toMatchObject({ kind: 'tls-untrusted-broker' });
    expect((await new ApiClient(box.url).get('/api/presses')).status).toBe(200);
  });

  it('refuses to start on a TLS file that does not exist, naming the field and the file', async () => {
    const missing = `${pki.dir}/no-such-ca.pem`;
    const start = services.edge(broker.url, 'plant-typo', { tls: { ca: missing } });
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toThrow(`sparkplug.tls.ca: file not found: ${missing}`);
    await expect(services.hub(broker.url, { tls: { ca: pki.ca, cert: `${pki.dir}/box.pem`, key: pki.clientKey } })).rejects.toThrow(
      `hub.tls.cert: file not found: ${pki.dir}/box.pem`,
    );
  });

  it('refuses TLS files with a broker URL that is not TLS, and a certificate without its key', async () => {
    await expect(services.edge(broker.url.replace('mqtts:', 'mqtt:'), 'plant-clear', { tls: { ca: pki.ca } })).rejects.toThrow(
      /sparkplug\.broker: tls is set but mqtt:\/\/ does not use TLS: write mqtts:\/\//,
    );
    await expect(services.edge(mutual.url, 'plant-half', { tls: { ca: pki.ca, cert: pki.clientCert } })).rejects.toThrow(
      /sparkplug\.tls\.key: tls\.cert needs tls\.key/,
    );
    await expect(services.edge(mutual.url, 'plant-der', { tls: { ca: pki.ca, cert: pki.clientCert, key: `${pki.dir}` } })).rejects.toThrow(
      /sparkplug\.tls\.key: not a file/,
    );
  });

  it('a hub connects over mutual TLS and shows the box publishing there (plant-mtls, above)', async () => {
    const hub = await services.hub(mutual.url, { tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey } });
    const presses = await eventually(
      async () => {
        const list = (await new ApiClient(hub.url).get<PressSnapshot[]>('/api/presses')).body;
        const ours = list.filter((p) => p.site === 'print-group/plant-mtls');
        return ours.length === 3 ? ours : undefined;
      },
      { what: "plant-mtls's presses on the hub" },
    );
    expect(presses.map((p) => p.id).sort()).toEqual(['print-group/plant-mtls/press-1', 'print-group/plant-mtls/press-2', 'print-group/plant-mtls/press-3']);
    expect((await health(hub)).hub).toMatchObject({ connected: true, brokerError: null });
  });
});
