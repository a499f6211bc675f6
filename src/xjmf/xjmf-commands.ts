/**
 * The two commands Pressroom takes, both with a token and both audited as `xjmf:<token name>`:
 * CommandSubmitQueueEntry (a job into the production queue) and CommandStopPersistentChannel.
 */
import { readSubmission, type SubmissionOptions } from './queue-submission.js';
import { ReturnCode } from './return-codes.js';
import type { Subscription } from './subscription-repository.js';
import type { SubscriptionManager } from './subscription-manager.js';
import { queueEntry } from './xjmf-elements.js';
import type { XjmfCaller } from './xjmf-handler.js';
import type { XjmfPorts } from './xjmf-ports.js';
import { child, el, type XmlElement, type XmlOut } from './xml.js';

/** What one message's Response says: its ReturnCode, a Notification, its content. */
export interface Answer {
  code: number;
  note?: { severity: 'Information' | 'Warning' | 'Error'; text: string };
  content?: (XmlOut | undefined)[];
}

export interface CommandDeps {
  ports: XjmfPorts;
  subscriptions: SubscriptionManager;
  submission: SubmissionOptions;
  deviceIdFor(pressId: string | null): string;
}

export async function submitQueueEntry(message: XmlElement, caller: XjmfCaller, deps: CommandDeps): Promise<Answer> {
  const submission = await readSubmission(message, deps.submission);
  if (!submission.ok) return { code: submission.code, note: { severity: 'Error', text: submission.message } };
  const input = { ...submission.input, pressId: caller.pressId ?? submission.input.pressId };
  const by = { tokenName: caller.tokenName!, ip: caller.ip };
  let result: ReturnType<XjmfPorts['jobs']['submit']>;
  try {
    result = deps.ports.jobs.submit(input, by);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return { code: ReturnCode.invalidParameters, note: { severity: 'Error', text: `job not queued: ${text}` } };
  }
  deps.ports.audit.record({
    userId: null,
    username: `xjmf:${by.tokenName}`,
    ip: by.ip,
    action: 'xjmf.submit-queue-entry',
    target: `job:${result.job.id}`,
    details: {
      jobId: input.jobId,
      pressId: input.pressId ?? null,
      plannedGood: input.plannedGood ?? null,
      source: submission.source,
      created: result.created,
    },
  });
  return {
    code: ReturnCode.success,
    ...(result.created ? {} : { note: { severity: 'Information' as const, text: `job ${input.jobId} was queued already; nothing changed` } }),
    content: [queueEntry(result.job)],
  };
}

export function stopPersistentChannels(message: XmlElement, caller: XjmfCaller, deps: CommandDeps): Answer {
  const params = child(message, 'StopPersChParams');
  if (!params) return { code: ReturnCode.insufficientParameters, note: { severity: 'Error', text: 'CommandStopPersistentChannel needs StopPersChParams' } };
  const { ChannelID, URL, MessageType } = params.attrs;
  if (ChannelID === undefined && URL === undefined) {
    return { code: ReturnCode.insufficientParameters, note: { severity: 'Error', text: 'StopPersChParams needs a ChannelID or a URL' } };
  }
  const stopped = deps.subscriptions.stopChannels({ channelId: ChannelID, url: URL, messageType: MessageType });
  deps.ports.audit.record({
    userId: null,
    username: `xjmf:${caller.tokenName}`,
    ip: caller.ip,
    action: 'xjmf.stop-persistent-channel',
    target: ChannelID === undefined ? null : `xjmf-channel:${ChannelID}`,
    details: { channelId: ChannelID ?? null, messageType: MessageType ?? null, stopped: stopped.map((s) => s.channelId) },
  });
  return {
    code: ReturnCode.success,
    ...(stopped.length === 0 ? { note: { severity: 'Warning' as const, text: 'no open channel matched' } } : {}),
    content: stopped.map((s) => subscriptionInfo(s, deps.deviceIdFor(s.pressId))),
  };
}

export function subscriptionInfo(s: Subscription, deviceId: string): XmlOut {
  return el('SubscriptionInfo', { ChannelID: s.refId ?? s.channelId, DeviceID: deviceId, MessageType: s.messageType }, [
    el('Subscription', { ChannelMode: s.channelMode ?? undefined, RepeatTime: s.repeatMs === null ? undefined : s.repeatMs / 1000, URL: s.url }),
  ]);
}
