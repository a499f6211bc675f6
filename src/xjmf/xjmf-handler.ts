/**
 * One XJMF envelope in, one out: each message gets its Response (Header with refID, a
 * ReturnCode, a Notification when it was not a plain success), in order. Nothing here throws
 * to the route: a message that fails becomes a Response with ReturnCode 2 and the reason.
 *
 * Who may do what: queries need read access (anonymous when `access.anonymousRead`, or a
 * session, or a token); commands need a token from `xjmf.tokens` and are audited.
 */
import type { Logger } from 'pino';
import { ReturnCode } from './return-codes.js';
import type { SubmissionOptions } from './queue-submission.js';
import { stopPersistentChannels, submitQueueEntry, subscriptionInfo, type Answer, type CommandDeps } from './xjmf-commands.js';
import { subscriptionTypes, type SubscriptionType } from './subscription-repository.js';
import type { SubscriptionManager } from './subscription-manager.js';
import type { XjmfContent } from './xjmf-content.js';
import { header, knownDevice, notification } from './xjmf-elements.js';
import type { XjmfPorts } from './xjmf-ports.js';
import type { TokenBook } from './token-book.js';
import { XJDF_NAMESPACE, child, el, isNmtoken, readXjmf, writeXml, type XmlElement, type XmlOut } from './xml.js';

export interface XjmfCaller {
  /** The press addressed by the URL (/xjmf/<pressId>), or null for the controller (/xjmf). */
  pressId: string | null;
  canRead: boolean;
  /** The name of the token the request carried; null without a valid one. */
  tokenName: string | null;
  ip: string | null;
  /** This server as the caller reached it, for the devices' XJMFURL. */
  baseUrl: string | undefined;
}

export interface XjmfHandlerOptions {
  ports: XjmfPorts;
  content: XjmfContent;
  subscriptions: SubscriptionManager;
  controllerId: string;
  submission: SubmissionOptions;
  tokens: TokenBook;
  now: () => number;
  newId: () => string;
  logger: Logger;
}

/** Response element names the schema has; another message is answered with ResponseNotification. */
const schemaResponses = new Set([
  'ModifyQueueEntry',
  'ForceGang',
  'GangStatus',
  'KnownDevices',
  'KnownMessages',
  'KnownSubscriptions',
  'Notification',
  'PipeControl',
  'QueueStatus',
  'RequestQueueEntry',
  'Resource',
  'ResubmitQueueEntry',
  'ReturnQueueEntry',
  'ShutDown',
  'Status',
  'StopPersistentChannel',
  'SubmitQueueEntry',
  'WakeUp',
]);

const families = ['Query', 'Command', 'Signal', 'Response'] as const;

export class XjmfHandler {
  private readonly commandDeps: CommandDeps;

  constructor(private readonly o: XjmfHandlerOptions) {
    this.commandDeps = { ports: o.ports, subscriptions: o.subscriptions, submission: o.submission, deviceIdFor: (pressId) => this.deviceIdFor(pressId) };
  }

  deviceIdFor(pressId: string | null): string {
    return pressId ?? this.o.controllerId;
  }

  /** The answer to a body that is not a usable XJMF envelope: one ResponseNotification. */
  refusal(pressId: string | null, code: number, text: string): string {
    return this.envelope(pressId, [this.response('Notification', undefined, pressId, { code, note: { severity: 'Error', text } })]);
  }

  async handle(body: string, from: XjmfCaller): Promise<string> {
    const parsed = readXjmf(body);
    if ('error' in parsed) return this.refusal(from.pressId, ReturnCode.xmlParserError, parsed.error.message);
    const caller = this.withHeaderToken(from, child(parsed.root, 'Header'));
    const messages = parsed.root.children.filter((c) => c.name !== 'Header');
    if (messages.length === 0) return this.refusal(caller.pressId, ReturnCode.insufficientParameters, 'the XJMF envelope holds no message');
    const responses: XmlOut[] = [];
    for (const message of messages.slice(0, 100)) {
      const family = families.find((f) => message.name.startsWith(f));
      const type = family ? message.name.slice(family.length) : message.name;
      const refId = child(message, 'Header')?.attrs.ID;
      let answer: Answer;
      try {
        answer = await this.answer(family, type, message, caller);
      } catch (error) {
        this.o.logger.error({ err: error, message: message.name }, 'xjmf message failed');
        answer = {
          code: ReturnCode.internalError,
          note: { severity: 'Error', text: `internal error: ${error instanceof Error ? error.message : String(error)}` },
        };
      }
      responses.push(this.response(schemaResponses.has(type) ? type : 'Notification', refId, caller.pressId, answer));
    }
    if (messages.length > 100) {
      responses.push(
        this.response('Notification', undefined, caller.pressId, {
          code: ReturnCode.invalidParameters,
          note: { severity: 'Warning', text: `only the first 100 of ${messages.length} messages were answered` },
        }),
      );
    }
    return this.envelope(caller.pressId, responses);
  }

  /** A token given in the envelope's Header (AgentName + an extension attribute `…:Token`) counts like a bearer token. */
  private withHeaderToken(caller: XjmfCaller, rootHeader: XmlElement | undefined): XjmfCaller {
    if (caller.tokenName !== null || !rootHeader) return caller;
    const tokenAttr = Object.keys(rootHeader.attrs).find((name) => /^[^:]+:Token$/.test(name) && !name.startsWith('xmlns'));
    const name = this.o.tokens.fromHeader(rootHeader.attrs.AgentName, tokenAttr === undefined ? undefined : rootHeader.attrs[tokenAttr]);
    return name === null ? caller : { ...caller, tokenName: name, canRead: true };
  }

