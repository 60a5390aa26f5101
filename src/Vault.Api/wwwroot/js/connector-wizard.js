// Add-connector wizard (also edit): the server, how Vault logs in to each mailbox (three auth modes, explained),
// what every mailbox archives, the limits, then Test connection as one mailbox and Save.
import { api } from './api.js';
import { h, replaceChildren, announce } from './dom.js';
import { busy, checkbox, clearErrors, field, showErrors, testResult } from './wizard.js';

const standardPorts = { imap: { tls: 993, plain: 143 }, pop3: { tls: 995, plain: 110 } };

/** The three ways in, with the advice of the migration guides (and ../shared/notes/master-users.md). */
const modes = [
  {
    value: 'masterUser',
    label: 'Master user: an admin account that may log in as any mailbox',
    advice: 'For Dovecot and most servers with an admin: Dovecot master users, Cyrus accounts listed in admins or proxyservers, Zimbra and Exchange admins. Vault logs in as each mailbox with the admin’s password.',
  },
  {
    value: 'magicPassword',
    label: 'Shared password: one password opens every mailbox',
    advice: 'For Postfix-style servers without admin accounts, where the password database accepts one “magic” password for every user. Vault logs in as each user with that password.',
  },
  {
    value: 'perUser',
    label: 'Each mailbox’s own password',
    advice: 'For Cyrus without admin rights and for hosted mailboxes where you are not the admin: each mailbox brings its own password in the list. Self-service links, where each owner types their password, are coming.',
  },
];

export function showConnectorWizard(view, { mode, id }) {
  const editing = mode === 'edit';
  document.title = `${editing ? 'Edit connector' : 'Add connector'} · Vault`;
  const state = { stopped: false };
  replaceChildren(view, h('p', { class: 'muted' }, 'Loading…'));
  (editing ? api('GET', `/api/connectors/${encodeURIComponent(id)}`) : Promise.resolve(null)).then(connector => {
    if (!state.stopped) render(view, connector, { editing, id });
  }).catch(error => {
    if (!state.stopped) replaceChildren(view, h('p', { class: 'notice error', role: 'alert' }, error.message), h('a', { href: '#/connectors' }, 'Back to connectors'));
  });
  return () => { state.stopped = true; };
}

