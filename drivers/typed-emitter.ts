/**
 * A minimal typed event emitter, for driver objects (transports, buses) and the domain
 * services (src/domain/typed-emitter.ts re-exports it).
 *
 * Node's EventEmitter crashes the process on an 'error' event nobody listens to; a Modbus
 * link fails routinely (cable pulled, PLC rebooted), so drivers report failures as ordinary
 * typed events and errors thrown by a listener are caught and handed to `onListenerError`
 * instead of breaking the driver that emitted.
 */
/** `Events` maps event names to listener signatures; an interface works. */
export type EventMap<Events> = { [E in keyof Events]: (...args: never[]) => void };

export class TypedEmitter<Events extends EventMap<Events>> {
  private readonly listeners = new Map<keyof Events, Set<Events[keyof Events]>>();
  /**
   * Each event's listeners as an array, made when first emitted after a change and kept until
   * the next (`on`, `off`). An emit calls the listeners of the moment it began, as a copy would,
   * without copying the set every time: some events come with every Modbus read.
   */
  private readonly frozen = new Map<keyof Events, Events[keyof Events][]>();

  constructor(private readonly onListenerError: (error: unknown, event: keyof Events) => void = defaultListenerError) {}

  /** Subscribe; returns the function that unsubscribes. */
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    this.frozen.delete(event);
    return () => this.off(event, listener);
  }

  /** Subscribe for the next occurrence only. */
  once<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    const wrapper = ((...args: Parameters<Events[E]>) => {
      off();
      (listener as (...a: Parameters<Events[E]>) => void)(...args);
    }) as unknown as Events[E];
    const off = this.on(event, wrapper);
    return off;
  }

  off<E extends keyof Events>(event: E, listener: Events[E]): void {
    if (this.listeners.get(event)?.delete(listener)) this.frozen.delete(event);
  }

  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    let listeners = this.frozen.get(event);
    if (!listeners) {
      const set = this.listeners.get(event);
      if (!set) return;
      listeners = [...set];
      this.frozen.set(event, listeners);
    }
    for (const listener of listeners) {
      try {
        (listener as (...a: Parameters<Events[E]>) => void)(...args);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}

function defaultListenerError(error: unknown, event: PropertyKey): void {
  // A listener bug must not take the link down, but it must not vanish either.
  queueMicrotask(() => {
    throw new Error(`listener for '${String(event)}' threw`, { cause: error });
  });
}