  private async answer(family: (typeof families)[number] | undefined, type: string, message: XmlElement, caller: XjmfCaller): Promise<Answer> {
    if (family === 'Signal' || family === 'Response') {
      return notImplemented(`Pressroom is a device: it sends ${family}${type} but does not take it`);
    }
    if (family === undefined) return notImplemented(`${message.name} is not an XJMF message`);
    if (caller.pressId !== null && !this.o.ports.presses.get(caller.pressId)) {
      return {
        code: ReturnCode.deviceNotAvailable,
        note: { severity: 'Error', text: `no press "${caller.pressId}" here; QueryKnownDevices at /xjmf lists them` },
      };
    }
    if (family === 'Command') {
      if (caller.tokenName === null) {
        return {
          code: ReturnCode.authenticationDenied,
          note: { severity: 'Error', text: 'commands need an API token from xjmf.tokens (Authorization: Bearer <token>)' },
        };
      }
      if (type === 'SubmitQueueEntry') return submitQueueEntry(message, caller, this.commandDeps);
      if (type === 'StopPersistentChannel') return stopPersistentChannels(message, caller, this.commandDeps);
      return notImplemented(`Command${type} is not supported; Pressroom takes CommandSubmitQueueEntry and CommandStopPersistentChannel`);
    }
    if (!caller.canRead) {
      return { code: ReturnCode.authenticationDenied, note: { severity: 'Error', text: 'reading needs a session or an API token (anonymous read is off)' } };
    }
    const answer = this.query(type, caller);
    const subscription = child(message, 'Subscription');
    if (!subscription || answer.code !== ReturnCode.success) return answer;
    return this.subscribe(type, message, subscription, caller, answer);
  }

  private query(type: string, caller: XjmfCaller): Answer {
    const { content, ports } = this.o;
    switch (type) {
      case 'KnownDevices': {
        const devices = caller.pressId === null ? ports.devices : ports.devices.filter((d) => d.id === caller.pressId);
        const base = caller.baseUrl?.replace(/\/$/, '');
        return { code: ReturnCode.success, content: devices.map((d) => knownDevice(d, base && `${base}/xjmf/${encodeURIComponent(d.id)}`)) };
      }
      case 'Status':
        return { code: ReturnCode.success, content: [content.deviceInfo(caller.pressId)] };
      case 'Resource':
        return { code: ReturnCode.success, content: content.resourceInfos(caller.pressId) };
      case 'QueueStatus':
        return { code: ReturnCode.success, content: [content.queue(caller.pressId)] };
      case 'Notification':
        // alarms and supplies are pushed as they happen (subscribe); there is no backlog to read
        return { code: ReturnCode.success };
      case 'KnownSubscriptions':
        return {
          code: ReturnCode.success,
          content: this.o.subscriptions
            .list()
            .filter((s) => caller.pressId === null || s.pressId === caller.pressId)
            .map((s) => subscriptionInfo(s, this.deviceIdFor(s.pressId))),
        };
      default:
        return notImplemented(
          `Query${type} is not supported; Pressroom answers QueryKnownDevices, QueryStatus, QueryResource, QueryQueueStatus, QueryNotification, QueryKnownSubscriptions`,
        );
    }
  }

  private subscribe(type: string, message: XmlElement, subscription: XmlElement, caller: XjmfCaller, answer: Answer): Answer {
    if (!subscriptionTypes.includes(type as SubscriptionType)) {
      return { ...answer, code: ReturnCode.subscriptionDenied, note: { severity: 'Warning', text: `Query${type} cannot be subscribed to` } };
    }
    const url = subscription.attrs.URL;
    if (!url) return { ...answer, code: ReturnCode.insufficientParameters, note: { severity: 'Error', text: 'Subscription needs a URL' } };
    const repeat = subscription.attrs.RepeatTime === undefined ? undefined : Number(subscription.attrs.RepeatTime);
    if (repeat !== undefined && !(Number.isFinite(repeat) && repeat >= 0)) {
      return {
        ...answer,
        code: ReturnCode.invalidParameters,
        note: { severity: 'Error', text: `RepeatTime "${subscription.attrs.RepeatTime}" is not a number of seconds` },
      };
    }
    const header = child(message, 'Header');
    const refId = header?.attrs.ID;
    const result = this.o.subscriptions.subscribe({
      pressId: caller.pressId,
      messageType: type as SubscriptionType,
      url,
      repeatSeconds: repeat,
      channelMode: subscription.attrs.ChannelMode,
      refId: refId !== undefined && isNmtoken(refId) ? refId : undefined,
      subscriber: header?.attrs.DeviceID,
    });
    if (!result.ok) return { code: ReturnCode.subscriptionDenied, note: { severity: 'Error', text: result.reason } };
    return answer;
  }

  private response(type: string, refId: string | undefined, pressId: string | null, answer: Answer): XmlOut {
    return el(`Response${type}`, { ReturnCode: answer.code }, [
      header({ deviceId: this.deviceIdFor(pressId), id: this.o.newId(), at: this.o.now(), refId: refId !== undefined && isNmtoken(refId) ? refId : undefined }),
      answer.note ? notification({ severity: answer.note.severity, text: answer.note.text }) : undefined,
      ...(answer.content ?? []),
    ]);
  }

  private envelope(pressId: string | null, responses: XmlOut[]): string {
    return writeXml(
      el('XJMF', { xmlns: XJDF_NAMESPACE, Version: '2.1' }, [
        header({ deviceId: this.deviceIdFor(pressId), id: this.o.newId(), at: this.o.now(), agent: true }),
        ...responses,
      ]),
    );
  }
}

function notImplemented(text: string): Answer {
  return { code: ReturnCode.notImplemented, note: { severity: 'Warning', text } };
}
