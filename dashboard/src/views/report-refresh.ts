/**
 * A report that follows the floor: it loads again when socket.io says a job or a downtime
 * event it shows changed (`job:updated`, `downtime:updated`), so a manager watching the shift
 * going on sees a stop appear and its cause once coded. Every running job sends `job:updated`
 * as its counts move (a few seconds apart) and one stop brings several announcements, so
 * reloads are throttled: at most one every `minIntervalMs` (2 s), the last change always
 * shown, never two loads at once.
 */
import type { AppContext } from '../app-context.js';
import type { DowntimeEventView, JobView } from '../types.js';

export interface LiveRefreshOptions {
  /** Whether a change touches what the report shows. */
  jobMatters(job: JobView): boolean;
  downtimeMatters(event: DowntimeEventView): boolean;
  reload(): Promise<void>;
  minIntervalMs?: number;
}

/** Starts following; returns the function that stops it (the view's destroy). */
export function followLive(context: AppContext, options: LiveRefreshOptions): () => void {
  const minIntervalMs = options.minIntervalMs ?? 2_000;
  let lastStart = Date.now();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let loading: Promise<void> | null = null;
  let stopped = false;

  const run = (): void => {
    timer = null;
    if (stopped) return;
    if (loading) {
      // a change came in while loading: load once more when this one is done
      void loading.finally(() => schedule());
      return;
    }
    lastStart = Date.now();
    loading = options.reload().finally(() => (loading = null));
  };
  const schedule = (): void => {
    if (stopped || timer !== null) return;
    timer = setTimeout(run, Math.max(0, lastStart + minIntervalMs - Date.now()));
  };
  const onJob = (job: JobView) => {
    if (options.jobMatters(job)) schedule();
  };
  const onDowntime = (event: DowntimeEventView) => {
    if (options.downtimeMatters(event)) schedule();
  };
  const { socket } = context.live;
  socket.on('job:updated', onJob);
  socket.on('downtime:updated', onDowntime);
  return () => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
    socket.off('job:updated', onJob);
    socket.off('downtime:updated', onDowntime);
  };
}
