/**
 * The MIS endpoint facing an untrusted network: with anonymous read off, reads need a session
 * or a token and commands a token; XXE and billion-laughs bodies, wrong content types, bodies
 * over the limit and garbage all get an XJMF answer with a ReturnCode, quickly, never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, removeTestConfig } from '../e2e/e2e-kit.js';
import { ADMIN_PASSWORD, type ServiceProcess } from '../helpers/service-process.js';
import { mulberry32 } from '../fuzz/prng.js';
import { envelope, find, message, MIS_TOKEN, NS, postXjmf, startXjmfService, validate } from './xjmf-kit.js';

let service: ServiceProcess;
let config: string;
beforeAll(async () => {
  ({ service, config } = await startXjmfService({ anonymousRead: false, xjmf: { maxBodyKb: 64 } }));
}, 60_000);
afterAll(async () => {
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

const url = () => `${service.url}xjmf/press-1`;
const comment = (answer: Awaited<ReturnType<typeof postXjmf>>) => find(answer.responses[0]!, 'Comment')?.text ?? '';

describe('XJMF access', () => {
  it('with anonymous read off, a status read needs a token or a session', async () => {
    const query = envelope(message('QueryStatus', 's1'));
    const anonymous = await postXjmf(url(), query);
    validate(anonymous.text);
    expect(anonymous.responses[0]!.attrs.ReturnCode).toBe('300');
    expect(find(anonymous.responses[0]!, 'DeviceInfo')).toBeUndefined();

    const withToken = await postXjmf(url(), query, { token: MIS_TOKEN });
    expect(withToken.responses[0]!.attrs.ReturnCode).toBe('0');
    const admin = await new ApiClient(service.url).login({ username: 'admin', password: ADMIN_PASSWORD });
    const withSession = await postXjmf(url(), query, { cookie: admin.cookie! });
    expect(withSession.responses[0]!.attrs.ReturnCode).toBe('0');
  });

  it('a command with no token or a wrong one is refused (ReturnCode 300) and queues nothing', async () => {
    const submit = envelope(
      message('CommandSubmitQueueEntry', 'c1', '<QueueSubmissionParams URL="cid:x" pr:JobID="NOPE-1" pr:Amount="10"/>'),
      ' xmlns:pr="urn:pressroom"',
    );
    for (const token of [undefined, 'wrong-token-0123456789abcdef', `${MIS_TOKEN}x`]) {
      const answer = await postXjmf(url(), submit, token ? { token } : {});
      validate(answer.text);
      expect(answer.responses[0]!.attrs.ReturnCode).toBe('300');
    }
    const admin = await new ApiClient(service.url).login({ username: 'admin', password: ADMIN_PASSWORD });
    const jobs = await admin.get<{ jobs: { jobId: string }[] }>('/api/jobs');
    expect(jobs.body.jobs.map((j) => j.jobId)).not.toContain('NOPE-1');
  });
});

describe('the token in the XJMF Header', () => {
  const withHeaderToken = (agent: string, token: string, jobId: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<XJMF xmlns="${NS}" xmlns:pr="urn:pressroom"><Header AgentName="${agent}" DeviceID="TestMIS" ID="env" Time="2026-12-06T10:00:00Z" pr:Token="${token}"/>${message(
      'CommandSubmitQueueEntry',
      'h1',
      `<QueueSubmissionParams URL="cid:x" pr:JobID="${jobId}" pr:Amount="10"/>`,
    )}</XJMF>`;

  it('AgentName plus the token as an extension attribute counts like the bearer header', async () => {
    const body = withHeaderToken('test-mis', MIS_TOKEN, 'HDR-1');
    validate(body);
    const answer = await postXjmf(url(), body);
    validate(answer.text);
    expect(answer.responses[0]!.attrs.ReturnCode).toBe('0');
  });

  it('the token under another AgentName, or a wrong token, is refused', async () => {
    for (const [agent, token] of [
      ['someone-else', MIS_TOKEN],
      ['test-mis', 'wrong-token-0123456789abcdef'],
    ] as const) {
      const answer = await postXjmf(url(), withHeaderToken(agent, token, 'HDR-2'));
      expect(answer.responses[0]!.attrs.ReturnCode).toBe('300');
    }
  });
});

describe('hostile and broken bodies', () => {
  it('an external entity (XXE) is refused, not resolved', async () => {
    const body = `<?xml version="1.0"?>\n<!DOCTYPE XJMF [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<XJMF xmlns="${NS}"><Header DeviceID="m" ID="e" Time="2026-01-01T00:00:00Z"/><QueryStatus><Header DeviceID="&xxe;" ID="q" Time="2026-01-01T00:00:00Z"/></QueryStatus></XJMF>`;
    const answer = await postXjmf(url(), body, { token: MIS_TOKEN });
    validate(answer.text);
    expect(answer.status).toBe(200);
    expect(answer.responses[0]).toMatchObject({ name: 'ResponseNotification', attrs: { ReturnCode: '3' } });
    expect(comment(answer)).toMatch(/DOCTYPE/);
    expect(answer.text).not.toMatch(/root:/);
  });

  it('billion laughs gets a Notification at once, and the service keeps answering', async () => {
    const levels = Array.from({ length: 10 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const body = `<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">${levels}]>\n<XJMF xmlns="${NS}"><Header DeviceID="&lol10;" ID="e" Time="2026-01-01T00:00:00Z"/></XJMF>`;
    const started = performance.now();
    const answer = await postXjmf(url(), body, { token: MIS_TOKEN });
    expect(performance.now() - started).toBeLessThan(2000);
    validate(answer.text);
    expect(answer.responses[0]!.attrs.ReturnCode).toBe('3');
    const health = await fetch(`${service.url}api/health`);
    expect(health.status).toBe(200);
  });

  it('an undeclared entity reference stays text: nothing is expanded', async () => {
    const body = envelope(message('QueryStatus', 'q&amp;1&unknown;'));
    const answer = await postXjmf(url(), body, { token: MIS_TOKEN });
    validate(answer.text);
    expect(answer.responses[0]!.attrs.ReturnCode).toBe('0');
  });

  it('wrong content type (415), a body over the limit (413), malformed XML and garbage all answer XJMF with a ReturnCode', async () => {
    const json = await postXjmf(url(), '{"query":"status"}', { contentType: 'application/json' });
    expect(json.status).toBe(415);
    validate(json.text);
    expect(json.responses[0]!.attrs.ReturnCode).toBe('3');

    const large = await postXjmf(url(), envelope(`<!--${'x'.repeat(70 * 1024)}-->${message('QueryStatus', 'big')}`), { token: MIS_TOKEN });
    expect(large.status).toBe(413);
    validate(large.text);

    for (const broken of [
      '<XJMF xmlns="x"><unclosed>',
      '\u0000\u0001binary\uFFFD',
      '',
      `<XJMF xmlns="${NS}"><Header DeviceID="a" Time="x"/></XJMF>`,
      '<JDF/>',
    ]) {
      const answer = await postXjmf(url(), broken, { contentType: 'text/xml', token: MIS_TOKEN });
      expect(answer.status, JSON.stringify(broken)).toBeLessThan(500);
      validate(answer.text);
      expect(Number(answer.responses[0]!.attrs.ReturnCode), JSON.stringify(broken)).toBeGreaterThan(0);
    }
  });

  it('300 seeded mutations of a valid envelope: each answered with XJMF below 500, and the service stays healthy', async () => {
    const prng = mulberry32(12_012);
    const random = () => prng.next();
    const pick = <T>(items: readonly T[]) => prng.pick(items);
    const valid = envelope(
      message('QueryStatus', 'f1') +
        message('QueryResource', 'f2', '<ResourceQuParams Scope="Present"/>') +
        message('CommandSubmitQueueEntry', 'f3', '<QueueSubmissionParams URL="cid:x" pr:JobID="FUZZ-1" pr:Amount="10"/>') +
        message('QueryStatus', 'f4', '<Subscription URL="http://127.0.0.1:9/x" RepeatTime="1"/>'),
      ' xmlns:pr="urn:pressroom"',
    );
    const noise = [
      '<',
      '>',
      '&',
      '"',
      "'",
      '&amp;',
      '&#0;',
      '&#x110000;',
      ']]>',
      '<![CDATA[',
      '<!--',
      '\u0000',
      '\uFFFF',
      'é',
      '\uD800',
      ':',
      'xmlns:a="b"',
      ' '.repeat(1000),
    ];
    const mutate = (text: string): string => {
      const at = Math.floor(random() * text.length);
      switch (Math.floor(random() * 5)) {
        case 0:
          return text.slice(0, at); // truncated
        case 1:
          return text.slice(0, at) + pick(noise) + text.slice(at); // inserted
        case 2:
          return text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 20)); // cut
        case 3:
          return text.replace(
            /RepeatTime="1"|Amount="10"|Scope="Present"/,
            pick(['RepeatTime="-1"', 'RepeatTime="1e308"', 'Amount="NaN"', 'Amount="1e400"', 'Scope="Nope"', 'Amount="0"']),
          );
        default:
          return text.replace(
            /<(\/?)(QueryStatus|QueryResource|Header)/,
            (_m, slash: string) => `<${slash}${pick(['CommandShutDown', 'SignalStatus', 'X', 'Query', 'Response'])}`,
          );
      }
    };
    let answered = 0;
    for (let i = 0; i < 300; i++) {
      const body = mutate(mutate(valid));
      const res = await fetch(url(), { method: 'POST', headers: { 'content-type': 'text/xml', authorization: `Bearer ${MIS_TOKEN}` }, body });
      const text = await res.text();
      expect(res.status, `case ${i}: ${JSON.stringify(body.slice(0, 300))}`).toBeLessThan(500);
      expect(text, `case ${i}`).toContain('<XJMF xmlns="http://www.CIP4.org/JDFSchema_2_0"');
      if (i % 25 === 0) validate(text);
      answered++;
    }
    expect(answered).toBe(300);
    const health = await fetch(`${service.url}api/health`);
    expect(health.status).toBe(200);
  });
});
