/**
 * The wall board, the default page: a tile per press, live. On a hub (presses with a `site`),
 * the tiles are grouped under a heading per site; this box's own presses, if any, come first.
 */
import type { AppContext, View } from '../app-context.js';
import { h } from '../dom.js';
import { PressTile } from './press-tile.js';

export function boardView(context: AppContext): View {
  const { store } = context;
  const sitesElement = h('div', { class: 'board-sites', 'data-count': 0 });
  const empty = h('p', { class: 'board-empty' }, 'Waiting for the service…');
  const element = h(
    'section',
    { class: 'board', 'aria-labelledby': 'board-title' },
    h('h1', { id: 'board-title', class: 'visually-hidden' }, 'Press board'),
    empty,
    sitesElement,
  );
  const tiles = new Map<string, PressTile>();
  /** One group per site ('' = this box's own presses), each with its heading and grid. */
  const sites = new Map<string, { section: HTMLElement; title: HTMLElement; grid: HTMLElement }>();

  function siteGroup(site: string) {
    let group = sites.get(site);
    if (!group) {
      const title = h('h2', { class: 'board-site-title' }, site === '' ? 'This site' : site);
      const grid = h('div', { class: 'board-grid', 'data-count': 0 });
      const section = h('section', { class: 'board-site', 'data-site': site }, title, grid);
      group = { section, title, grid };
      sites.set(site, group);
      // this box's own presses first, then the sites in the order they appear
      if (site === '') sitesElement.prepend(section);
      else sitesElement.append(section);
    }
    return group;
  }

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
        siteGroup(press.site ?? '').grid.append(tile.element);
      }
      tile.update(press, tileContext(press.id));
    }
    for (const [id, tile] of tiles) {
      if (!seen.has(id)) {
        tile.element.remove();
        tiles.delete(id);
      }
    }
    for (const [site, group] of sites) {
      const count = group.grid.childElementCount;
      group.grid.dataset.count = String(count);
      if (count === 0) {
        group.section.remove();
        sites.delete(site);
      }
    }
    // a single group (a plain box, or a hub of one site) needs no heading
    for (const group of sites.values()) group.title.hidden = sites.size === 1 && sites.has('');
    sitesElement.dataset.count = String(tiles.size);
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
