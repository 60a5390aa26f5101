// Overview, the home page: how much is archived, the sources by status, and a chart of messages archived per day.
import { api } from './api.js';
import { h, replaceChildren } from './dom.js';
import { formatBytes, formatNumber } from './format.js';
import { dailyBarChart } from './chart.js';
import { refreshEvery, statusBadge } from './sources.js';

export function showOverview(view) {
  document.title = 'Overview · Vault';
  const message = h('p', { class: 'notice', role: 'status', hidden: true });
  const tiles = h('dl', { class: 'tiles', 'aria-label': 'The archive in numbers' });
  const welcome = h('section', { class: 'card empty', hidden: true },
    h('h2', {}, 'Nothing archived yet'),
    h('p', {}, 'Add one mailbox as a source, or a whole mail server as a connector; Vault imports every message, then keeps archiving new mail.'),
    h('div', { class: 'actions centered' },
      h('a', { class: 'button primary', href: '#/sources/new' }, 'Add a source'),
      h('a', { class: 'button secondary', href: '#/connectors/new' }, 'Add a connector')));
  const statuses = h('ul', { class: 'counts status-counts' });
  const chart = dailyBarChart({ label: 'Messages archived per day, last 30 days' });
  const details = h('div', { hidden: true },
    h('section', { class: 'card', 'aria-labelledby': 'by-status-title' },
      h('h2', { id: 'by-status-title' }, 'Sources by status'),
      statuses),
    h('section', { class: 'card chart-card', 'aria-labelledby': 'per-day-title' },
      h('h2', { id: 'per-day-title' }, 'Messages archived per day'),
      h('p', { class: 'muted small' }, 'The last 30 days (UTC), today on the right.'),
      chart.element));
  replaceChildren(view, h('h1', {}, 'Overview'), message, tiles, welcome, details);

  const state = { stopped: false, timer: 0 };
  async function refresh() {
    if (state.stopped) return;
    try {
      const overview = await api('GET', '/api/overview');
      if (state.stopped) return;
      message.hidden = true;
      render(overview);
    } catch (error) {
      if (state.stopped) return;
      message.textContent = `Could not load the overview: ${error.message}`;
      message.hidden = false;
    }
    clearTimeout(state.timer);
    if (!state.stopped) state.timer = setTimeout(refresh, refreshEvery);
  }

  function render(overview) {
    const sources = overview.sources ?? 0;
    const connectors = overview.connectors ?? 0;
    replaceChildren(tiles,
      tile('Messages archived', formatNumber(overview.messagesArchived)),
      tile('Archived size', formatBytes(overview.bytesArchived)),
      tile('Sources', h('a', { href: '#/sources' }, formatNumber(sources)), sources === 1 ? 'mailbox' : 'mailboxes'),
      tile('Connectors', h('a', { href: '#/connectors' }, formatNumber(connectors)), connectors === 1 ? 'mail server' : 'mail servers'));
    const empty = sources === 0 && connectors === 0;
    welcome.hidden = !empty;
    details.hidden = empty;
    // The API counts queued sources among Importing and once more as Waiting; the dashboard calls them Queued.
    const byStatus = overview.sourcesByStatus ?? {};
    const count = name => Number(byStatus[name] ?? byStatus[name.charAt(0).toLowerCase() + name.slice(1)] ?? 0);
    const queued = count('Waiting');
    replaceChildren(statuses, [
      ['Importing', count('Importing') - queued], ['Queued', queued], ['Active', count('Active')],
      ['Paused', count('Paused')], ['Error', count('Error')],
    ].map(([status, number]) => h('li', { class: number === 0 ? 'zero' : null, dataset: { status } },
      statusBadge(status), ' ', h('span', { class: 'count' }, formatNumber(number)))));
    chart.update(overview.archivedPerDay ?? []);
  }

  refresh();
  return () => {
    state.stopped = true;
    clearTimeout(state.timer);
    chart.dispose();
  };
}

function tile(label, value, unit) {
  return h('div', { class: 'tile' },
    h('dt', {}, label),
    h('dd', {}, h('span', { class: 'tile-value' }, value), unit && h('span', { class: 'muted small' }, ` ${unit}`)));
}
