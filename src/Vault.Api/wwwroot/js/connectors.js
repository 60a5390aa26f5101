// Connectors: one mail server each, archived mailbox by mailbox through one way of logging in. The list shows every
// connector with its mailboxes' counts and one progress bar for the whole server, refreshed every few seconds.
import { api } from './api.js';
import { h, replaceChildren } from './dom.js';
import { formatBytes, formatNumber } from './format.js';
import { refreshEvery } from './sources.js';

export const authModes = {
  masterUser: 'Master user',
  magicPassword: 'Shared (magic) password',
  perUser: 'Each mailbox’s own password',
};

/** "Master user admin (SASL PLAIN)", "Shared (magic) password", ... */
export function loginSummary(connector) {
  if (connector.authMode !== 'masterUser') return authModes[connector.authMode] ?? connector.authMode;
  const how = connector.masterUserSeparator ? `user${connector.masterUserSeparator}${connector.adminUsername}` : 'SASL PLAIN';
  return `Master user ${connector.adminUsername} (${how})`;
}

export function serverLine(connector) {
  return `${String(connector.protocol ?? 'imap').toUpperCase()} · ${connector.host}:${connector.port}${connector.tls ? '' : ' · no TLS'}`;
}

/** Counts of the connector's mailboxes by state, as badges; Queued are importing mailboxes waiting for a slot. */
export function summaryCounts(summary = {}) {
  const counts = [
    ['Importing', summary.importing], ['Queued', summary.waiting], ['Active', summary.active],
    ['Paused', summary.paused], ['Error', summary.error],
  ].filter(([, count]) => count > 0);
  return h('ul', { class: 'counts', 'aria-label': 'Mailboxes by status' },
    counts.map(([status, count]) => h('li', {}, h('span', { class: `badge badge-${status.toLowerCase()}` }, `${formatNumber(count)} ${status}`))));
}

/** One progress bar for the whole server: messages archived of the messages its mailboxes hold. */
export function serverProgress(connector) {
  const summary = connector.summary ?? {};
  const archived = summary.messagesArchived ?? 0;
  const onServer = summary.messagesOnServer ?? 0;
  if ((summary.mailboxes ?? 0) === 0) return h('span', { class: 'muted' }, 'Nothing archived yet');
  const max = Math.max(onServer, archived, 1);
  const label = `${formatNumber(archived)} of ${formatNumber(onServer)} messages archived from ${connector.name}`;
  return h('div', { class: 'progress-cell server-progress' },
    h('progress', { max, value: Math.min(archived, max), 'aria-label': label }, `${Math.floor((archived / max) * 100)}%`),
    h('div', { class: 'small' }, `${formatNumber(archived)} / ${formatNumber(onServer)} messages · ${formatBytes(summary.bytesArchived)}`),
    // A queued mailbox has not counted its messages yet, so the whole server holds more than the bar says.
    summary.waiting > 0 && h('div', { class: 'small muted' }, `${formatNumber(summary.waiting)} mailbox${summary.waiting === 1 ? '' : 'es'} not counted yet (queued)`));
}

export function showConnectors(view) {
  document.title = 'Connectors · Vault';
  const message = h('p', { class: 'notice', role: 'status', hidden: true });
  const body = h('div', { id: 'connectors-body' }, h('p', { class: 'muted' }, 'Loading connectors…'));
  replaceChildren(view,
    h('div', { class: 'page-head' },
      h('h1', {}, 'Connectors'),
      h('a', { class: 'button primary', href: '#/connectors/new' }, 'Add connector')),
    h('p', { class: 'muted intro' }, 'A connector archives a whole mail server: one set of server settings, one way to log in to every mailbox, and the list of its mailboxes.'),
    message,
    body);

  const state = { stopped: false, timer: 0 };
  async function refresh() {
    if (state.stopped) return;
    try {
      const connectors = await api('GET', '/api/connectors');
      if (state.stopped) return;
      message.hidden = true;
      renderList(body, connectors);
    } catch (error) {
      if (state.stopped) return;
      message.textContent = `Could not load the connectors: ${error.message}`;
      message.hidden = false;
    }
    clearTimeout(state.timer);
    if (!state.stopped) state.timer = setTimeout(refresh, refreshEvery);
  }
  refresh();
  return () => {
    state.stopped = true;
    clearTimeout(state.timer);
  };
}

function renderList(body, connectors) {
  if (connectors.length === 0) {
    replaceChildren(body, h('div', { class: 'card empty' },
      h('h2', {}, 'No connector yet'),
      h('p', {}, 'Run a mail server? Add a connector with its admin (master user) account or its shared password, then paste the list of mailboxes to archive.'),
      h('a', { class: 'button primary', href: '#/connectors/new' }, 'Add your first connector')));
    return;
  }
  // A handful of rows: redrawn whole, unless nothing changed (so a focused link keeps its focus).
  const signature = JSON.stringify(connectors);
  if (body.dataset.signature === signature) return;
  body.dataset.signature = signature;
  replaceChildren(body, h('table', { class: 'connectors list' },
    h('caption', { class: 'visually-hidden' }, 'Connectors, refreshed every few seconds'),
    h('thead', {}, h('tr', {}, ['Connector', 'Login', 'Mailboxes', 'Archived', 'Actions'].map(title => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, connectors.map(connector => connectorRow(connector)))));
}

function connectorRow(connector) {
  const href = `#/connectors/${encodeURIComponent(connector.id)}`;
  const summary = connector.summary ?? {};
  return h('tr', { dataset: { connectorId: connector.id } },
    h('th', { scope: 'row', class: 'name' },
      h('a', { href }, connector.name),
      connector.description && h('span', { class: 'description muted small' }, connector.description),
      h('span', { class: 'meta muted small' }, serverLine(connector))),
    h('td', { dataset: { label: 'Login' } }, loginSummary(connector)),
    h('td', { class: 'mailbox-counts', dataset: { label: 'Mailboxes' } },
      h('div', {}, `${formatNumber(summary.mailboxes ?? 0)} mailbox${summary.mailboxes === 1 ? '' : 'es'}`),
      summaryCounts(summary)),
    h('td', { dataset: { label: 'Archived' } }, serverProgress(connector)),
    h('td', { class: 'row-actions' },
      h('a', { class: 'button secondary', href, 'aria-label': `Open ${connector.name}` }, 'Open'),
      h('a', { class: 'button secondary', href: `${href}/edit`, 'aria-label': `Edit ${connector.name}` }, 'Edit')));
}
