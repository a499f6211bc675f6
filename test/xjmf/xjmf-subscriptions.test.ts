/**
 * Subscriptions on the running service: a real receiver on 127.0.0.1 gets SignalStatus when a
 * simulated press jams, SignalNotification for the alarm and for a supply replacement,
 * SignalQueueStatus for a submitted job and SignalResource every RepeatTime; channels survive
 * a restart, stop on CommandStopPersistentChannel, are refused outside
 * xjmf.allowedSubscribers, and a subscriber that only fails is dropped and listed in /api/health.
 * Every signal is checked against CIP4's schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readXjmf, type XmlElement } from '../../src/xjmf/xml.js';
import { ApiClient, removeTestConfig } from '../e2e/e2e-kit.js';
import { ADMIN_PASSWORD, eventually, type ServiceProcess } from '../helpers/service-process.js';
import { freePort, WebhookReceiver } from '../notifications/webhook-receiver.js';
import { envelope, find, message, MIS_TOKEN, postXjmf, startXjmfService, validate } from './xjmf-kit.js';

let service: ServiceProcess;
let config: string;
let admin: ApiClient;
const receiver = new WebhookReceiver();

beforeAll(async () => {
  await receiver.listen();
  ({ service, config } = await startXjmfService({
    xjmf: { allowedSubscribers: ['127.0.0.1'], dropSubscriberAfterMinutes: 0.01, retryMaxSeconds: 1, minRepeatSeconds: 0.5 },
  }));
  admin = await new ApiClient(service.url).login({ username: 'admin', password: ADMIN_PASSWORD });
}, 60_000);
afterAll(async () => {
  await service?.stop({ cleanup: true });
  await receiver.close();
  removeTestConfig(config);
});

interface Signal {
  path: string;
  root: XmlElement;
  signal: XmlElement;
  text: string;
}

/** Signals received so far on `path`; each one validated when first read. */
const validated = new Set<string>();
function signals(path: string): Signal[] {
  return receiver.requests
    .filter((r) => r.path === path)
    .map((r) => {
      if (!validated.has(r.body)) {
        validate(r.body);
        validated.add(r.body);
      }
      const parsed = readXjmf(r.body);
      if ('error' in parsed) throw new Error(parsed.error.message);
      return { path: r.path, root: parsed.root, signal: parsed.root.children.find((c) => c.name !== 'Header')!, text: r.body };
    });
}

const subscribe = (pathname: string, query: string, id: string, url: string, extra = '', inner = '') =>
  postXjmf(`${service.url}${pathname}`, envelope(message(query, id, `<Subscription URL="${url}"${extra}/>${inner}`)));

