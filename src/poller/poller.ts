/**
 * All presses' pollers behind one start/stop and one pair of event streams. Presses on
 * the same bus share its RegisterReader; the reader serialises their transactions and
 * each PressPoller keeps a failing press from stalling the others (off-scan).
 */
import { pino, type Logger } from 'pino';
import type { PollingSettings, Profile } from '../model/profile-schema.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { OffScanSettings } from './comm-health.js';
import type { OverrunSettings } from './overrun-window.js';
import { PressPoller } from './press-poller.js';
import type { PollerEvents, PressHealth } from './reading.js';
import type { RegisterReader } from './register-reader.js';

export interface PolledPress {
  pressId: string;
  unitId: number;
  profile: Profile;
  reader: RegisterReader;
  polling?: Partial<PollingSettings>;
}

export interface PollerOptions {
  presses: PolledPress[];
  offScan?: Partial<OffScanSettings>;
  overrun?: OverrunSettings;
  clock?: Clock;
  logger?: Logger;
}

export class Poller {
  private readonly pollers = new Map<string, PressPoller>();

  constructor(options: PollerOptions) {
    const logger = options.logger ?? pino({ level: 'silent' });
    for (const press of options.presses) {
      if (this.pollers.has(press.pressId)) throw new Error(`press "${press.pressId}" is listed twice`);
      this.pollers.set(
        press.pressId,
        new PressPoller({
          ...press,
          offScan: options.offScan,
          overrun: options.overrun,
          clock: options.clock ?? systemClock,
          logger: logger.child({ bus: press.reader.id }),
        }),
      );
    }
  }

  start(): void {
    for (const poller of this.pollers.values()) poller.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.pollers.values()].map((poller) => poller.stop()));
  }

  onReading(listener: PollerEvents['reading']): () => void {
    const offs = [...this.pollers.values()].map((poller) => poller.onReading(listener));
    return () => offs.forEach((off) => off());
  }

  onHealth(listener: PollerEvents['health']): () => void {
    const offs = [...this.pollers.values()].map((poller) => poller.onHealth(listener));
    return () => offs.forEach((off) => off());
  }

  press(pressId: string): PressPoller | undefined {
    return this.pollers.get(pressId);
  }

  health(): PressHealth[] {
    return [...this.pollers.values()].map((poller) => poller.health());
  }
}
