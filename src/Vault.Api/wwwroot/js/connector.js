// A connector's page: its summary and actions, its mailboxes (a sources table, filterable by status) and the place to
// add mailboxes from a CSV list, pasted or read from a file, with the server's line errors shown beside the lines.
import { api, ApiError } from './api.js';
import { h, replaceChildren, announce, confirmDialog } from './dom.js';
import { formatDate, formatNumber } from './format.js';
import { refreshEvery, sourceTable } from './sources.js';
import { loginSummary, serverLine, serverProgress, summaryCounts } from './connectors.js';
import { busy } from './wizard.js';
import { invitationsCard } from './invitations.js';

/** The filters over the mailbox table; Queued is an importing mailbox waiting for an import slot. */
const filters = [
  ['All', () => true],
  ['Importing', source => source.status === 'Importing' && !source.progress?.waiting],
  ['Queued', source => source.status === 'Importing' && Boolean(source.progress?.waiting)],
  ['Active', source => source.status === 'Active'],
  ['Paused', source => source.status === 'Paused'],
  ['Error', source => source.status === 'Error'],
];
/** More rows than this make the page slow to redraw every few seconds; a filter narrows them. */
const maxRows = 500;

export function showConnector(view, { id }) {
  document.title = 'Connector · Vault';
  const path = `/api/connectors/${encodeURIComponent(id)}`;
  const state = { stopped: false, timer: 0, connector: null, mailboxes: [], filter: 'All', addOpened: false };
  const message = h('p', { class: 'notice', role: 'status', hidden: true });
  const showMessage = text => { message.textContent = text; message.hidden = !text; };
  const head = h('div', { id: 'connector-head' }, h('p', { class: 'muted' }, 'Loading the connector…'));
  const filterBar = h('div', { class: 'filter-bar', role: 'group', 'aria-label': 'Show mailboxes by status' });
  const shownNote = h('p', { class: 'muted small', hidden: true });
  const table = sourceTable({
    caption: 'Mailboxes of this connector, refreshed every few seconds',
    refresh,
    showMessage,
    // A mailbox takes its settings from the connector; only its own password (perUser) is edited on the mailbox.
    editLink: source => state.connector?.authMode === 'perUser'
      ? { href: `#/sources/${encodeURIComponent(source.id)}/edit`, label: 'Password', ariaLabel: `Edit the password of ${source.name}` }
      : null,
    errorAction: source => state.connector?.authMode === 'perUser'
      ? h('a', { class: 'button primary', href: `#/sources/${encodeURIComponent(source.id)}/edit?retry=1` }, 'Edit its password and retry')
      : h('a', { class: 'button primary', href: `#/connectors/${encodeURIComponent(id)}/edit` }, 'Edit the connector and retry'),
  });
  const adder = addMailboxes(id, state, () => refresh());
  // A perUser connector's owners can bring their own passwords through a link; the card appears once its mode is known.
  const invitationsSlot = h('div', { id: 'invitations-slot' });
  let invitations = null;
  replaceChildren(view,
    head,
    message,
    adder.element,
    invitationsSlot,
    h('section', { class: 'mailboxes', 'aria-labelledby': 'mailboxes-title' },
      h('h2', { id: 'mailboxes-title' }, 'Mailboxes'),
      filterBar,
      shownNote,
      table.element));

  async function refresh() {
    if (state.stopped) return;
    try {
      const [connector, mailboxes] = await Promise.all([api('GET', path), api('GET', `${path}/mailboxes`)]);
      if (state.stopped) return;
      showMessage('');
      const first = !state.connector;
      state.connector = connector;
      state.mailboxes = mailboxes;
      if (first) {
        document.title = `${connector.name} · Vault`;
        adder.prepare(connector, mailboxes.length === 0);
      }
      if (connector.authMode === 'perUser' && !invitations) {
        invitations = invitationsCard(id, { showMessage });
        replaceChildren(invitationsSlot, invitations.element);
      }
      await invitations?.refresh();
      renderHead(head, connector, { refresh, showMessage });
      renderMailboxes();
    } catch (error) {
      if (state.stopped) return;
      if (error instanceof ApiError && error.status === 404) {
        state.stopped = true;
        replaceChildren(view, h('p', { class: 'notice error', role: 'alert' }, 'Vault has no such connector (it may have been deleted).'),
          h('a', { href: '#/connectors' }, 'Back to connectors'));
        return;
      }
      showMessage(`Could not load the connector: ${error.message}`);
    }
    clearTimeout(state.timer);
    if (!state.stopped) state.timer = setTimeout(refresh, refreshEvery);
  }

  function renderMailboxes() {
    const counts = new Map(filters.map(([name, test]) => [name, state.mailboxes.filter(test).length]));
    const focused = document.activeElement?.closest?.('.filter-bar') ? document.activeElement.dataset.filter : null;
    replaceChildren(filterBar, filters.map(([name]) => h('button', {
      type: 'button',
      class: 'secondary filter',
      dataset: { filter: name },
      'aria-pressed': String(state.filter === name),
      onclick: () => { state.filter = name; renderMailboxes(); },
    }, name, ' ', h('span', { class: 'count' }, formatNumber(counts.get(name))))));
    if (focused) filterBar.querySelector(`[data-filter="${focused}"]`)?.focus();

    const test = filters.find(([name]) => name === state.filter)[1];
    const matching = state.mailboxes.filter(test);
    const shown = matching.slice(0, maxRows);
    shownNote.hidden = matching.length <= maxRows;
    shownNote.textContent = `Showing the first ${formatNumber(maxRows)} of ${formatNumber(matching.length)} mailboxes; choose a status to narrow the list.`;
    table.update(shown, state.mailboxes.length === 0
      ? h('div', { class: 'card empty' }, h('h3', {}, 'No mailbox yet'), h('p', {}, 'Add the server’s mailboxes above, from a CSV list.'))
      : h('p', { class: 'muted empty-filter' }, `No mailbox is ${state.filter === 'Error' ? 'in error' : state.filter.toLowerCase()} right now.`));
  }

  refresh();
  return () => {
    state.stopped = true;
    clearTimeout(state.timer);
  };
}

