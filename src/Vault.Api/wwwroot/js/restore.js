// Restore a source to an IMAP mailbox: the target form, then every restore of the source with its progress, refreshed
// while one runs, each failure explained with what to do, and Resume for a restore that stopped.
import { api } from './api.js';
import { h, replaceChildren, announce } from './dom.js';
import { formatBytes, formatDateTime, formatNumber, formatRelative } from './format.js';
import { field, checkbox, busy, clearErrors, showErrors } from './wizard.js';

const refreshEvery = 2000;

export function showRestore(view, { id }) {
  document.title = 'Restore · Vault';
  const state = { stopped: false, timer: 0 };
  replaceChildren(view, h('p', { class: 'muted' }, 'Loading…'));
  api('GET', `/api/sources/${encodeURIComponent(id)}`).then(source => {
    if (state.stopped) return;
    document.title = `Restore ${source.name} · Vault`;
    const list = h('div', { id: 'restore-list', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading restores…'));
    const refresh = async () => {
      if (state.stopped) return;
      clearTimeout(state.timer);
      try {
        const restores = await api('GET', `/api/restores?sourceId=${encodeURIComponent(id)}`);
        if (state.stopped) return;
        renderRestores(list, restores, refresh);
        if (restores.some(r => r.status === 'Running')) state.timer = setTimeout(refresh, refreshEvery);
      } catch (error) {
        if (!state.stopped) replaceChildren(list, h('p', { class: 'notice error', role: 'alert' }, `Could not load the restores: ${error.message}`));
      }
    };
    replaceChildren(view,
      h('div', { class: 'page-head' }, h('h1', {}, `Restore ${source.name}`),
        h('div', { class: 'actions' }, h('a', { class: 'button secondary', href: '#/sources' }, 'Back to sources'))),
      targetForm(source, refresh),
      h('section', { class: 'card', 'aria-labelledby': 'restores-title' }, h('h2', { id: 'restores-title' }, 'Restores of this source'), list));
    refresh();
  }).catch(error => {
    if (!state.stopped) replaceChildren(view, h('p', { class: 'notice error', role: 'alert' }, error.message), h('a', { href: '#/sources' }, 'Back to sources'));
  });
  return () => {
    state.stopped = true;
    clearTimeout(state.timer);
  };
}

function targetForm(source, refresh) {
  const input = (attributes = {}) => h('input', { type: 'text', autocomplete: 'off', ...attributes });
  const host = input({ required: true, placeholder: 'imap.example.org' });
  const port = input({ type: 'number', min: 1, max: 65535, value: 993 });
  const tlsMode = h('select', {}, h('option', { value: 'implicit' }, 'Implicit TLS (usually port 993)'),
    h('option', { value: 'starttls' }, 'STARTTLS (usually port 143)'), h('option', { value: 'none' }, 'None: plain text (trusted networks only)'));
  const insecure = checkbox('allowInsecureCertificate', 'Allow insecure certificate',
    'Only for a server whose self-signed certificate you trust: Vault then accepts any certificate from it.');
  const username = input({ required: true, autocomplete: 'off' });
  const password = input({ type: 'password', required: true, autocomplete: 'new-password' });
  const prefix = input({ placeholder: 'Restored' });
  const query = input({ placeholder: 'from:alice date:2023-01-01..2023-12-31' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'restore-submit' }, 'Start restore');
  tlsMode.addEventListener('change', () => {
    if (port.value === '993' || port.value === '143') port.value = tlsMode.value === 'implicit' ? '993' : '143';
  });

  const form = h('form', { class: 'card wizard', id: 'restore-form', novalidate: true, onsubmit: async event => {
    event.preventDefault();
    clearErrors(form);
    const body = {
      host: host.value.trim(),
      port: port.value ? Number(port.value) : null,
      tls: tlsMode.value !== 'none',
      tlsMode: tlsMode.value === 'none' ? null : tlsMode.value,
      allowInsecureCertificate: insecure.querySelector('input').checked,
      username: username.value.trim(),
      password: password.value,
      folderPrefix: prefix.value.trim() || null,
      query: query.value.trim() || null,
    };
    await busy(submit, 'Starting…', async () => {
      try {
        await api('POST', `/api/sources/${encodeURIComponent(source.id)}/restore`, body);
        password.value = '';
        announce(`Restore of ${source.name} started`);
        refresh();
      } catch (error) {
        showErrors(form, error);
      }
    });
  } },
    h('h2', {}, 'Restore into a mailbox'),
    h('p', { class: 'help' },
      'Vault puts every archived message back into an IMAP mailbox, in its folders (created as needed), with its flags and received date, ',
      'byte for byte. It skips what the mailbox already holds, so running it again, or resuming after a failure, never makes duplicates.'),
    h('p', { class: 'form-error', role: 'alert', id: 'form-error', hidden: true, tabindex: -1 }),
    h('fieldset', {}, h('legend', {}, 'Target server'),
      field('host', 'Host', host),
      field('port', 'Port', port),
      field('tlsMode', 'Encryption', tlsMode),
      insecure),
    h('fieldset', {}, h('legend', {}, 'Mailbox'),
      field('username', 'Username', username, 'A master-user login (user*admin) works too.'),
      field('password', 'Password or App Password', password, 'Kept encrypted for this restore and its resumes; never shown again.')),
    h('fieldset', {}, h('legend', {}, 'What to restore (optional)'),
      field('folderPrefix', 'Under folder', prefix, 'Restore into this folder (e.g. Restored) instead of the mailbox\'s top level.'),
      field('query', 'Only messages matching', query, 'A search query, as on the Search page; empty restores every message.')),
    h('div', { class: 'actions' }, submit));
  return form;
}

function renderRestores(list, restores, refresh) {
  if (restores.length === 0) {
    replaceChildren(list, h('p', { class: 'muted' }, 'No restore yet.'));
    return;
  }
  replaceChildren(list, h('ol', { class: 'restore-list' }, restores.map(restore => restoreItem(restore, refresh))));
}

function restoreItem(restore, refresh) {
  const target = restore.target ?? {};
  const done = restore.messagesRestored + restore.messagesSkipped + (restore.messagesFailed ?? 0);
  const total = Math.max(restore.messagesTotal, done, 1);
  const label = `${formatNumber(done)} of ${formatNumber(restore.messagesTotal)} messages`;
  const badge = { Running: 'importing', Completed: 'active', Failed: 'error' }[restore.status] ?? 'unknown';
  const resume = async button => busy(button, 'Resuming…', async () => {
    await api('POST', `/api/restores/${encodeURIComponent(restore.id)}/resume`);
    announce('Restore resumed');
    refresh();
  });
  const resumeButton = restore.status === 'Failed'
    ? h('button', { type: 'button', class: 'primary', dataset: { action: 'resume-restore' }, onclick: event => resume(event.currentTarget) }, 'Resume')
    : null;
  return h('li', { class: 'card restore', dataset: { restoreId: restore.id, status: restore.status } },
    h('div', { class: 'restore-head' },
      h('span', { class: `badge badge-${badge}` }, restore.status),
      h('strong', {}, ` ${target.username}@${target.host}:${target.port}`),
      target.folderPrefix && h('span', { class: 'muted' }, ` under ${target.folderPrefix}`),
      restore.query && h('span', { class: 'muted' }, ' · only ', h('code', {}, restore.query))),
    h('progress', { max: total, value: Math.min(done, total), 'aria-label': `Restore to ${target.username}: ${label}` }, `${Math.floor((done / total) * 100)}%`),
    h('p', { class: 'small', dataset: { restoreProgress: '' } },
      `${label} · ${formatNumber(restore.messagesRestored)} restored, ${formatNumber(restore.messagesSkipped)} already there`,
      restore.messagesFailed > 0 ? `, ${formatNumber(restore.messagesFailed)} not restored (see the source's events)` : '',
      ` · ${formatBytes(restore.bytesRestored)}`),
    h('p', { class: 'small muted' },
      restore.status === 'Running' && restore.currentFolder ? `Folder ${restore.foldersDone + 1} of ${restore.foldersTotal}: ${restore.currentFolder} · ` : '',
      `Started ${formatDateTime(restore.createdAt)}`,
      restore.finishedAt ? ` · finished ${formatRelative(restore.finishedAt)}` : '',
      restore.messagesNormalized > 0 ? ` · ${formatNumber(restore.messagesNormalized)} with line ends repaired` : ''),
    restore.error && restoreError(restore),
    resumeButton && h('div', { class: 'actions' }, resumeButton));
}

function restoreError(restore) {
  const error = restore.error;
  const retrying = restore.status === 'Running' && error.nextRetryAt;
  return h('div', { class: `restore-error ${retrying ? 'notice' : 'notice error'}`, role: retrying ? 'status' : 'alert' },
    h('p', {}, h('strong', {}, retrying ? 'Trying again: ' : 'Stopped: '), error.message),
    error.hint && h('p', {}, h('strong', {}, 'What to do: '), error.hint),
    h('dl', { class: 'facts' },
      [h('dt', {}, 'Kind'), h('dd', {}, h('code', {}, error.code))],
      error.serverResponse && [h('dt', {}, 'Server said'), h('dd', {}, h('pre', { class: 'server-response' }, error.serverResponse))],
      retrying && [h('dt', {}, 'Next attempt'), h('dd', {}, h('time', { datetime: error.nextRetryAt }, formatRelative(error.nextRetryAt)))]));
}
