/**
 * A tiny typed event emitter for the domain services (poller, presses, alarms, supplies).
 *
 * Same shape as `drivers/typed-emitter.ts` (the driver layer has its own because `src/domain`
 * imports nothing outside itself and drivers import nothing from `src/`). A listener that
 * throws does not stop the others nor the service that emitted; its error goes to
 * `onListenerError`, which services wire to their logger.
 */
export type EventMap = Record<string, (...args: never[]) => void>;

export type ListenerErrorHandler<Events extends EventMap> = (error: unknown, event: keyof Events) => void;

export class TypedEmitter<Events extends EventMap> {
  private readonly listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  constructor(private readonly onListenerError: ListenerErrorHandler<Events> = rethrowLater) {}

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

function rethrowLater(error: unknown, event: PropertyKey): void {
  // A listener bug must not break the emitter's caller, but it must not vanish either.
  queueMicrotask(() => {
    throw new Error(`listener for '${String(event)}' threw`, { cause: error });
  });
}