function renderHead(head, connector, { refresh, showMessage }) {
  // Redrawn only when the connector changed, so a focused button keeps its focus between refreshes.
  const signature = JSON.stringify(connector);
  if (head.dataset.signature === signature) return;
  head.dataset.signature = signature;
  const path = `/api/connectors/${encodeURIComponent(connector.id)}`;
  const run = async (label, work) => {
    try {
      await work();
      announce(label);
    } catch (error) {
      showMessage(`${connector.name}: ${error.message}`);
    }
    refresh();
  };
  const summary = connector.summary ?? {};
  const focused = head.contains(document.activeElement) ? document.activeElement.dataset.action : null;
  replaceChildren(head,
    h('div', { class: 'page-head' },
      h('div', {},
        h('p', { class: 'breadcrumb small' }, h('a', { href: '#/connectors' }, 'All connectors')),
        h('h1', {}, connector.name)),
      h('div', { class: 'actions head-actions' },
        h('button', { type: 'button', class: 'secondary', dataset: { action: 'pause' }, onclick: () => run(`${connector.name}: every mailbox paused`, () => api('POST', `${path}/pause`)) }, 'Pause all'),
        h('button', { type: 'button', class: 'secondary', dataset: { action: 'resume' }, onclick: () => run(`${connector.name}: every mailbox resumed`, () => api('POST', `${path}/resume`)) }, 'Resume all'),
        h('a', { class: 'button secondary', dataset: { action: 'edit' }, href: `#/connectors/${encodeURIComponent(connector.id)}/edit` }, 'Edit'),
        h('button', { type: 'button', class: 'danger-outline', dataset: { action: 'delete' }, onclick: () => deleteConnector(connector, summary.mailboxes ?? 0, null, showMessage) }, 'Delete'))),
    connector.description && h('p', { class: 'description' }, connector.description),
    h('section', { class: 'card connector-summary', 'aria-label': 'Summary' },
      h('div', { class: 'summary-progress' },
        h('h2', {}, `${formatNumber(summary.mailboxes ?? 0)} mailbox${summary.mailboxes === 1 ? '' : 'es'}`),
        summaryCounts(summary),
        serverProgress(connector)),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Server'), h('dd', {}, serverLine(connector)),
        h('dt', {}, 'Login'), h('dd', {}, loginSummary(connector)),
        h('dt', {}, 'Archives'), h('dd', {}, archiveLine(connector)),
        h('dt', {}, 'Limits'), h('dd', {}, `${formatNumber(connector.maxConcurrentImports)} imports at once, ${formatNumber(connector.maxConnections)} connections`))));
  if (focused) head.querySelector(`[data-action="${focused}"]`)?.focus();
}

