/**
 * The audible annunciator: a Web Audio beep for jams and critical alarms, repeated while
 * one stays unacknowledged, and a mute that runs out by itself (a muted wall screen must
 * not stay silent through the next shift). Browsers only let a page make sound after a
 * click or key press; kiosk browsers can lift that (see docs/dashboard.md).
 */
import type { AlarmView } from './types.js';

const MUTE_KEY = 'pressroom.alarmMutedUntil';
const REPEAT_MS = 10_000;

/** Jams and critical alarms are the ones that make a noise. */
export function isLoud(alarm: AlarmView): boolean {
  return !alarm.suppressed && (alarm.priority === 'critical' || isJam(alarm));
}

export function isJam(alarm: AlarmView): boolean {
  return alarm.stopReason === 'jam' || /^jam\b|^jam\.|double-sheet/.test(alarm.code);
}

export class AlarmSound {
  private context: AudioContext | null = null;
  private repeatTimer: number | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly tickListeners = new Set<() => void>();
  /** Beeps played, for tests and for the status line. */
  beeps = 0;

  private muteTimer: number | null = null;

  constructor(private readonly options: { pending: () => AlarmView[] }) {
    const unlock = (): void => this.unlock();
    document.addEventListener('pointerdown', unlock, { passive: true });
    document.addEventListener('keydown', unlock);
    // made now, so the banner can say at once when the browser keeps it locked (suspended
    // until a click or key press); its state changes redraw the banner
    const audio = this.audio();
    if (audio) audio.onstatechange = () => this.changed();
    this.watchMute();
  }

  /** True while the browser keeps the sound locked (no click or key press on the page yet). */
  get blocked(): boolean {
    return this.context !== null && this.context.state === 'suspended';
  }

  /** Resumes the audio; works when called from a click or key press. */
  unlock(): void {
    const audio = this.audio();
    if (!audio || audio.state === 'running') return;
    audio.resume().catch((error: unknown) => console.warn('dashboard: audio stays locked', error));
  }

  get mutedUntil(): number | null {
    const until = Number(localStorage.getItem(MUTE_KEY));
    return Number.isFinite(until) && until > Date.now() ? until : null;
  }

  mute(minutes: number): void {
    localStorage.setItem(MUTE_KEY, String(Date.now() + minutes * 60_000));
    this.watchMute();
    this.changed();
  }

  unmute(): void {
    localStorage.removeItem(MUTE_KEY);
    this.watchMute();
    this.changed();
  }

  /**
   * While muted, ticks once a second (listeners show the time left) and tells them when
   * the mute has run out. Read from the clock each tick, so a clock that jumps is followed.
   */
  private watchMute(): void {
    if (this.muteTimer !== null) window.clearInterval(this.muteTimer);
    this.muteTimer = null;
    if (this.mutedUntil === null) return;
    this.muteTimer = window.setInterval(() => {
      if (this.mutedUntil === null) {
        window.clearInterval(this.muteTimer!);
        this.muteTimer = null;
        this.changed();
      } else {
        for (const listener of this.tickListeners) listener();
      }
    }, 1000);
  }

  /** Called every second while muted (for the time left). */
  onMuteTick(listener: () => void): void {
    this.tickListeners.add(listener);
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** A loud alarm was raised or renotified: sound now, then keep repeating while it waits. */
  alert(): void {
    this.beep();
    this.reschedule();
  }

  /** Something was acknowledged or cleared: stop repeating when nothing loud waits. */
  reschedule(): void {
    if (this.repeatTimer !== null) window.clearTimeout(this.repeatTimer);
    this.repeatTimer = null;
    if (this.options.pending().length === 0) return;
    this.repeatTimer = window.setTimeout(() => {
      this.beep();
      this.reschedule();
    }, REPEAT_MS);
  }

  private beep(): void {
    if (this.mutedUntil !== null) return;
    const audio = this.audio();
    if (!audio) return;
    this.beeps += 1;
    const start = audio.currentTime;
    // two short tones, like a press-side horn; quiet enough for an office, clear on the floor
    for (const [offset, frequency] of [
      [0, 880],
      [0.22, 660],
    ] as const) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = 'square';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.2);
    }
  }

  private audio(): AudioContext | null {
    if (this.context) return this.context;
    const Context = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Context) return null;
    this.context = new Context();
    return this.context;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** A desktop notification for a jam, where the user allowed them. */
export function notifyJam(alarm: AlarmView, pressName: string): void {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const notification = new Notification(`${pressName}: ${alarm.label}`, {
      body: `${alarm.priority} alarm, raised ${new Date(alarm.raisedAt).toLocaleTimeString()}`,
      tag: alarm.id,
      requireInteraction: true,
    });
    notification.onclick = () => {
      window.focus();
      location.hash = `#/press/${encodeURIComponent(alarm.pressId)}`;
    };
  } catch (error) {
    // some browsers allow notifications only from a service worker: the banner still shows it
    console.warn('dashboard: notification not shown', error);
  }
}
