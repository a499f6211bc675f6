/**
 * Keeps one transport connected: opens it, and after any failure or drop opens it again
 * with exponential backoff and jitter, forever, until stopped. It reports every change as
 * a typed event; it never throws and never emits an unhandled error.
 *
 * Logging follows the rule "first failure loud, repeats quiet": the first failed connect
 * after a good period is a warning, the following ones are debug, until the link is back.
 */
import type { Logger } from 'pino';
import type { LinkDown, Transport } from '../transport/transport.js';
import { type TypedEmitter } from '../typed-emitter.js';
import type { Backoff } from './backoff.js';
import type { BusEvents, DisconnectReason } from './bus-options.js';

export interface LinkSupervisorOptions {
  transport: Transport;
  backoff: Backoff;
  logger: Logger;
  events: TypedEmitter<BusEvents>;
  /** Called on every link loss, before the `disconnected` event: fail what is pending. */
  onLinkDown(reason: DisconnectReason, error: Error | undefined): void;
}

export class LinkSupervisor {
  private running = false;
  private isConnected = false;
  private everConnected = false;
  private failing = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private opening: Promise<void> | undefined;
  reconnects = 0;

  constructor(private readonly options: LinkSupervisorOptions) {
    options.transport.events.on('close', (down) => this.onClose(down));
  }

  get connected(): boolean {
    return this.isConnected;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  /**
   * Take the link down on purpose (half-open, lost framing). Pending requests fail at once,
   * before the transport has finished closing; it reconnects after the backoff.
   */
  drop(reason: DisconnectReason): void {
    if (!this.isConnected) return;
    this.markDown(reason, undefined);
    this.options.transport.close().then(
      () => this.running && this.scheduleReconnect(),
      (error: unknown) => {
        this.options.logger.error({ err: error }, 'closing the transport failed');
        if (this.running) this.scheduleReconnect();
      },
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    if (this.isConnected) this.markDown('stopped', undefined);
    // Closing also cancels a TCP connect in progress; a serial open is waited for, then closed.
    await this.options.transport.close();
    if (this.opening) await this.opening;
    await this.options.transport.close();
  }

  private connect(): void {
    this.reconnectTimer = undefined;
    if (!this.running) return;
    const { transport, logger } = this.options;
    this.opening = transport.open().then(
      () => {
        this.opening = undefined;
        if (!this.running) return; // stop() closes it
        this.options.backoff.reset();
        this.isConnected = true;
        this.failing = false;
        if (this.everConnected) this.reconnects++;
        this.everConnected = true;
        logger.info({ link: transport.description }, 'link up');
        this.options.events.emit('connected');
      },
      (error: Error) => {
        this.opening = undefined;
        if (!this.running) return;
        const retryInMs = this.scheduleReconnect();
        const log = { link: transport.description, err: error, retryInMs };
        if (this.failing) logger.debug(log, 'connect failed again');
        else logger.warn(log, 'connect failed; retrying in the background');
        this.failing = true;
        this.options.events.emit('connectFailed', { error, retryInMs });
      },
    );
  }

  private onClose(down: LinkDown): void {
    if (!this.isConnected) return; // already reported by drop() or stop()
    this.markDown(down.reason === 'remote' ? 'remote-closed' : down.reason === 'error' ? 'link-error' : 'stopped', down.error);
    if (this.running) this.scheduleReconnect();
  }

  private markDown(reason: DisconnectReason, error: Error | undefined): void {
    this.isConnected = false;
    const log = { link: this.options.transport.description, reason, err: error };
    if (reason === 'stopped') this.options.logger.info(log, 'link closed');
    else this.options.logger.warn(log, 'link down');
    this.options.onLinkDown(reason, error);
    this.options.events.emit('disconnected', error ? { reason, error } : { reason });
  }

  private scheduleReconnect(): number {
    const delayMs = this.options.backoff.next();
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
    return delayMs;
  }
}