describe('XJMF subscriptions', () => {
  it('a jam reaches the subscriber as SignalStatus (Stopped, PaperJam) and as a SignalNotification for the alarm', async () => {
    const base = `http://127.0.0.1:${receiver.port}`;
    const status = await subscribe('xjmf/press-1', 'QueryStatus', 'sub-status', `${base}/status`);
    validate(status.text);
    expect(status.responses[0]).toMatchObject({ name: 'ResponseStatus', attrs: { ReturnCode: '0' } });
    const alarms = await subscribe('xjmf/press-1', 'QueryNotification', 'sub-alarms', `${base}/alarms`);
    validate(alarms.text);
    expect(alarms.responses[0]).toMatchObject({ name: 'ResponseNotification', attrs: { ReturnCode: '0' } });

    const jam = await admin.post('/api/simulation/presses/press-1/events', { action: 'jam', code: 'jam.feeder' });
    expect(jam.status).toBe(200);
    const stopped = await eventually(() => signals('/status').find((s) => find(s.signal, 'DeviceInfo')?.attrs.Status === 'Stopped'), {
      what: 'SignalStatus Stopped',
      timeoutMs: 10_000,
    });
    expect(stopped.signal.name).toBe('SignalStatus');
    expect(find(stopped.signal, 'DeviceInfo')!.attrs.StatusDetails).toBe('PaperJam');
    expect(find(stopped.signal, 'Header')!.attrs).toMatchObject({ DeviceID: 'press-1', refID: 'sub-status' });

    const raised = await eventually(() => signals('/alarms').find((s) => find(s.signal, 'Event')?.attrs.EventID === 'alarm.raised.jam.feeder'), {
      what: 'SignalNotification for the jam',
      timeoutMs: 10_000,
    });
    expect(find(raised.signal, 'Notification')!.attrs.Class).toBe('Error');
    expect(find(raised.signal, 'Comment')!.text).toMatch(/Paper jam/i);

    await admin.post('/api/simulation/presses/press-1/events', { action: 'clear-jam' });
    await eventually(() => signals('/alarms').find((s) => find(s.signal, 'Event')?.attrs.EventID === 'alarm.cleared.jam.feeder'), {
      what: 'the clear',
      timeoutMs: 10_000,
    });
  });

  it('a supply replacement logged on the press is a SignalNotification', async () => {
    const logged = await admin.post('/api/supplies', {
      clientId: 'xjmf-test-1',
      pressId: 'press-1',
      kind: 'ink',
      unit: 2,
      color: 'magenta',
      quantity: 2.5,
      uom: 'kg',
    });
    expect(logged.status).toBe(201);
    const signal = await eventually(() => signals('/alarms').find((s) => find(s.signal, 'Event')?.attrs.EventID === 'supply.ink'), {
      what: 'supply signal',
    });
    expect(find(signal.signal, 'Comment')!.text).toMatch(/unit 2, magenta.*2\.5 kg/);
  });

  it('a job submitted at the controller is a SignalQueueStatus; RepeatTime sends SignalResource again and again', async () => {
    const base = `http://127.0.0.1:${receiver.port}`;
    expect((await subscribe('xjmf', 'QueryQueueStatus', 'sub-queue', `${base}/queue`)).responses[0]!.attrs.ReturnCode).toBe('0');
    const submitted = await postXjmf(
      `${service.url}xjmf/press-2`,
      envelope(message('CommandSubmitQueueEntry', 'c1', '<QueueSubmissionParams URL="cid:x" pr:JobID="MIS-77" pr:Amount="800"/>'), ' xmlns:pr="urn:pressroom"'),
      { token: MIS_TOKEN },
    );
    expect(submitted.responses[0]!.attrs.ReturnCode).toBe('0');
    const queued = await eventually(() => signals('/queue').find((s) => s.text.includes('JobID="MIS-77"')), { what: 'SignalQueueStatus' });
    expect(queued.signal.name).toBe('SignalQueueStatus');

    const resources = await subscribe(
      'xjmf/press-3',
      'QueryResource',
      'sub-res',
      `${base}/resources`,
      ' RepeatTime="0.5"',
      '<ResourceQuParams Scope="Present"/>',
    );
    expect(resources.responses[0]!.attrs.ReturnCode).toBe('0');
    await eventually(() => (signals('/resources').length >= 2 ? true : undefined), { what: 'two SignalResource', timeoutMs: 10_000 });
    expect(signals('/resources')[0]!.signal.name).toBe('SignalResource');
  });

  it('refuses a subscriber outside xjmf.allowedSubscribers and sends it nothing', async () => {
    const answer = await subscribe('xjmf/press-1', 'QueryStatus', 'evil', 'http://169.254.169.254/latest/meta-data', ' RepeatTime="0.5"');
    validate(answer.text);
    expect(answer.responses[0]!.attrs.ReturnCode).toBe('111');
    expect(find(answer.responses[0]!, 'Comment')!.text).toMatch(/169\.254\.169\.254 is not in xjmf\.allowedSubscribers/);
    const health = await admin.get<{ xjmf: { subscriptions: number } }>('/api/health');
    expect(health.body.xjmf.subscriptions).toBe(4);
  });

  it('channels survive a restart: signals go on without subscribing again', async () => {
    await service.stop();
    const before = signals('/resources').length;
    ({ service } = await startXjmfService({ configFile: config, dataDir: service.dataDir }));
    admin = await new ApiClient(service.url).login({ username: 'admin', password: ADMIN_PASSWORD });
    await eventually(() => (signals('/resources').length >= before + 2 ? true : undefined), { what: 'signals after the restart', timeoutMs: 15_000 });
    const health = await admin.get<{ xjmf: { subscriptions: number } }>('/api/health');
    expect(health.body.xjmf.subscriptions).toBe(4);
  });

  it('QueryKnownSubscriptions lists the open channels', async () => {
    const answer = await postXjmf(`${service.url}xjmf`, envelope(message('QueryKnownSubscriptions', 'ks1')));
    validate(answer.text);
    expect(answer.responses[0]).toMatchObject({ name: 'ResponseKnownSubscriptions', attrs: { ReturnCode: '0' } });
    const infos = answer.responses[0]!.children.filter((c) => c.name === 'SubscriptionInfo');
    expect(infos.map((i) => `${i.attrs.ChannelID} ${i.attrs.MessageType} ${i.attrs.DeviceID}`).sort()).toEqual([
      'sub-alarms Notification press-1',
      'sub-queue QueueStatus Pressroom',
      'sub-res Resource press-3',
      'sub-status Status press-1',
    ]);
  });

  it('CommandStopPersistentChannel needs the token, then ends the channel', async () => {
    const stop = envelope(message('CommandStopPersistentChannel', 'stop1', '<StopPersChParams ChannelID="sub-res"/>'));
    const refused = await postXjmf(`${service.url}xjmf/press-3`, stop);
    expect(refused.responses[0]!.attrs.ReturnCode).toBe('300');
    const answer = await postXjmf(`${service.url}xjmf/press-3`, stop, { token: MIS_TOKEN });
    validate(answer.text);
    expect(answer.responses[0]!.attrs.ReturnCode).toBe('0');
    expect(find(answer.responses[0]!, 'SubscriptionInfo')!.attrs).toMatchObject({ ChannelID: 'sub-res', MessageType: 'Resource' });
    const health = await admin.get<{ xjmf: { subscriptions: number } }>('/api/health');
    expect(health.body.xjmf.subscriptions).toBe(3);
  });

  it('a subscriber that only fails is dropped after xjmf.dropSubscriberAfterMinutes, with a log line and an entry in /api/health', async () => {
    const port = await freePort();
    const answer = await subscribe('xjmf/press-2', 'QueryStatus', 'gone', `http://127.0.0.1:${port}/down`, ' RepeatTime="0.5"');
    expect(answer.responses[0]!.attrs.ReturnCode).toBe('0');
    const dropped = await eventually(
      async () => {
        const health = await admin.get<{ xjmf: { dropped: { host: string; reason: string; messageType: string }[] } }>('/api/health');
        return health.body.xjmf.dropped.find((d) => d.host === `127.0.0.1:${port}`);
      },
      { what: 'the dropped subscriber in /api/health', timeoutMs: 15_000 },
    );
    expect(dropped).toMatchObject({ messageType: 'Status' });
    expect(dropped.reason).toMatch(/answered only errors/);
    expect(service.output()).toMatch(/xjmf subscriber dropped/);
  });
});