function archiveLine(connector) {
  const parts = [];
  parts.push(connector.includeFolders?.length ? `only ${connector.includeFolders.join(', ')}` : 'every folder');
  if (connector.excludeFolders?.length) parts.push(`except ${connector.excludeFolders.join(', ')}`);
  if (connector.since) parts.push(`mail since ${formatDate(connector.since)}`);
  parts.push(connector.syncMode === 'poll' ? 'then checks periodically' : 'then stays connected (IDLE) where a connection is free');
  return parts.join(', ');
}

/**
 * Asks first. A connector with mailboxes is deleted only together with them (the API answers 409 otherwise), so the
 * dialog says so and offers to erase their archived mail too; a 409 from a mailbox added meanwhile asks again.
 */
async function deleteConnector(connector, mailboxes, conflict, showMessage) {
  const purge = h('input', { type: 'checkbox', id: 'delete-purge' });
  const withMailboxes = mailboxes > 0;
  const one = mailboxes === 1;
  const confirmed = await confirmDialog({
    title: `Delete ${connector.name}?`,
    text: withMailboxes
      ? `${conflict ? `${conflict} ` : ''}${connector.name} still has ${formatNumber(mailboxes)} mailbox${mailboxes === 1 ? '' : 'es'}. `
        + `Deleting the connector deletes ${one ? 'it' : 'them'} too: Vault stops archiving ${one ? 'it' : 'them'} and forgets ${one ? 'it' : 'them'}. `
        + `${one ? 'Its' : 'Their'} archived mail stays in the archive and in search unless you erase it.`
      : `Vault forgets ${connector.name} and its settings. This cannot be undone.`,
    content: withMailboxes && h('div', { class: 'field checkbox' },
      h('label', { for: 'delete-purge' }, purge, ' ', `Also erase the archived mail of ${one ? 'this mailbox' : 'these mailboxes'} (cannot be undone)`)),
    confirmLabel: withMailboxes ? `Delete connector and ${formatNumber(mailboxes)} mailbox${mailboxes === 1 ? '' : 'es'}` : 'Delete connector',
    danger: true,
  });
  if (!confirmed) return;
  const query = withMailboxes ? `?deleteMailboxes=true${purge.checked ? '&purge=true' : ''}` : '';
  try {
    await api('DELETE', `/api/connectors/${encodeURIComponent(connector.id)}${query}`);
    announce(`${connector.name} deleted`);
    location.hash = '#/connectors';
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      // Mailboxes were added since the page last looked: explain and offer to delete them too.
      const left = Number.isInteger(error.problem.mailboxes) ? error.problem.mailboxes : Math.max(mailboxes, 1);
      await deleteConnector(connector, left, 'Vault did not delete it:', showMessage);
    } else {
      showMessage(`${connector.name}: ${error.message}`);
    }
  }
}

