/** Waiting on bus events instead of sleeping. */
import type { BusEvents, ModbusBus } from '../../drivers/index.js';

export function nextEvent<E extends keyof BusEvents>(bus: ModbusBus, event: E, timeoutMs = 5000): Promise<Parameters<BusEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`bus ${bus.id}: no '${event}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = bus.once(event, ((arg: Parameters<BusEvents[E]>[0]) => {
      clearTimeout(timer);
      resolve(arg);
    }) as BusEvents[E]);
  });
}

/** Start the bus and wait until it is connected. */
export async function startConnected(bus: ModbusBus): Promise<void> {
  const connected = nextEvent(bus, 'connected');
  bus.start();
  await connected;
}

/** The rejection of `promise`, or a failure if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, it resolved');
}
