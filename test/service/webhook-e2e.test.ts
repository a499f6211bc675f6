/**
 * A jam on a simulated press reaches a supervisor's webhook receiver: the real service,
 * configured with a webhook, POSTs the signed alarm JSON from its outbox.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, eventually, startService, type ServiceProcess } from '../helpers/service-process.js';

const received: { headers: IncomingMessage['headers']; body: string }[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    received.push({ headers: req.headers, body });
    res.writeHead(204).end();
  });
});
let service: ServiceProcess | undefined;
afterAll(async () => {
  await service?.stop({ cleanup: true });
  receiver.close();
});

describe('alarm webhooks from the running service', () => {
  it('POSTs a signed alarm.raised for a jam to the configured receiver', async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    const config = parse(readFileSync('config/default.yaml', 'utf8')) as Record<string, any>;
    config.profilesDir = path.resolve('config/profiles');
    for (const press of config.presses) press.simulation.jamMeanIntervalMin = 0;
    const secret = 'webhook-test-secret-0123456789';
    config.notifications = { webhooks: [{ id: 'supervisor', url: `http://127.0.0.1:${port}/hook`, minPriority: 'critical', presses: ['press-1'], secret }] };
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pressroom-webhook-')), 'config.yaml');
    writeFileSync(file, stringify(config));
    service = await startService({ config: file });

    const login = await fetch(`${service.url}api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const jam = await fetch(`${service.url}api/simulation/presses/press-1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ action: 'jam', code: 'jam.feeder' }),
    });
    expect(jam.status).toBe(200);

    const delivery = await eventually(() => received.find((r) => r.body.includes('jam.feeder')), { what: 'the webhook POST', timeoutMs: 10_000 });
    const payload = JSON.parse(delivery.body) as { event: string; alarm: { pressId: string; code: string; priority: string } };
    expect(payload.event).toBe('alarm.raised');
    expect(payload.alarm).toMatchObject({ pressId: 'press-1', code: 'jam.feeder', priority: 'critical' });
    expect(delivery.headers['content-type']).toMatch(/^application\/json/);
    expect(delivery.headers['x-pressroom-signature']).toBe(`sha256=${createHmac('sha256', secret).update(delivery.body).digest('hex')}`);
    // presses outside the webhook's list, and lower priorities, are not sent
    expect(received.every((r) => (JSON.parse(r.body) as { alarm: { pressId: string } }).alarm.pressId === 'press-1')).toBe(true);
  });
});
