// The mailbox owner's page of a self-service link (ARCHITECTURE.md, "Self-service onboarding links"). It talks only to
// its own link's three routes under /onboard/{token}/api: the invitation, a login test and the one-time save. It never
// sees an API key and has no way to /api.
import { h, replaceChildren, announce } from '../js/dom.js';
import { formatDateTime, formatNumber } from '../js/format.js';

const view = document.getElementById('view');
const base = `${location.pathname.replace(/\/+$/, '')}/api`;
const refreshEvery = 3000;
let timer = 0;

class LinkError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? (status === 0 ? 'Vault could not be reached. Check your connection and try again.' : `Vault answered HTTP ${status}.`));
    this.status = status;
    this.problem = problem ?? {};
  }
}

async function call(method, path, body) {
  let response;
  try {
    response = await fetch(`${base}/${path}`, {
      method,
      headers: { Accept: 'application/json, application/problem+json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new LinkError(0, null);
  }
  let payload = null;
  try { payload = await response.json(); } catch { /* no JSON: the status says it */ }
  if (!response.ok) throw new LinkError(response.status, payload);
  return payload;
}

async function load() {
  clearTimeout(timer);
  let invitation;
  try {
    invitation = await call('GET', 'invitation');
  } catch (error) {
    if (error.status === 404 || error.status === 410) {
      // The link stopped working while the page was open (revoked, expired): the server's own page says so.
      location.reload();
      return;
    }
    showProblem(error.message);
    timer = setTimeout(load, refreshEvery * 2);
    return;
  }
  if (invitation.status === 'Used') showStatus(invitation);
  else showForm(invitation);
}

function showProblem(text) {
  replaceChildren(view, h('p', { class: 'notice error', role: 'alert' }, text));
}

function asker(invitation) {
  return invitation.organisation || 'Your administrator';
}

function showForm(invitation) {
  document.title = 'Connect your mailbox · Vault';
  const username = h('input', { type: 'text', id: 'username', name: 'username', autocomplete: 'username', spellcheck: false, value: invitation.email, required: true, 'aria-describedby': 'help-username error-username' });
  const password = h('input', { type: 'password', id: 'password', name: 'password', autocomplete: 'current-password', required: true, 'aria-describedby': 'help-password error-password' });
  const errors = {
    username: h('p', { class: 'field-error', id: 'error-username' }),
    password: h('p', { class: 'field-error', id: 'error-password' }),
  };
  const result = h('div', { id: 'result', 'aria-live': 'polite' });
  const test = h('button', { type: 'button', class: 'secondary', id: 'test' }, 'Test connection');
  const save = h('button', { type: 'submit', class: 'primary', id: 'save' }, 'Save and start archiving');
  const provider = invitation.provider;
  const server = `${invitation.host}:${invitation.port} (${invitation.protocol.toUpperCase()}, ${invitation.tls ? 'encrypted' : 'not encrypted'})`;

  const form = h('form', { class: 'card', novalidate: true, onsubmit: event => { event.preventDefault(); run(save, 'Saving…', submit); } },
    h('h2', {}, 'Your mailbox login'),
    h('div', { class: 'field' },
      h('label', { for: 'username' }, 'User name'),
      username,
      h('p', { class: 'help', id: 'help-username' }, 'Usually your email address; change it if your mail server knows you by another name.'),
      errors.username),
    h('div', { class: 'field' },
      h('label', { for: 'password' }, provider?.needsAppPassword ? 'App Password' : 'Password'),
      password,
      h('p', { class: 'help', id: 'help-password' }, 'Sent to your mail server only to log in; Vault keeps it encrypted and never shows it again.'),
      errors.password),
    h('div', { class: 'actions' }, test, save),
    result);

  replaceChildren(view,
    h('h1', {}, 'Connect your mailbox'),
    h('p', { class: 'lead', id: 'greeting' }, 'Hello ', h('strong', {}, invitation.email), '. ',
      `${asker(invitation)} archives the mailboxes of `, h('strong', { id: 'connector-name' }, invitation.connectorName),
      ' with Vault and asks you to connect yours.'),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Mail server'), h('dd', { id: 'server' }, server),
      h('dt', {}, 'Link valid until'), h('dd', {}, formatDateTime(invitation.expiresAt))),
    provider && h('section', { class: 'guidance', id: 'provider', 'aria-labelledby': 'provider-title' },
      h('h2', { id: 'provider-title' }, provider.needsAppPassword ? `${provider.name}: use an App Password` : provider.name),
      h('p', { id: 'provider-steps' }, provider.steps),
      provider.helpUrl && h('p', {}, h('a', { href: provider.helpUrl, target: '_blank', rel: 'noreferrer noopener', id: 'provider-help' }, `${provider.name} help`))),
    form);

  test.addEventListener('click', () => run(test, 'Testing…', check));

  function read() {
    for (const node of Object.values(errors)) node.textContent = '';
    username.removeAttribute('aria-invalid');
    password.removeAttribute('aria-invalid');
    const body = { username: username.value.trim(), password: password.value };
    if (!body.username) fieldError('username', 'Enter your user name (usually your email address).');
    if (!body.password) fieldError('password', 'Enter your password or App Password.');
    return body.username && body.password ? body : null;
  }

  function fieldError(name, text) {
    errors[name].textContent = text;
    (name === 'username' ? username : password).setAttribute('aria-invalid', 'true');
    (name === 'username' ? username : password).focus();
  }

  function failed(error) {
    if (error.status === 400 && error.problem.errors) {
      for (const [field, messages] of Object.entries(error.problem.errors)) {
        if (errors[field]) fieldError(field, messages.join(' '));
      }
      replaceChildren(result);
      return;
    }
    if (error.status === 404 || error.status === 410 || (error.status === 409 && error.problem.title === 'This link has already been used')) {
      load();
      return;
    }
    replaceChildren(result, h('div', { class: 'test-failed', id: 'test-failed', role: 'alert' },
      h('p', {}, h('strong', {}, error.problem.title && error.status === 422 ? `${error.problem.title}: ` : ''), error.message),
      error.problem.hint && h('p', { class: 'hint' }, error.problem.hint)));
  }

  async function check() {
    const body = read();
    if (!body) return;
    replaceChildren(result, h('p', { class: 'muted' }, 'Logging in to your mail server…'));
    try {
      const answer = await call('POST', 'test', body);
      if (answer.ok) {
        replaceChildren(result, h('p', { class: 'test-ok', id: 'test-ok' }, h('strong', {}, 'Connection works. '),
          `Your mail server accepted the login and lists ${formatNumber(answer.folders)} folder${answer.folders === 1 ? '' : 's'}. Press Save to start archiving.`));
        announce('Connection works');
      } else {
        replaceChildren(result, h('div', { class: 'test-failed', id: 'test-failed', role: 'alert' },
          h('p', {}, h('strong', {}, 'The login did not work. '), answer.message ?? ''),
          answer.hint && h('p', { class: 'hint' }, answer.hint)));
      }
    } catch (error) {
      failed(error);
    }
  }

  async function submit() {
    const body = read();
    if (!body) return;
    replaceChildren(result, h('p', { class: 'muted' }, 'Logging in and saving…'));
    try {
      await call('POST', 'save', body);
      password.value = '';
      announce('Saved. Your mailbox is being archived.');
      await load();
    } catch (error) {
      failed(error);
    }
  }
}

async function run(button, label, work) {
  const text = button.textContent;
  button.disabled = true;
  button.textContent = label;
  try {
    await work();
  } finally {
    if (button.isConnected) {
      button.disabled = false;
      button.textContent = text;
    }
  }
}

const statusWords = {
  Importing: ['badge-importing', 'Importing', 'Vault is copying your mail into the archive.'],
  Queued: ['badge-queued', 'Queued', 'Other mailboxes are being imported first; yours starts as soon as a slot frees.'],
  Active: ['badge-active', 'Active', 'Your mailbox is archived. Vault keeps archiving new mail as it arrives.'],
  Paused: ['badge-paused', 'Paused', 'Your administrator paused the archiving of this mailbox.'],
  Error: ['badge-error', 'Error', 'Vault could not archive your mailbox right now; it tries again by itself.'],
};

function showStatus(invitation) {
  document.title = 'Your mailbox · Vault';
  const mailbox = invitation.mailbox;
  if (!mailbox) {
    replaceChildren(view,
      h('h1', {}, 'Your mailbox'),
      h('p', { class: 'card', id: 'mailbox-status' }, 'This link was used, and your administrator has since removed the mailbox from the archive. Ask them if you have questions.'));
    return;
  }
  const key = mailbox.status === 'Importing' && mailbox.waiting ? 'Queued' : mailbox.status;
  const [badge, label, meaning] = statusWords[key] ?? ['badge-unknown', mailbox.status, ''];
  const total = mailbox.messagesOnServer;
  const archived = mailbox.messagesArchived;
  replaceChildren(view,
    h('h1', {}, 'Your mailbox'),
    h('p', { class: 'lead' }, h('strong', {}, invitation.email), ` is connected to the archive of ${asker(invitation)} (`, invitation.connectorName, ').'),
    h('section', { class: 'card', id: 'mailbox-status', 'aria-labelledby': 'status-title' },
      h('h2', { id: 'status-title', class: 'status-line' }, 'Status ', h('span', { class: `badge ${badge}`, id: 'status-badge' }, label)),
      h('p', {}, meaning),
      mailbox.status === 'Error' && mailbox.errorMessage && h('p', { class: 'error-message' }, mailbox.errorMessage),
      mailbox.status === 'Error' && mailbox.errorHint && h('p', { class: 'hint' }, mailbox.errorHint),
      total > 0 && h('progress', { max: total, value: Math.min(archived, total), 'aria-label': 'Messages archived' }),
      h('p', { id: 'progress-text' },
        total > 0 ? `${formatNumber(archived)} of ${formatNumber(total)} messages archived` : `${formatNumber(archived)} messages archived`,
        mailbox.foldersTotal > 0 ? `, ${formatNumber(mailbox.foldersDone)} of ${formatNumber(mailbox.foldersTotal)} folders done` : '',
        '.'),
      mailbox.lastSyncAt && h('p', { class: 'muted small' }, `Last checked ${formatDateTime(mailbox.lastSyncAt)}.`)),
    h('p', { class: 'closing', id: 'closing' }, 'You may close this page: the archiving runs on Vault’s server, not in your browser. This page refreshes by itself.'));
  timer = setTimeout(load, refreshEvery);
}

load();
