/**
 * One Modbus master per physical link (an RS-485 line, a TCP endpoint, a serial device
 * server). Requests queue in FIFO order and go on the line one at a time (a background
 * request, an off-scan probe, waits for the line's idle time); each attempt has its own
 * timer; timeouts, CRC and protocol errors are retried at once, exceptions and offline are
 * not. The link is supervised: it reconnects in the background, and while it is down every
 * request fails at once with kind `offline` instead of waiting for a timeout.
 *
 * Every failure is a ModbusError naming the bus, unit id, function code and address.
 */
import { performance } from 'node:perf_hooks';
import { pino, type Logger } from 'pino';
import type { ModbusRequest, ModbusResponse } from '../codec/pdu.js';
import { ModbusError, type ModbusErrorKind } from '../errors.js';
import { TypedEmitter } from '../typed-emitter.js';
import { Backoff } from './backoff.js';
import type { BusEvents, BusOptions, BusStats, DisconnectReason, RequestOptions } from './bus-options.js';
import { createProtocol, createTransport } from './link-parts.js';
import { modbusError, type LinkProtocol } from './link-protocol.js';
import { LinkSupervisor } from './link-supervisor.js';
import { invalidRequestReason, requestContext } from './request-context.js';

interface Job {
  unitId: number;
  request: ModbusRequest;
  timeoutMs: number;
  retries: number;
  background: boolean;
  queuedAt: number;
  context: ReturnType<typeof requestContext>;
  resolve(response: ModbusResponse): void;
  reject(error: ModbusError): void;
}

const RETRYABLE: ReadonlySet<ModbusErrorKind> = new Set(['timeout', 'crc', 'protocol']);
/** A background request waits at most this long for other traffic to end before it takes an idle line. */
const BACKGROUND_MAX_WAIT_MS = 1000;

export class ModbusBus {
  readonly id: string;
  private readonly events: TypedEmitter<BusEvents>;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly supervisor: LinkSupervisor;
  private readonly protocol: LinkProtocol;
  private readonly queue: Job[] = [];
  /** The one-transaction-on-the-line lock: true while `pump` runs. */
  private pumping = false;
  /** When the last foreground (not background) request finished. */
  private lastForegroundDoneAt = Number.NEGATIVE_INFINITY;
  private backgroundTimer: NodeJS.Timeout | undefined;
  /** TCP half-open detection: the current run of consecutive timeouts (see `noteTimeout`). */
  private readonly timeoutRun = { count: 0, stoppedAnswering: new Set<number>() };
  /** Units whose last attempt was answered (a reply or an exception): proof that the connection carries traffic. */
  private readonly answeringUnits = new Set<number>();
  /** A half-open drop was logged at warn and no unit has answered since: repeats go to debug. */
  private halfOpenLogged = false;
  /** Units whose failure was already logged at warn level; repeats go to debug. */
  private readonly failingUnits = new Set<number>();
  private readonly counters = {
    transactions: 0,
    errors: { timeout: 0, offline: 0, exception: 0, crc: 0, protocol: 0, overload: 0 } satisfies Record<ModbusErrorKind, number>,
    discarded: { frames: 0, bytes: 0 },
    lastLatencyMs: undefined as number | undefined,
  };

