/**
 * The simulated MIS's XJMF: envelopes it sends (queries with subscriptions, a queue entry,
 * stopping its channels) and one-line summaries of what comes back. Independent of the
 * service's own XJMF code on purpose: it is a peer, parsing with fast-xml-parser as any
 * other client could (entities off, a DOCTYPE refused).
 */
import { XMLParser } from 'fast-xml-parser';

export const NS = 'http://www.CIP4.org/JDFSchema_2_0';
export const XJMF_TYPE = 'application/vnd.cip4-xjmf+xml';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  processEntities: false,
  isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
});

/** An element: attributes and child arrays by name (fast-xml-parser's shape with isArray). */
export type Node = Record<string, unknown>;

export function parseXjmf(text: string): Node | undefined {
  if (/<!DOCTYPE/i.test(text)) return undefined;
  try {
    const doc = parser.parse(text) as Node;
    return (doc.XJMF as Node[] | undefined)?.[0];
  } catch {
    return undefined;
  }
}

export function children(node: Node | undefined, name: string): Node[] {
  return (node?.[name] as Node[] | undefined) ?? [];
}

export function first(node: Node | undefined, name: string): Node | undefined {
  return children(node, name)[0];
}

/** The text of an element (a leaf comes back as a plain string). */
export function textOf(node: unknown): string {
  if (typeof node === 'string') return node.trim();
  const text = (node as Node | undefined)?.['#text'];
  return typeof text === 'string' ? text.trim() : '';
}

export function attr(node: Node | undefined, name: string): string | undefined {
  const value = node?.[name];
  return typeof value === 'string' ? value : undefined;
}

let counter = 0;
const id = (kind: string) => `mis_${kind}_${++counter}`;
const now = () => new Date().toISOString();
const escape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

export function envelope(messages: string[], extraNs = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<XJMF xmlns="${NS}"${extraNs}>\n  <Header DeviceID="SimMIS" ID="${id('env')}" Time="${now()}"/>\n${messages.join('\n')}\n</XJMF>\n`;
}

export function query(type: string, subscription?: { url: string; repeatSeconds?: number }, inner = ''): string {
  const sub = subscription
    ? `<Subscription URL="${escape(subscription.url)}"${subscription.repeatSeconds ? ` RepeatTime="${subscription.repeatSeconds}"` : ''}/>`
    : '';
  return `  <Query${type}><Header DeviceID="SimMIS" ID="${id(type)}" Time="${now()}"/>${sub}${inner}</Query${type}>`;
}

export function submitJob(job: { jobId: string; amount: number; name: string }): string {
  return `  <CommandSubmitQueueEntry><Header DeviceID="SimMIS" ID="${id('submit')}" Time="${now()}"/><QueueSubmissionParams URL="cid:${escape(job.jobId)}.xjdf" pr:JobID="${escape(job.jobId)}" pr:Amount="${job.amount}" pr:DescriptiveName="${escape(job.name)}"/></CommandSubmitQueueEntry>`;
}

export function stopChannels(url: string): string {
  return `  <CommandStopPersistentChannel><Header DeviceID="SimMIS" ID="${id('stop')}" Time="${now()}"/><StopPersChParams URL="${escape(url)}"/></CommandStopPersistentChannel>`;
}

/** `Response… rc=N: comment` for each response of an answer. */
export function summarizeResponses(root: Node | undefined): string[] {
  if (!root) return ['(not an XJMF answer)'];
  return Object.keys(root)
    .filter((name) => name.startsWith('Response'))
    .flatMap((name) =>
      children(root, name).map((response) => {
        const text = textOf(first(first(response, 'Notification'), 'Comment'));
        return `${name} rc=${attr(response, 'ReturnCode') ?? '?'}${text ? `: ${text}` : ''}`;
      }),
    );
}

/** One line per signal: what the MIS learned. */
export function summarizeSignal(root: Node | undefined): string {
  if (!root) return '(not XJMF)';
  const device = attr(first(root, 'Header'), 'DeviceID') ?? '?';
  const name = Object.keys(root).find((k) => k.startsWith('Signal')) ?? '?';
  const signal = first(root, name);
  switch (name) {
    case 'SignalStatus': {
      const info = first(signal, 'DeviceInfo');
      const phase = first(info, 'JobPhase');
      const modules = children(info, 'ModuleInfo').map((m) => `${attr(m, 'ModuleID')}=${attr(m, 'ModuleStatus')}`);
      return [
        `${device} ${name}: ${attr(info, 'Status')}${attr(info, 'StatusDetails') ? ` (${attr(info, 'StatusDetails')})` : ''}`,
        attr(info, 'Speed') ? `${attr(info, 'Speed')} sheets/h` : '',
        attr(info, 'TotalProductionCounter') ? `total ${attr(info, 'TotalProductionCounter')}` : '',
        phase
          ? `job ${attr(phase, 'JobID')} ${attr(phase, 'Status')} good ${attr(phase, 'Amount')} waste ${attr(phase, 'Waste')} ${attr(phase, 'PercentCompleted') ?? '?'}%`
          : '',
        modules.join(' '),
      ]
        .filter(Boolean)
        .join(', ');
    }
    case 'SignalResource': {
      const levels = children(signal, 'ResourceInfo').map((info) => {
        const set = first(info, 'ResourceSet');
        const resource = first(set, 'Resource');
        const part = first(resource, 'Part');
        const amount = attr(first(first(resource, 'AmountPool'), 'PartAmount'), 'Amount');
        return `${attr(part, 'Separation') ?? attr(set, 'Name')}=${amount ?? '?'}%`;
      });
      return `${device} ${name}: ${levels.join(' ')}`;
    }
    case 'SignalNotification': {
      const notification = first(signal, 'Notification');
      return `${device} ${name} [${attr(notification, 'Class')}]: ${textOf(first(notification, 'Comment'))}`;
    }
    case 'SignalQueueStatus': {
      const entries = children(first(signal, 'Queue'), 'QueueEntry').map((e) => `${attr(e, 'JobID')}:${attr(e, 'Status')}`);
      return `${device} ${name}: ${entries.join(' ') || '(empty)'}`;
    }
    default:
      return `${device} ${name}`;
  }
}