function render(view, connector, { editing, id }) {
  const back = editing ? `#/connectors/${encodeURIComponent(id)}` : '#/connectors';
  const modeChoices = h('div', { class: 'choices', role: 'radiogroup', 'aria-labelledby': 'auth-mode-legend' },
    modes.map(choice => h('div', { class: 'choice' },
      h('label', { for: `auth-${choice.value}` },
        h('input', { type: 'radio', name: 'authMode', id: `auth-${choice.value}`, value: choice.value, 'aria-describedby': `advice-${choice.value}` }),
        ' ', h('strong', {}, choice.label)),
      h('p', { class: 'help', id: `advice-${choice.value}` }, choice.advice))));
  const form = h('form', { class: 'card wizard', novalidate: true },
    h('h1', {}, editing ? `Edit ${connector.name}` : 'Add a connector'),
    h('p', { class: 'muted' }, 'A connector is one mail server and the way Vault logs in to each of its mailboxes. You add the mailboxes on the connector’s page, from a CSV list.'),
    h('p', { class: 'form-error', role: 'alert', id: 'form-error', hidden: true }),
    h('fieldset', {}, h('legend', {}, '1. Server'),
      field('name', 'Name in Vault', h('input', { type: 'text', required: true, placeholder: 'Company mail server' })),
      field('description', 'Description (optional)', h('textarea', { rows: 2, maxlength: 1000, placeholder: 'Which server, whose mailboxes, how long to keep them' })),
      h('div', { class: 'row' },
        field('protocol', 'Protocol', h('select', {}, h('option', { value: 'imap' }, 'IMAP'), h('option', { value: 'pop3' }, 'POP3'))),
        field('host', 'Server (host name)', h('input', { type: 'text', autocomplete: 'off', spellcheck: false, required: true })),
        field('port', 'Port', h('input', { type: 'number', min: 1, max: 65535, required: true, class: 'narrow' }))),
      checkbox('tls', 'Use TLS (encrypted connection)', 'Off means plain text with no STARTTLS: only for a server on this machine or a trusted network.'),
      h('div', { id: 'tls-mode-field' }, field('tlsMode', 'TLS mode', h('select', {},
        h('option', { value: '' }, 'Automatic: STARTTLS on 143 and 110, implicit TLS on other ports'),
        h('option', { value: 'implicit' }, 'Implicit TLS (encrypted from the first byte)'),
        h('option', { value: 'starttls' }, 'STARTTLS (plain connection upgraded to TLS)')))),
      checkbox('allowInsecureCertificate', 'Allow insecure certificate'),
      h('p', { class: 'warning', id: 'insecure-warning', role: 'alert', hidden: true },
        'Vault will accept any certificate from this server, so someone on the network could read the mail and the passwords. Use it only for a self-signed certificate you trust.'),
      field('domains', 'Mail domains (optional)', h('input', { type: 'text', autocomplete: 'off', spellcheck: false, placeholder: 'example.com, example.org' }),
        'The domains this server hosts, separated by commas or spaces.')),
    h('fieldset', {}, h('legend', { id: 'auth-mode-legend' }, '2. How Vault logs in to each mailbox'),
      modeChoices,
      h('p', { class: 'field-error', id: 'error-authMode', 'data-error-for': 'authMode' }),
      h('div', { id: 'master-user-fields' },
        field('adminUsername', 'Admin (master) user name', h('input', { type: 'text', autocomplete: 'off', spellcheck: false })),
        field('masterLogin', 'How the admin logs in as a mailbox', h('select', {},
          h('option', { value: 'authzid' }, 'SASL PLAIN with the mailbox as authorization id (Cyrus, Zimbra, Exchange, Dovecot)'),
          h('option', { value: 'separator' }, 'User name, separator, admin: alice*admin (Dovecot’s auth_master_user_separator)')),
          'SASL PLAIN is the standard way; choose the separator form when the server has no SASL PLAIN authorization ids.'),
        h('div', { id: 'separator-field' }, field('masterUserSeparator', 'Separator', h('input', { type: 'text', maxlength: 1, class: 'narrow', autocomplete: 'off', spellcheck: false }),
          'One character, as in the server’s settings; Dovecot setups often use *.'))),
      h('div', { id: 'admin-password-field' },
        field('adminPassword', 'Admin password', h('input', { type: 'password', autocomplete: 'new-password' }),
          editing ? 'Leave empty to keep the saved password.' : 'Kept encrypted by Vault; it never appears in the dashboard again.')),
      h('p', { class: 'guidance', id: 'per-user-guidance', hidden: true },
        'Each mailbox’s password comes with the mailbox list: a password column in the CSV on the connector’s page.')),
    h('fieldset', {}, h('legend', {}, '3. What every mailbox archives'),
      field('includeFolders', 'Only these folders (optional)', h('textarea', { rows: 2, spellcheck: false, placeholder: 'INBOX\nArchive/*' }),
        'One folder per line, “/” between levels, * and ? as wildcards. Empty: every folder.'),
      field('excludeFolders', 'Leave out these folders (optional)', h('textarea', { rows: 2, spellcheck: false, placeholder: 'Junk\nTrash' }),
        'One folder per line, as above.'),
      field('since', 'Only mail received since (optional)', h('input', { type: 'date' }),
        'By the server’s received date (INTERNALDATE), from midnight UTC. Empty: all mail.'),
      h('div', { class: 'row two' },
        field('syncMode', 'After the import', h('select', {},
          h('option', { value: 'idle' }, 'Stay connected (IDLE) for new mail'),
          h('option', { value: 'poll' }, 'Check periodically (poll)')),
          'Connections beyond the limit below are never held open: those mailboxes are checked in turn.'),
        field('pollInterval', 'Check every (minutes, optional)', h('input', { type: 'number', min: 1, step: 1, class: 'narrow' }),
          'Empty: Vault’s default.'))),
    h('fieldset', {}, h('legend', {}, '4. Limits'),
      h('div', { class: 'row two' },
        field('maxConcurrentImports', 'Imports at once', h('input', { type: 'number', min: 1, max: 100, class: 'narrow', placeholder: '4' }),
          'How many mailboxes run their first import together; the others wait as Queued. Default 4.'),
        field('maxConnections', 'Connections at most', h('input', { type: 'number', min: 1, max: 1000, class: 'narrow', placeholder: '20' }),
          'Vault never holds more connections to this server; keep it under the server’s per-IP limit. Default 20.'))),
    h('fieldset', {}, h('legend', {}, '5. Test and save'),
      h('div', { class: 'row two' },
        field('testUser', 'Test mailbox (a user name on this server)', h('input', { type: 'text', autocomplete: 'off', spellcheck: false }),
          'Test connection logs in as this mailbox the connector’s way and lists its folders; nothing is saved.'),
        h('div', { id: 'test-password-field' }, field('testPassword', 'Its password', h('input', { type: 'password', autocomplete: 'off' })))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', id: 'test-connection' }, 'Test connection'),
        h('button', { type: 'submit', class: 'primary', id: 'save-connector' }, editing ? 'Save changes' : 'Save connector'),
        h('a', { href: back, class: 'button link' }, 'Cancel')),
      h('div', { id: 'test-result', 'aria-live': 'polite' })));
  replaceChildren(view, form);

  const input = name => form.elements.namedItem(name);
  const show = (selector, visible) => { form.querySelector(selector).hidden = !visible; };
  const authMode = () => form.querySelector('input[name="authMode"]:checked')?.value ?? 'masterUser';
  const adminPasswordLabel = form.querySelector('label[for="field-adminPassword"]');
  const showMode = () => {
    const current = authMode();
    show('#master-user-fields', current === 'masterUser');
    show('#separator-field', current === 'masterUser' && input('masterLogin').value === 'separator');
    show('#admin-password-field', current !== 'perUser');
    show('#per-user-guidance', current === 'perUser');
    show('#test-password-field', current === 'perUser');
    adminPasswordLabel.textContent = current === 'magicPassword' ? 'Shared (magic) password' : 'Admin password';
  };
  for (const radio of form.querySelectorAll('input[name="authMode"]')) radio.addEventListener('change', showMode);
  input('masterLogin').addEventListener('change', () => {
    if (input('masterLogin').value === 'separator' && !input('masterUserSeparator').value) input('masterUserSeparator').value = '*';
    showMode();
  });
  const adjustPort = () => {
    const known = Object.values(standardPorts).flatMap(p => [p.tls, p.plain]).map(String);
    if (known.includes(input('port').value) || !input('port').value) {
      const ports = standardPorts[input('protocol').value];
      input('port').value = input('tls').checked ? ports.tls : ports.plain;
    }
  };
  const showTlsMode = () => show('#tls-mode-field', input('tls').checked);
  input('tls').addEventListener('change', () => { adjustPort(); showTlsMode(); });
  input('protocol').addEventListener('change', adjustPort);
  // POP3 has no IDLE: a POP3 mailbox always polls.
  const followProtocol = () => {
    const pop3 = input('protocol').value === 'pop3';
    input('syncMode').querySelector('option[value="idle"]').disabled = pop3;
    if (pop3) input('syncMode').value = 'poll';
  };
  input('protocol').addEventListener('change', followProtocol);
  input('allowInsecureCertificate').addEventListener('change', () => show('#insecure-warning', input('allowInsecureCertificate').checked));

  if (connector) {
    for (const name of ['name', 'description', 'host', 'port', 'adminUsername']) input(name).value = connector[name] ?? '';
    input('protocol').value = connector.protocol ?? 'imap';
    input('tls').checked = Boolean(connector.tls);
    input('tlsMode').value = connector.tls && connector.tlsMode ? connector.tlsMode : '';
    input('allowInsecureCertificate').checked = Boolean(connector.allowInsecureCertificate);
    input('domains').value = (connector.domains ?? []).join(', ');
    form.querySelector(`#auth-${connector.authMode ?? 'masterUser'}`).checked = true;
    input('masterLogin').value = connector.masterUserSeparator ? 'separator' : 'authzid';
    input('masterUserSeparator').value = connector.masterUserSeparator ?? '';
    input('includeFolders').value = (connector.includeFolders ?? []).join('\n');
    input('excludeFolders').value = (connector.excludeFolders ?? []).join('\n');
    input('since').value = connector.since ? String(connector.since).slice(0, 10) : '';
    input('syncMode').value = connector.syncMode ?? 'idle';
    input('pollInterval').value = connector.pollInterval ? minutes(connector.pollInterval) : '';
    input('maxConcurrentImports').value = connector.maxConcurrentImports ?? '';
    input('maxConnections').value = connector.maxConnections ?? '';
    show('#insecure-warning', Boolean(connector.allowInsecureCertificate));
  } else {
    input('tls').checked = true;
    form.querySelector('#auth-masterUser').checked = true;
    adjustPort();
  }
  showMode();
  showTlsMode();
  followProtocol();
  input('name').focus();

  const body = () => {
    const mode = authMode();
    const request = {
      name: input('name').value.trim(),
      protocol: input('protocol').value,
      host: input('host').value.trim(),
      port: Number(input('port').value),
      tls: input('tls').checked,
      allowInsecureCertificate: input('allowInsecureCertificate').checked,
      authMode: mode,
      domains: words(input('domains').value),
      includeFolders: lines(input('includeFolders').value),
      excludeFolders: lines(input('excludeFolders').value),
      syncMode: input('protocol').value === 'pop3' ? 'poll' : input('syncMode').value,
    };
    if (input('description').value.trim()) request.description = input('description').value.trim();
    if (request.tls && input('tlsMode').value) request.tlsMode = input('tlsMode').value;
    if (mode === 'masterUser') {
      request.adminUsername = input('adminUsername').value.trim();
      if (input('masterLogin').value === 'separator') request.masterUserSeparator = input('masterUserSeparator').value;
    }
    if (mode !== 'perUser' && (input('adminPassword').value || !editing)) request.adminPassword = input('adminPassword').value;
    if (input('since').value) request.since = input('since').value;
    if (input('pollInterval').value) request.pollInterval = timeSpan(Number(input('pollInterval').value) * 60);
    for (const name of ['maxConcurrentImports', 'maxConnections']) {
      if (input(name).value) request[name] = Number(input(name).value);
    }
    // An edit replaces the settings: carry over what this form does not show.
    if (connector?.timeout) request.timeout = connector.timeout;
    return request;
  };

  form.querySelector('#test-connection').addEventListener('click', event => busy(event.currentTarget, 'Testing…', async () => {
    clearErrors(form);
    const result = form.querySelector('#test-result');
    replaceChildren(result);
    const request = { ...body(), testUser: input('testUser').value.trim() };
    if (authMode() === 'perUser') request.testPassword = input('testPassword').value;
    // Vault tests with what the form holds: it never uses the saved password for a test.
    const missing = !request.testUser ? ['testUser', 'Enter the user name of a mailbox on this server to log in as.']
      : authMode() !== 'perUser' && !request.adminPassword ? ['adminPassword', `Enter the ${authMode() === 'magicPassword' ? 'shared' : 'admin'} password to test the connection.`]
        : authMode() === 'perUser' && !request.testPassword ? ['testPassword', 'Enter this mailbox’s password to test the connection.']
          : null;
    if (missing) {
      const [name, text] = missing;
      form.querySelector(`[data-error-for="${name}"]`).textContent = text;
      input(name).setAttribute('aria-invalid', 'true');
      input(name).focus();
      return;
    }
    replaceChildren(result, h('p', { class: 'muted' }, `Logging in as ${request.testUser}…`));
    try {
      replaceChildren(result, testResult(await api('POST', '/api/connectors/test', request)));
    } catch (error) {
      replaceChildren(result);
      showErrors(form, error);
    }
  }));

  form.addEventListener('submit', event => {
    event.preventDefault();
    busy(form.querySelector('#save-connector'), 'Saving…', async () => {
      clearErrors(form);
      try {
        const saved = editing
          ? await api('PUT', `/api/connectors/${encodeURIComponent(id)}`, body())
          : await api('POST', '/api/connectors', body());
        announce(editing ? 'Connector saved' : 'Connector added; now add its mailboxes');
        location.hash = `#/connectors/${encodeURIComponent(saved?.id ?? id)}`;
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
}

function lines(text) {
  return text.split(/\r?\n/).map(line => line.trim()).filter(Boolean);
}

function words(text) {
  return text.split(/[\s,;]+/).map(word => word.trim()).filter(Boolean);
}

/** "00:05:00" (or "1.00:00:00") as TimeSpan's invariant format, from seconds. */
function timeSpan(seconds) {
  const total = Math.max(0, Math.round(seconds));
  const days = Math.floor(total / 86400);
  const pad = value => String(value).padStart(2, '0');
  const clock = `${pad(Math.floor((total % 86400) / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  return days > 0 ? `${days}.${clock}` : clock;
}

/** A TimeSpan ("00:05:00", "1.02:00:00") in minutes, for the form. */
function minutes(span) {
  const match = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(String(span));
  if (!match) return '';
  const [, days = '0', hours, mins, secs] = match;
  return String(Math.round(((Number(days) * 24 + Number(hours)) * 60 + Number(mins) + Number(secs) / 60) * 100) / 100);
}