  constructor(private readonly options: BusOptions) {
    this.id = options.id;
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ bus: options.id });
    this.now = options.now ?? (() => performance.now());
    this.events = new TypedEmitter<BusEvents>((error, event) => this.logger.error({ err: error, event }, 'a bus event listener threw'));
    const transport = createTransport(options, this.logger);
    this.protocol = createProtocol(options, {
      write: (bytes) => transport.write(bytes),
      now: this.now,
      logger: this.logger,
      discarded: this.counters.discarded,
      onFramingError: (error) => {
        this.logger.warn({ err: error }, 'Modbus TCP stream out of step; dropping the connection');
        this.supervisor.drop('framing');
      },
    });
    transport.events.on('data', (chunk) => this.protocol.receive(chunk));
    // Capped at 1 s so a PLC or adapter that comes back is talked to within 2 s however long it
    // was away, even a powered-off one whose connect hangs for the whole connect timeout.
    const reconnect = options.reconnect ?? { initialMs: 100, maxMs: 1000 };
    this.supervisor = new LinkSupervisor({
      transport,
      backoff: new Backoff({ ...reconnect, random: options.random ?? Math.random }),
      logger: this.logger,
      events: this.events,
      onLinkDown: (reason, error) => this.failPending(reason, error),
    });
  }

  /** Connect, and keep reconnecting in the background. Never throws; watch `connected` and the events. */
  start(): void {
    this.supervisor.start();
  }

  /** Close the link; everything pending fails with kind `offline`. */
  async stop(): Promise<void> {
    await this.supervisor.stop();
    this.failPending('stopped', undefined);
  }

  get connected(): boolean {
    return this.supervisor.connected;
  }

  /** Subscribe to `connected`, `disconnected`, `connectFailed`, `answered`; returns the unsubscribe function. */
  on<E extends keyof BusEvents>(event: E, listener: BusEvents[E]): () => void {
    return this.events.on(event, listener);
  }

  once<E extends keyof BusEvents>(event: E, listener: BusEvents[E]): () => void {
    return this.events.once(event, listener);
  }

  /** Send one request; resolves with the normal response. An exception reply rejects with kind `exception`. */
  request(unitId: number, request: ModbusRequest, opts: RequestOptions = {}): Promise<ModbusResponse> {
    return this.enqueue(unitId, request, opts, wholeResponse);
  }

  readRegisters(unitId: number, area: 'holding' | 'input', address: number, count: number, opts?: RequestOptions): Promise<number[]> {
    return this.enqueue(unitId, { fc: area === 'holding' ? 3 : 4, address, count }, opts ?? {}, registersOf);
  }

  readBits(unitId: number, area: 'coil' | 'discrete', address: number, count: number, opts?: RequestOptions): Promise<boolean[]> {
    return this.enqueue(unitId, { fc: area === 'coil' ? 1 : 2, address, count }, opts ?? {}, bitsOf);
  }

  async writeRegisters(unitId: number, address: number, values: number[], opts?: RequestOptions): Promise<void> {
    await this.request(unitId, { fc: 16, address, values }, opts);
  }

  async writeRegister(unitId: number, address: number, value: number, opts?: RequestOptions): Promise<void> {
    await this.request(unitId, { fc: 6, address, value }, opts);
  }

  async writeCoil(unitId: number, address: number, value: boolean, opts?: RequestOptions): Promise<void> {
    await this.request(unitId, { fc: 5, address, value }, opts);
  }

  async writeCoils(unitId: number, address: number, values: boolean[], opts?: RequestOptions): Promise<void> {
    await this.request(unitId, { fc: 15, address, values }, opts);
  }

  /**
   * Queue a request; the promise settles with `answer(response)`. One promise per request: the
   * reads (the poller's, hundreds a second) resolve with their registers or bits directly.
   */
  private enqueue<T>(unitId: number, request: ModbusRequest, opts: RequestOptions, answer: (response: ModbusResponse) => T): Promise<T> {
    const context = requestContext(this.id, unitId, request);
    const invalid = invalidRequestReason(unitId, request, this.options.link.kind !== 'tcp');
    if (invalid) return Promise.reject(modbusError('protocol', `invalid request: ${invalid}`, context));
    if (!this.supervisor.connected) return Promise.reject(this.refuse('offline', 'link is down', context));
    const maxQueue = this.options.maxQueue ?? 64;
    if (this.queue.length >= maxQueue) return Promise.reject(this.refuse('overload', `queue full (${maxQueue} waiting)`, context));
    return new Promise<T>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs;
      const retries = opts.retries ?? this.options.retries;
      this.queue.push({
        unitId,
        request,
        timeoutMs,
        retries,
        background: opts.background ?? false,
        queuedAt: this.now(),
        context,
        resolve: (response) => resolve(answer(response)),
        reject,
      });
      void this.pump();
    });
  }

  stats(): BusStats {
    const { transactions, errors, discarded, lastLatencyMs } = this.counters;
    return {
      connected: this.supervisor.connected,
      queued: this.queue.length,
      transactions,
      errors: { ...errors },
      discarded: { ...discarded },
      lastLatencyMs,
      reconnects: this.supervisor.reconnects,
    };
  }

  /**
   * Runs queued jobs one after another, in FIFO order; background jobs only when no other
   * job waits, and only once the other traffic has ended (see `takeNext`).
   */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        let job = this.takeNext(false);
        if (!job && this.queue.length > 0) {
          // Only background jobs wait. Let the requests of this same moment (other presses'
          // scan ticks, the next block of the cycle that just read) queue before judging.
          await new Promise<void>((resolve) => setImmediate(resolve));
          job = this.takeNext(true);
        }
        if (!job) return;
        try {
          job.resolve(await this.run(job));
        } catch (error) {
          job.reject(error instanceof ModbusError ? error : modbusError('protocol', 'unexpected failure', job.context, error));
        }
        if (!job.background) this.lastForegroundDoneAt = this.now();
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * The first foreground job; failing that (and if `allowBackground`), a background job
   * whose moment has come: other traffic ran and ended after it was queued, so the line is
   * in its idle time until the next scan ticks; or it has waited BACKGROUND_MAX_WAIT_MS
   * on a line that carries nothing else.
   */
  private takeNext(allowBackground: boolean): Job | undefined {
    let index = this.queue.findIndex((job) => !job.background);
    if (index < 0 && allowBackground) {
      const now = this.now();
      index = this.queue.findIndex((job) => this.lastForegroundDoneAt >= job.queuedAt || now - job.queuedAt >= BACKGROUND_MAX_WAIT_MS);
      if (index < 0) this.wakeForBackground(Math.min(...this.queue.map((job) => job.queuedAt)) + BACKGROUND_MAX_WAIT_MS - now);
    }
    return index < 0 ? undefined : this.queue.splice(index, 1)[0];
  }

  private wakeForBackground(delayMs: number): void {
    if (this.backgroundTimer) return;
    this.backgroundTimer = setTimeout(
      () => {
        this.backgroundTimer = undefined;
        void this.pump();
      },
      Math.max(0, Math.ceil(delayMs)),
    );
  }

  private async run(job: Job): Promise<ModbusResponse> {
    for (let attempt = 0; ; attempt++) {
      if (!this.supervisor.connected) throw this.refuse('offline', 'link is down', job.context);
      this.counters.transactions++;
      let result;
      try {
        result = await this.protocol.attempt({
          unitId: job.unitId,
          request: job.request,
          timeoutMs: job.timeoutMs,
          isRetry: attempt > 0,
          context: job.context,
        });
      } catch (error) {
        const failure = error instanceof ModbusError ? error : modbusError('protocol', 'attempt failed', job.context, error);
        this.counters.errors[failure.kind]++;
        this.noteFailure(job, failure, attempt);
        // The timeout that made the bus drop the connection as half-open: the link is down, say so.
        if (failure.kind === 'timeout' && this.noteTimeout(job.unitId)) throw modbusError('offline', 'link down (half-open)', job.context, failure);
        if (!RETRYABLE.has(failure.kind) || attempt >= job.retries) throw failure;
        continue;
      }
      this.noteAnswer(job.unitId);
      this.counters.lastLatencyMs = result.latencyMs;
      this.events.emit('answered', result.latencyMs);
      if (this.failingUnits.delete(job.unitId)) this.logger.debug({ unitId: job.unitId }, 'device answers again');
      const response = result.response;
      if ('exception' in response) {
        this.counters.errors.exception++;
        throw new ModbusError('exception', `exception ${response.exception}`, { ...job.context, exceptionCode: response.exception });
      }
      return response;
    }
  }

  private noteFailure(job: Job, failure: ModbusError, attempt: number): void {
    const log = { err: failure, kind: failure.kind, unitId: job.unitId, attempt: attempt + 1, of: job.retries + 1 };
    if (this.failingUnits.has(job.unitId)) this.logger.debug(log, 'request failed again');
    else if (failure.kind !== 'offline') {
      this.failingUnits.add(job.unitId);
      // debug: the poller says it once per press at warn, with the press's name; the bus would double it
      this.logger.debug(log, 'request failed');
    }
    // Bytes came back (a bad CRC, a malformed reply): the connection carries traffic.
    if (failure.kind === 'crc' || failure.kind === 'protocol') this.noteAnswer(job.unitId);
  }

  private noteAnswer(unitId: number): void {
    this.answeringUnits.add(unitId);
    this.halfOpenLogged = false;
    this.timeoutRun.count = 0;
    this.timeoutRun.stoppedAnswering.clear();
  }

  /**
   * TCP: is this timeout the one that shows the connection half-open? Returns true after
   * dropping it. A half-open connection silences every unit behind it; a dead unit behind a
   * gateway silences only itself. So a run of `halfOpenTimeouts` (default 2: one request
   * and its retry) consecutive timeouts drops the connection only if no other unit is known
   * to answer on it, or if two units that were answering have stopped within the run. One
   * dead unit among others that answer never tears down their shared connection.
   */
  private noteTimeout(unitId: number): boolean {
    if (this.options.link.kind !== 'tcp') return false;
    const run = this.timeoutRun;
    run.count++;
    if (this.answeringUnits.delete(unitId)) run.stoppedAnswering.add(unitId);
    const limit = this.options.halfOpenTimeouts ?? 2;
    if (run.count < limit || (run.stoppedAnswering.size < 2 && this.answeringUnits.size > 0)) return false;
    // A PLC that keeps its connection but never answers is dropped every two timeouts: say so once.
    const log = { timeouts: run.count, units: [...run.stoppedAnswering] };
    if (this.halfOpenLogged) this.logger.debug(log, 'consecutive timeouts again: dropping the TCP connection');
    else
      this.logger.warn(log, 'consecutive timeouts: taking the TCP connection for half-open and reconnecting; repeats are logged at debug until a unit answers');
    this.halfOpenLogged = true;
    this.supervisor.drop('half-open');
    return true;
  }

  /** Count and build an error for a request that was never sent. */
  private refuse(kind: 'offline' | 'overload', message: string, context: Job['context']): ModbusError {
    this.counters.errors[kind]++;
    return modbusError(kind, message, context);
  }

  private failPending(reason: DisconnectReason, error: Error | undefined): void {
    clearTimeout(this.backgroundTimer);
    this.backgroundTimer = undefined;
    this.timeoutRun.count = 0;
    this.timeoutRun.stoppedAnswering.clear();
    const message = `link down (${reason})`;
    this.protocol.linkDown(message, error);
    for (const job of this.queue.splice(0)) job.reject(this.refuse('offline', message, job.context));
  }
}

function wholeResponse(response: ModbusResponse): ModbusResponse {
  return response;
}

function registersOf(response: ModbusResponse): number[] {
  return 'registers' in response ? response.registers : [];
}

function bitsOf(response: ModbusResponse): boolean[] {
  return 'bits' in response ? response.bits : [];
}
