/**
 * What a CommandSubmitQueueEntry asks for, read from the MIS's XJDF or from inline parameters:
 * - inline: attributes of another namespace on QueueSubmissionParams (`pr:JobID`, `pr:Amount`,
 *   `pr:DeviceID`, `pr:DescriptiveName`, `pr:Customer`; any prefix), the schema's own way to
 *   carry extensions. With a JobID inline the URL is not read.
 * - the XJDF at QueueSubmissionParams/@URL: a `data:` URL, or an http(s) URL on a host in
 *   `xjmf.allowedSubscribers` (fetched with a time and size limit, never redirected). Read from
 *   it: @JobID, @DescriptiveName, the planned amount (the output Component's PartAmount/@Amount,
 *   else the first Product/@Amount) and the press (a Device resource's @DeviceID).
 */
import type { SubscriberCheck } from './allow-list.js';
import type { XjmfJobInput } from './xjmf-ports.js';
import { ReturnCode } from './return-codes.js';
import { child, readCip4, type XmlElement } from './xml.js';

export type Submission = { ok: true; input: XjmfJobInput; source: 'inline' | 'xjdf' } | { ok: false; code: number; message: string };

export interface SubmissionOptions {
  check: SubscriberCheck;
  fetch: typeof globalThis.fetch;
  maxBytes: number;
  timeoutMs: number;
}

export async function readSubmission(command: XmlElement, options: SubmissionOptions): Promise<Submission> {
  const params = child(command, 'QueueSubmissionParams');
  if (!params) return { ok: false, code: ReturnCode.insufficientParameters, message: 'CommandSubmitQueueEntry needs a QueueSubmissionParams element' };
  const inline = foreign(params);
  if (inline.JobID)
    return withAmount({ jobId: inline.JobID, pressId: inline.DeviceID, name: inline.DescriptiveName, customer: inline.Customer }, inline.Amount, 'inline');
  const url = params.attrs.URL;
  if (!url) return { ok: false, code: ReturnCode.insufficientParameters, message: 'QueueSubmissionParams has no URL and no inline JobID' };
  const text = await loadXjdf(url, options);
  if (typeof text !== 'string') return text;
  const parsed = readCip4(text, 'XJDF');
  if ('error' in parsed) return { ok: false, code: ReturnCode.xmlParserError, message: `the XJDF at QueueSubmissionParams/@URL: ${parsed.error.message}` };
  const xjdf = parsed.root;
  const jobId = xjdf.attrs.JobID;
  if (!jobId) return { ok: false, code: ReturnCode.insufficientParameters, message: 'the XJDF has no JobID' };
  return withAmount({ jobId, name: xjdf.attrs.DescriptiveName, pressId: devicePress(xjdf) }, plannedAmount(xjdf), 'xjdf');
}

function withAmount(input: XjmfJobInput, amount: string | undefined, source: 'inline' | 'xjdf'): Submission {
  if (amount === undefined) return { ok: true, input, source };
  const planned = Number(amount);
  if (!Number.isFinite(planned) || planned < 1 || planned > 100_000_000) {
    return {
      ok: false,
      code: ReturnCode.invalidParameters,
      message: `the planned amount "${amount.slice(0, 40)}" is not a number of sheets (1 to 100,000,000)`,
    };
  }
  return { ok: true, input: { ...input, plannedGood: Math.round(planned) }, source };
}

/** Attributes of another namespace, by local name (`pr:JobID` → JobID). */
function foreign(element: XmlElement): Record<string, string | undefined> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(element.attrs)) {
    const colon = name.indexOf(':');
    if (colon > 0 && !name.startsWith('xmlns')) result[name.slice(colon + 1)] = value;
  }
  return result;
}

function* descendants(element: XmlElement): Generator<XmlElement> {
  for (const c of element.children) {
    yield c;
    yield* descendants(c);
  }
}

function plannedAmount(xjdf: XmlElement): string | undefined {
  for (const set of xjdf.children.filter((c) => c.name === 'ResourceSet' && c.attrs.Name === 'Component' && c.attrs.Usage === 'Output')) {
    for (const e of descendants(set)) if (e.name === 'PartAmount' && e.attrs.Amount !== undefined) return e.attrs.Amount;
  }
  for (const e of descendants(xjdf)) if (e.name === 'Product' && e.attrs.Amount !== undefined) return e.attrs.Amount;
  return undefined;
}

function devicePress(xjdf: XmlElement): string | undefined {
  for (const set of xjdf.children.filter((c) => c.name === 'ResourceSet' && c.attrs.Name === 'Device')) {
    for (const e of descendants(set)) if (e.name === 'Device' && e.attrs.DeviceID) return e.attrs.DeviceID;
  }
  return undefined;
}

async function loadXjdf(url: string, options: SubmissionOptions): Promise<string | { ok: false; code: number; message: string }> {
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    if (comma < 0) return { ok: false, code: ReturnCode.invalidParameters, message: 'the data: URL has no comma' };
    const meta = url.slice(5, comma);
    const payload = url.slice(comma + 1);
    try {
      const bytes = meta.endsWith(';base64') ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'utf8');
      if (bytes.length > options.maxBytes) return { ok: false, code: ReturnCode.invalidParameters, message: `the XJDF is over ${options.maxBytes} bytes` };
      return bytes.toString('utf8');
    } catch {
      return { ok: false, code: ReturnCode.invalidParameters, message: 'the data: URL is not decodable' };
    }
  }
  const checked = options.check(url);
  if (!checked.ok) {
    return {
      ok: false,
      code: ReturnCode.invalidParameters,
      message: `the XJDF at ${url.slice(0, 200)} was not fetched (${checked.reason}); send it as a data: URL or give the job inline (pr:JobID, pr:Amount, pr:DeviceID)`,
    };
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const response = await options.fetch(checked.url, { redirect: 'manual', signal: controller.signal });
    if (response.status !== 200) return { ok: false, code: ReturnCode.invalidParameters, message: `fetching the XJDF answered HTTP ${response.status}` };
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > options.maxBytes) return { ok: false, code: ReturnCode.invalidParameters, message: `the XJDF is over ${options.maxBytes} bytes` };
    const text = await response.text();
    if (Buffer.byteLength(text) > options.maxBytes)
      return { ok: false, code: ReturnCode.invalidParameters, message: `the XJDF is over ${options.maxBytes} bytes` };
    return text;
  } catch (error) {
    return {
      ok: false,
      code: ReturnCode.invalidParameters,
      message: `the XJDF could not be fetched: ${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    clearTimeout(timer);
  }
}
