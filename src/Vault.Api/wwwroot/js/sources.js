// Sources: the table of mailboxes, refreshed every few seconds in place, with the error panel of sources in Error.
// sourceTable() is shared with a connector's page, whose mailboxes are sources too.
import { api, ApiError, downloadExport } from './api.js';
import { h, replaceChildren, announce, confirmDialog } from './dom.js';
import { formatBytes, formatDateTime, formatNumber, formatRelative } from './format.js';
import { reconnectButton } from './oauth.js';

export const refreshEvery = 3000;
const statuses = ['Importing', 'Active', 'Paused', 'Error', 'Queued'];

export function showSources(view, { focusId, connected = null } = {}) {
  document.title = 'Sources · Vault';
  const message = h('p', { class: 'notice', role: 'status', hidden: true });
  const showMessage = text => { message.textContent = text; message.hidden = !text; };
  const state = { stopped: false, timer: 0 };
  const table = sourceTable({ caption: 'Mailboxes archived by Vault, refreshed every few seconds', refresh, showMessage, focusId });
  // Back from a provider's sign-in (/oauth/callback redirects here with ?connected=<id>).
  const signedIn = h('p', { class: 'notice success', role: 'status', id: 'signed-in', hidden: !connected });
  replaceChildren(table.element, h('p', { class: 'muted' }, 'Loading sources…'));
  table.element.id = 'sources-body';
  replaceChildren(view,
    h('div', { class: 'page-head' },
      h('h1', {}, 'Sources'),
      h('div', { class: 'actions' },
        h('a', { class: 'button secondary', href: '#/sources/import', id: 'import-files-link' }, 'Import files'),
        h('a', { class: 'button primary', href: '#/sources/new' }, 'Add source'))),
    signedIn,
    message,
    table.element);

  async function refresh() {
    if (state.stopped) return;
    try {
      const sources = await api('GET', '/api/sources');
      if (state.stopped) return;
      showMessage('');
      // The notice stays while the source runs; a source that failed since says so in its own panel instead.
      const fresh = connected && sources.find(source => source.id === connected);
      signedIn.textContent = fresh ? `Signed in: ${fresh.name} is connected, and Vault archives its mail now.` : '';
      signedIn.hidden = !fresh || fresh.status === 'Error';
      table.update(sources, h('div', { class: 'card empty' },
        h('h2', {}, 'No mailbox yet'),
        h('p', {}, 'Add an IMAP or POP3 account and Vault imports every message, then keeps archiving new mail.'),
        h('a', { class: 'button primary', href: '#/sources/new' }, 'Add your first source')));
    } catch (error) {
      if (state.stopped) return;
      showMessage(`Could not load the sources: ${error.message}`);
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

/** Where a source is edited: its own wizard, or for a connector's mailbox on the sources page, its connector's page. */
function defaultEditLink(source) {
  if (source.connectorId) {
    return { href: `#/connectors/${encodeURIComponent(source.connectorId)}`, label: 'Connector', ariaLabel: `Open the connector of ${source.name}` };
  }
  return { href: `#/sources/${encodeURIComponent(source.id)}/edit`, label: 'Edit', ariaLabel: `Edit ${source.name}` };
}

/**
 * What the error panel offers: fix the credentials in the source's wizard (or, for a connector's mailbox, on its
 * connector); an OAuth2 source signs in again with its provider (Reconnect).
 */
function defaultErrorAction(source, showMessage) {
  if (source.auth === 'oauth2') {
    return [reconnectButton(source, showMessage),
      h('a', { class: 'button secondary', href: `#/sources/${encodeURIComponent(source.id)}/edit` }, 'Edit')];
  }
  if (source.connectorId) {
    return h('a', { class: 'button primary', href: `#/connectors/${encodeURIComponent(source.connectorId)}` }, 'Open its connector');
  }
  return h('a', { class: 'button primary', href: `#/sources/${encodeURIComponent(source.id)}/edit?retry=1` }, 'Edit credentials and retry');
}

/**
 * A table of sources that update() redraws in place (only the rows whose source changed, keeping keyboard focus), with
 * the error panel of every source in Error under it. editLink(source) gives { href, label, ariaLabel } or null for no
 * edit action; errorAction(source) gives the panel's action.
 */
export function sourceTable({ caption, refresh, showMessage, focusId = null, editLink = defaultEditLink, errorAction = defaultErrorAction }) {
  const element = h('div', { class: 'source-table' });
  const state = { rows: new Map(), eventsSupported: true, focusId };
  const options = { caption, refresh, showMessage, editLink, errorAction };
  return {
    element,
    /** Shows the sources, or the `empty` node when there are none. */
    update(sources, empty) { renderTable(element, sources, state, options, empty); },
  };
}

function renderTable(body, sources, state, options, empty) {
  if (sources.length === 0) {
    state.rows.clear();
    replaceChildren(body, empty);
    return;
  }
  let table = body.querySelector('table');
  if (!table) {
    table = h('table', { class: 'sources list' },
      h('caption', { class: 'visually-hidden' }, options.caption),
      h('thead', {}, h('tr', {},
        ['Name', 'Account', 'Status', 'Progress', 'Last sync', 'Actions'].map(title => h('th', { scope: 'col' }, title)))),
      h('tbody'));
    replaceChildren(body, table, h('div', { class: 'error-panels' }));
  }
  const tbody = table.tBodies[0];
  const panels = body.querySelector('.error-panels');
  const seen = new Set();
  for (const source of sources) {
    seen.add(source.id);
    // Rebuild a row only when its source changed, and put keyboard focus back where it was.
    const signature = JSON.stringify(source);
    const existing = state.rows.get(source.id);
    if (existing?.signature === signature) {
      tbody.append(existing.row);
      continue;
    }
    const focused = document.activeElement?.closest?.(`[data-source-id="${CSS.escape(source.id)}"]`) ? document.activeElement.dataset.action : null;
    const row = sourceRow(source, options);
    if (existing) existing.row.replaceWith(row);
    tbody.append(row);
    state.rows.set(source.id, { signature, row });
    if (focused) row.querySelector(`[data-action="${focused}"]`)?.focus();
  }
  for (const [id, { row }] of state.rows) {
    if (!seen.has(id)) {
      row.remove();
      state.rows.delete(id);
    }
  }
  renderErrorPanels(panels, sources.filter(source => source.status === 'Error'), state, options);
  if (state.focusId) {
    document.getElementById(`error-${state.focusId}`)?.scrollIntoView();
    state.focusId = null;
  }
}

function sourceRow(source, { refresh, showMessage, editLink }) {
  const run = async (label, work) => {
    try {
      await work();
      announce(label);
    } catch (error) {
      showMessage(`${source.name}: ${error.message}`);
    }
    refresh();
  };
  const pause = () => run(`${source.name} paused`, () => api('POST', `/api/sources/${encodeURIComponent(source.id)}/pause`));
  const resume = () => run(`${source.name} resumed`, () => api('POST', `/api/sources/${encodeURIComponent(source.id)}/resume`));
  const remove = async () => {
    const confirmed = await confirmDialog({
      title: `Delete ${source.name}?`,
      text: `Vault stops archiving ${source.username}@${source.host} and forgets this source. This cannot be undone.`,
      confirmLabel: 'Delete source',
      danger: true,
    });
    if (confirmed) run(`${source.name} deleted`, () => api('DELETE', `/api/sources/${encodeURIComponent(source.id)}`));
  };
  const exportAs = format => run(`${source.name} export started`, () => downloadExport(`/api/sources/${encodeURIComponent(source.id)}/export/link?format=${format}`));
  const verify = () => run(`${source.name}: integrity check started`, () => api('POST', `/api/sources/${encodeURIComponent(source.id)}/verify`));
  const isFile = source.protocol === 'file';
  const canPause = !isFile && (source.status === 'Importing' || source.status === 'Active');
  const edit = isFile ? null : editLink(source);
  return h('tr', { dataset: { sourceId: source.id, status: source.status } },
    h('th', { scope: 'row', class: 'name' }, source.name,
      source.description && h('span', { class: 'description muted small' }, source.description)),
    h('td', { class: 'account', dataset: { label: 'Account' } },
      // A username that is already an address reads better on its own, with the host below.
      isFile ? 'Imported files' : String(source.username).includes('@') ? source.username : `${source.username}@${source.host}`,
      isFile ? null : h('span', { class: 'meta muted small' }, `${String(source.protocol ?? '').toUpperCase()} · ${source.host}:${source.port}${source.tls ? '' : ' · no TLS'}`),
      integrityNote(source)),
    h('td', { class: 'status', dataset: { label: 'Status' } }, statusBadge(source.progress?.waiting ? 'Queued' : source.status)),
    h('td', { dataset: { label: 'Progress' } }, source.status === 'Error'
      ? h('button', { type: 'button', class: 'link-button', onclick: () => focusPanel(source.id) }, 'See what went wrong')
      : progressCell(source)),
    h('td', { dataset: { label: 'Last sync' } }, source.lastSyncAt
      ? h('time', { datetime: source.lastSyncAt, title: formatDateTime(source.lastSyncAt) }, formatRelative(source.lastSyncAt))
      : h('span', { class: 'muted' }, 'Not yet')),
    h('td', { class: 'row-actions', dataset: { sourceId: source.id } },
      isFile ? null : canPause
        ? h('button', { type: 'button', class: 'secondary', dataset: { action: 'pause' }, 'aria-label': `Pause ${source.name}`, onclick: pause }, 'Pause')
        : h('button', { type: 'button', class: 'secondary', dataset: { action: 'resume' }, 'aria-label': `Resume ${source.name}`, onclick: resume }, 'Resume'),
      edit && h('a', { class: 'button secondary', dataset: { action: 'edit' }, href: edit.href, 'aria-label': edit.ariaLabel }, edit.label),
      h('button', { type: 'button', class: 'secondary', dataset: { action: 'export-zip' }, 'aria-label': `Export ${source.name} as a zip of .eml files`, onclick: () => exportAs('zip') }, 'Export zip'),
      h('button', { type: 'button', class: 'secondary', dataset: { action: 'export-mbox' }, 'aria-label': `Export ${source.name} as mbox`, onclick: () => exportAs('mbox') }, 'Export mbox'),
      h('button', { type: 'button', class: 'secondary', dataset: { action: 'verify' }, 'aria-label': `Check the integrity of ${source.name}`, onclick: verify }, 'Verify'),
      h('a', { class: 'button secondary', dataset: { action: 'restore' }, href: `#/sources/${encodeURIComponent(source.id)}/restore`, 'aria-label': `Restore ${source.name} to a mailbox` }, 'Restore'),
      h('button', { type: 'button', class: 'danger-outline', dataset: { action: 'delete' }, 'aria-label': `Delete ${source.name}`, onclick: remove }, 'Delete')));
}

/** The last integrity check: progress while it runs, a warning with the ids when it found corruption. */
function integrityNote(source) {
  const check = source.integrity;
  if (!check) return null;
  if (check.status === 'Running') {
    return h('span', { class: 'integrity small muted', dataset: { integrity: 'running' } }, `Verifying: ${formatNumber(check.checked)} of ${formatNumber(check.total)} checked`);
  }
  if (check.status === 'Failed') {
    return h('span', { class: 'integrity small warning', dataset: { integrity: 'failed' } }, `Integrity check failed: ${check.error ?? 'unknown error'}`);
  }
  if (check.corruptedCount > 0) {
    return h('span', { class: 'integrity warning', role: 'alert', dataset: { integrity: 'corrupted' } },
      `⚠ ${formatNumber(check.corruptedCount)} corrupted message${check.corruptedCount === 1 ? '' : 's'} found ${formatRelative(check.finishedAt)}: `,
      h('code', {}, check.corrupted.slice(0, 5).join(', ')), check.corrupted.length > 5 ? ' …' : '');
  }
  return h('span', { class: 'integrity small muted', dataset: { integrity: 'ok' } },
    `Verified ${formatRelative(check.finishedAt)}: ${formatNumber(check.ok)} intact`);
}

function focusPanel(id) {
  const panel = document.getElementById(`error-${id}`);
  panel?.scrollIntoView({ block: 'start' });
  panel?.querySelector('h2')?.focus();
}

export function statusBadge(status) {
  const known = statuses.includes(status) ? status.toLowerCase() : 'unknown';
  return h('span', { class: `badge badge-${known}` }, status ?? 'Unknown');
}

function progressCell(source) {
  const progress = source.progress ?? {};
  const archived = progress.messagesArchived ?? 0;
  const onServer = progress.messagesOnServer ?? 0;
  const indexed = Math.min(progress.messagesIndexed ?? archived, archived);
  if (progress.waiting) {
    return h('div', { class: 'progress-cell' },
      h('div', { class: 'small' }, 'Waiting for another import to finish'),
      archived > 0 && h('div', { class: 'small muted' }, `${formatNumber(archived)} archived so far`));
  }
  if (source.status !== 'Importing' && onServer === 0 && archived === 0) return h('span', { class: 'muted' }, '—');
  if (source.status === 'Active' && indexed < archived) {
    // Archived is not yet searchable: say so instead of claiming all is done.
    const label = `indexing ${formatNumber(indexed)} of ${formatNumber(archived)} messages`;
    return h('div', { class: 'progress-cell' },
      h('progress', { max: archived, value: indexed, 'aria-label': `${source.name}: ${label}` }, `${Math.floor((indexed / archived) * 100)}%`),
      h('div', { class: 'small' }, `Indexing ${formatNumber(indexed)} of ${formatNumber(archived)}`),
      h('div', { class: 'small muted' }, `${formatNumber(archived)} archived · ${formatBytes(progress.bytesArchived)}`));
  }
  const max = Math.max(onServer, archived, 1);
  const percent = Math.floor((archived / max) * 100);
  const label = `${formatNumber(archived)} of ${formatNumber(onServer)} messages archived`;
  return h('div', { class: 'progress-cell' },
    h('progress', { max, value: Math.min(archived, max), 'aria-label': `${source.name}: ${label}` }, `${percent}%`),
    h('div', { class: 'small' }, `${formatNumber(archived)} / ${formatNumber(onServer)} · ${formatBytes(progress.bytesArchived)}`),
    h('div', { class: 'small muted' }, source.status === 'Importing' && indexed < archived
      ? `Folders ${progress.foldersDone ?? 0} of ${progress.foldersTotal ?? 0} · ${formatNumber(indexed)} searchable`
      : `Folders ${progress.foldersDone ?? 0} of ${progress.foldersTotal ?? 0}`));
}

function renderErrorPanels(container, failing, state, { errorAction, showMessage }) {
  const ids = new Set(failing.map(source => source.id));
  for (const panel of [...container.children]) if (!ids.has(panel.dataset.sourceId)) panel.remove();
  for (const source of failing) {
    const signature = JSON.stringify([source.error, source.name, source.username, source.host]);
    let panel = container.querySelector(`[data-source-id="${CSS.escape(source.id)}"]`);
    if (panel?.dataset.signature === signature) continue;
    const fresh = errorPanel(source, errorAction, showMessage);
    fresh.dataset.signature = signature;
    if (panel) panel.replaceWith(fresh); else container.append(fresh);
    panel = fresh;
    loadEvents(source, panel.querySelector('.events'), state);
  }
}

function errorPanel(source, errorAction, showMessage) {
  const error = source.error ?? {};
  const retry = error.nextRetryAt
    ? h('span', {}, 'Vault retries ', h('time', { datetime: error.nextRetryAt, title: formatDateTime(error.nextRetryAt) }, formatRelative(error.nextRetryAt)), '.')
    : h('strong', {}, 'Vault waits for you: it will not retry until you fix this.');
  return h('section', { class: 'card error-panel', id: `error-${source.id}`, dataset: { sourceId: source.id }, 'aria-labelledby': `error-title-${source.id}` },
    h('h2', { id: `error-title-${source.id}`, tabindex: -1 }, `${source.name} needs attention`),
    h('p', { class: 'error-message' }, error.message ?? 'The last attempt failed.'),
    error.hint && h('p', { class: 'hint' }, h('strong', {}, 'What to do: '), error.hint),
    h('dl', { class: 'facts' },
      error.code && [h('dt', {}, 'Kind'), h('dd', {}, h('code', {}, error.code))],
      error.serverResponse && [h('dt', {}, 'Server said'), h('dd', {}, h('pre', { class: 'server-response' }, error.serverResponse))],
      [h('dt', {}, 'When'), h('dd', {}, error.occurredAt ? formatDateTime(error.occurredAt) : 'Unknown')],
      [h('dt', {}, 'Failures in a row'), h('dd', {}, formatNumber(error.consecutiveFailures ?? 1))],
      [h('dt', {}, 'Next retry'), h('dd', {}, retry)]),
    h('h3', {}, 'Recent events'),
    h('div', { class: 'events' }, h('p', { class: 'muted' }, 'Loading…')),
    h('div', { class: 'actions' }, errorAction(source, showMessage)));
}

async function loadEvents(source, container, state) {
  if (!state.eventsSupported) {
    replaceChildren(container, fallbackEvents(source));
    return;
  }
  try {
    const answer = await api('GET', `/api/sources/${encodeURIComponent(source.id)}/events`);
    const events = (Array.isArray(answer) ? answer : answer?.items ?? []).slice(0, 20);
    replaceChildren(container, events.length === 0
      ? h('p', { class: 'muted' }, 'No events recorded.')
      : h('ol', { class: 'event-list' }, events.map(event => h('li', {},
        h('time', { datetime: event.at, title: formatDateTime(event.at) }, formatDateTime(event.at)), ' ',
        event.kind && h('span', { class: 'event-kind' }, event.kind), ' ',
        event.message))));
  } catch (error) {
    // An API without the events endpoint (404/405): show what the source itself tells.
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
      state.eventsSupported = false;
      replaceChildren(container, fallbackEvents(source));
    } else {
      replaceChildren(container, h('p', { class: 'muted' }, `Could not load the events: ${error.message}`));
    }
  }
}

function fallbackEvents(source) {
  const error = source.error ?? {};
  return h('ol', { class: 'event-list' },
    error.occurredAt && h('li', {}, h('time', { datetime: error.occurredAt }, formatDateTime(error.occurredAt)), ' ', h('span', { class: 'event-kind' }, 'Error'), ' ', error.message ?? ''),
    source.lastSyncAt && h('li', {}, h('time', { datetime: source.lastSyncAt }, formatDateTime(source.lastSyncAt)), ' ', h('span', { class: 'event-kind' }, 'Synced'), ' Last successful sync'),
    source.createdAt && h('li', {}, h('time', { datetime: source.createdAt }, formatDateTime(source.createdAt)), ' ', h('span', { class: 'event-kind' }, 'Created'), ' Source added'));
}