/** The "Add mailboxes" card: a CSV list pasted or read from a file, validated (dry run) or added. */
function addMailboxes(id, state, refresh) {
  const path = `/api/connectors/${encodeURIComponent(id)}/mailboxes/csv`;
  const text = h('textarea', { id: 'mailbox-csv', name: 'csv', rows: 8, spellcheck: false, class: 'csv', autocomplete: 'off', 'aria-describedby': 'mailbox-csv-help mailbox-csv-result' });
  const file = h('input', { type: 'file', id: 'mailbox-file', accept: '.csv,text/csv,text/plain' });
  const help = h('div', { class: 'help', id: 'mailbox-csv-help' });
  const result = h('div', { id: 'mailbox-csv-result', 'aria-live': 'polite' });
  const validate = h('button', { type: 'button', class: 'secondary', id: 'validate-mailboxes' }, 'Validate');
  const add = h('button', { type: 'submit', class: 'primary', id: 'add-mailboxes' }, 'Add mailboxes');
  const details = h('details', { class: 'card add-mailboxes' },
    h('summary', {}, h('h2', {}, 'Add mailboxes')),
    h('form', { novalidate: true, onsubmit: event => { event.preventDefault(); busy(add, 'Adding…', () => send(false)); } },
      help,
      h('div', { class: 'field' }, h('label', { for: 'mailbox-csv' }, 'Mailbox list (CSV)'), text),
      h('div', { class: 'field' }, h('label', { for: 'mailbox-file' }, 'Or read a .csv file'), file),
      h('div', { class: 'actions' }, validate, add),
      result));

  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    const reader = new FileReader();
    reader.addEventListener('load', () => {
      // The text goes into the box, so the line errors can be fixed right there.
      text.value = String(reader.result ?? '');
      replaceChildren(result, h('p', { class: 'muted' }, `Read ${chosen.name}: ${formatNumber(lineCount(text.value))} lines. Validate or add them.`));
    });
    reader.addEventListener('error', () => {
      replaceChildren(result, h('p', { class: 'notice error', role: 'alert' }, `Could not read ${chosen.name}.`));
    });
    reader.readAsText(chosen);
  });
  validate.addEventListener('click', () => busy(validate, 'Validating…', () => send(true)));

  async function send(dryRun) {
    const csv = text.value;
    if (!csv.trim()) {
      replaceChildren(result, h('p', { class: 'notice error', role: 'alert' }, 'Paste a list (or read a file) first: a header row, then one mailbox per line.'));
      text.focus();
      return;
    }
    replaceChildren(result, h('p', { class: 'muted' }, dryRun ? 'Checking every line…' : 'Adding the mailboxes…'));
    try {
      const answer = await api('POST', `${path}${dryRun ? '?dryRun=true' : ''}`, csv, { contentType: 'text/csv; charset=utf-8' });
      const count = answer?.valid ?? answer?.created?.length ?? 0;
      const mailboxes = `${formatNumber(count)} mailbox${count === 1 ? '' : 'es'}`;
      if (dryRun) {
        replaceChildren(result, h('p', { class: 'test-ok', id: 'csv-ok' }, h('strong', {}, 'Every line is valid. '), `${mailboxes} can be added; nothing was added yet.`));
      } else {
        text.value = '';
        file.value = '';
        replaceChildren(result, h('p', { class: 'test-ok', id: 'csv-ok' }, h('strong', {}, `Added ${mailboxes}. `),
          `Their imports start now, at most ${formatNumber(state.connector?.maxConcurrentImports ?? 4)} at a time; the others wait as Queued.`));
        announce(`Added ${mailboxes}`);
        refresh();
      }
    } catch (error) {
      replaceChildren(result, csvErrors(error, csv));
    }
  }

  return {
    element: details,
    /** Opens the card for a connector without mailboxes and says which columns its mode needs. */
    prepare(connector, empty) {
      details.open = empty;
      const perUser = connector.authMode === 'perUser';
      const header = perUser ? 'username,email,displayName,password' : 'username,email,displayName';
      replaceChildren(help,
        h('p', {}, 'One mailbox per line, after a header row naming the columns: ', h('code', {}, 'username'), ' (required), ',
          h('code', {}, 'email'), ' and ', h('code', {}, 'displayName'), ' (optional)',
          perUser ? [', and ', h('code', {}, 'password'), ': each mailbox’s own password, kept encrypted.'] : '.'),
        !perUser && h('p', {}, connector.authMode === 'masterUser'
          ? 'No passwords: Vault logs in to each mailbox as the master user.'
          : 'No passwords: Vault logs in to each mailbox with the shared password.'),
        h('p', {}, 'Nothing is added until every line is valid. For example:'),
        h('pre', { class: 'csv-example' }, `${header}\nalice,alice@example.com,Alice Martin${perUser ? ',her-password' : ''}\nbob,,${perUser ? ',his-password' : ''}`));
    },
  };
}

function lineCount(text) {
  return text.split(/\r\n|\n|\r/).filter((line, index, lines) => line !== '' || index < lines.length - 1).length;
}

/** The server's problem in plain words; "line N" errors listed with the text of line N beside them. */
function csvErrors(error, csv) {
  if (!(error instanceof ApiError) || Object.keys(error.fieldErrors).length === 0) {
    return h('p', { class: 'notice error', role: 'alert' }, error.message);
  }
  const lines = csv.split(/\r\n|\n|\r/);
  const entries = Object.entries(error.fieldErrors).map(([key, messages]) => {
    const match = /^line (\d+)$/.exec(key);
    return { key, line: match ? Number(match[1]) : null, messages };
  }).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return h('div', { class: 'test-failed csv-errors', id: 'csv-errors', role: 'alert' },
    h('p', {}, h('strong', {}, 'Nothing was added. '), `${formatNumber(entries.length)} line${entries.length === 1 ? ' needs' : 's need'} attention; fix ${entries.length === 1 ? 'it' : 'them'} in the box and try again.`),
    h('ol', { class: 'line-errors' }, entries.map(({ key, line, messages }) => h('li', { dataset: { line: line ?? '' } },
      h('span', { class: 'line-number' }, line ? `Line ${line}` : key),
      line && lines[line - 1] !== undefined && h('code', { class: 'line-text' }, lines[line - 1] || '(empty line)'),
      h('ul', { class: 'line-messages' }, messages.map(text => h('li', {}, text)))))));
}
