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

  constructor(private readonly onListenerError: (error: unknown, event: keyof Events) => void = defaultListenerError) {}

  /** Subscribe; returns the function that unsubscribes. */
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
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
    this.listeners.get(event)?.delete(listener);
  }

  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
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
