/** The wall board, the default page: a tile per press, live. */
import type { AppContext, View } from '../app-context.js';
import { h } from '../dom.js';
import { PressTile } from './press-tile.js';

export function boardView(context: AppContext): View {
  const { store } = context;
  const grid = h('div', { class: 'board-grid', 'data-count': 0 });
  const empty = h('p', { class: 'board-empty' }, 'Waiting for the service…');
  const element = h(
    'section',
    { class: 'board', 'aria-labelledby': 'board-title' },
    h('h1', { id: 'board-title', class: 'visually-hidden' }, 'Press board'),
    empty,
    grid,
  );
  const tiles = new Map<string, PressTile>();

  function tileContext(pressId: string) {
    const running = store.runningJobs.get(pressId);
    const job = running ? { job: running.job, good: store.runningGood(pressId) ?? running.job.good } : null;
    return { now: store.now(), live: store.live, job };
  }

  function render(): void {
    const presses = store.pressList();
    empty.hidden = presses.length > 0;
    if (store.loaded && presses.length === 0) empty.textContent = 'No presses are configured.';
    const seen = new Set<string>();
    for (const press of presses) {
      seen.add(press.id);
      let tile = tiles.get(press.id);
      if (!tile) {
        tile = new PressTile(press);
        tiles.set(press.id, tile);
        grid.append(tile.element);
      }
      tile.update(press, tileContext(press.id));
    }
    for (const [id, tile] of tiles) {
      if (!seen.has(id)) {
        tile.element.remove();
        tiles.delete(id);
      }
    }
    grid.dataset.count = String(tiles.size);
  }

  const unsubscribe = store.subscribe((change) => {
    if ((change.kind === 'press' || change.kind === 'job') && change.pressId !== null) {
      const press = store.presses.get(change.pressId);
      const tile = tiles.get(change.pressId);
      if (press && tile) tile.update(press, tileContext(change.pressId));
      else render();
    } else if (change.kind === 'snapshot' || change.kind === 'connection') {
      render();
    }
  });
  const ticker = window.setInterval(() => {
    const now = store.now();
    for (const tile of tiles.values()) tile.tick(now);
  }, 1000);
  render();

  return {
    element,
    title: 'Press board',
    destroy() {
      unsubscribe();
      window.clearInterval(ticker);
    },
  };
}
