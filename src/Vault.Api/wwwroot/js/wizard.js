// Add-source wizard (also edit): provider preset or generic IMAP/POP3, server settings, credentials, Test connection, Save.
// Its form parts (field, checkbox, busy, testResult, showErrors) serve the connector wizard too.
import { api, ApiError } from './api.js';
import { h, replaceChildren, announce } from './dom.js';
import { formatNumber } from './format.js';
import { startSignIn, providerNames } from './oauth.js';

// Used when GET /api/providers has no host-less preset for a protocol (or does not answer).
const generic = [
  { id: 'imap', name: 'Other IMAP server', protocol: 'imap', host: '', port: 993, tls: true, generic: true, steps: [] },
  { id: 'pop3', name: 'Other POP3 server', protocol: 'pop3', host: '', port: 995, tls: true, generic: true, steps: [] },
];
const standardPorts = { imap: { tls: 993, plain: 143 }, pop3: { tls: 995, plain: 110 } };

export function showWizard(view, { mode, id, retry = false }) {
  const editing = mode === 'edit';
  document.title = `${editing ? 'Edit source' : 'Add source'} · Vault`;
  const state = { providers: [...generic], source: null, oauth: {}, stopped: false };
  replaceChildren(view, h('p', { class: 'muted' }, 'Loading…'));
  Promise.all([
    api('GET', '/api/providers').catch(() => []),
    editing ? api('GET', `/api/sources/${encodeURIComponent(id)}`) : null,
    api('GET', '/api/oauth/providers').catch(() => []),
  ]).then(([providers, source, oauth]) => {
    if (state.stopped) return;
    const presets = normaliseProviders(providers);
    state.providers = [...presets, ...generic.filter(g => !presets.some(p => p.generic && p.protocol === g.protocol))];
    state.source = source;
    // Which OAuth providers have a client configured: { google: true, microsoft: false }.
    state.oauth = Object.fromEntries((Array.isArray(oauth) ? oauth : []).map(p => [p.provider, Boolean(p.configured)]));
    render(view, state, { editing, id, retry });
  }).catch(error => {
    if (!state.stopped) replaceChildren(view, h('p', { class: 'notice error', role: 'alert' }, error.message), h('a', { href: '#/sources' }, 'Back to sources'));
  });
  return () => { state.stopped = true; };
}

/** Presets from GET /api/providers: { id, name, protocol, host (null for "other server"), port, tls, needsAppPassword, steps, helpUrl }. */
function normaliseProviders(answer) {
  const list = Array.isArray(answer) ? answer : [];
  return list.map(preset => ({
    id: String(preset.id),
    name: preset.name ?? preset.id,
    protocol: String(preset.protocol ?? 'imap').toLowerCase(),
    host: preset.host ?? '',
    port: preset.port ?? 993,
    tls: preset.tls ?? true,
    generic: !preset.host,
    needsAppPassword: Boolean(preset.needsAppPassword),
    // One paragraph from Vault today; a list is shown as numbered steps.
    steps: Array.isArray(preset.steps) ? preset.steps : [preset.steps].filter(Boolean),
    helpUrl: preset.helpUrl ?? null,
    // "google" or "microsoft" when the preset can sign in with OAuth2 instead of a password.
    oauthProvider: preset.oauthProvider ?? null,
  }));
}

export function field(name, label, input, help) {
  input.id = `field-${name}`;
  input.name = name;
  const error = h('p', { class: 'field-error', id: `error-${name}`, 'data-error-for': name });
  const helpNode = help ? h('p', { class: 'help', id: `help-${name}` }, help) : null;
  input.setAttribute('aria-describedby', [helpNode?.id, error.id].filter(Boolean).join(' '));
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, helpNode, error);
}

export function checkbox(name, label, help) {
  const input = h('input', { type: 'checkbox', id: `field-${name}`, name });
  const error = h('p', { class: 'field-error', id: `error-${name}`, 'data-error-for': name });
  return h('div', { class: 'field checkbox' },
    h('label', { for: input.id }, input, ' ', label),
    help && h('p', { class: 'help' }, help), error);
}

function render(view, state, { editing, id, retry }) {
  const source = state.source;
  const providerSelect = h('select', {}, state.providers.map(p => h('option', { value: p.id }, p.name)));
  const form = h('form', { class: 'card wizard', novalidate: true },
    h('h1', {}, editing ? `Edit ${source.name}` : 'Add a source'),
    retry && source?.error && h('div', { class: 'notice error' },
      h('p', {}, source.error.message),
      source.error.hint && h('p', {}, h('strong', {}, 'What to do: '), source.error.hint)),
    h('p', { class: 'form-error', role: 'alert', id: 'form-error', hidden: true }),
    h('fieldset', {}, h('legend', {}, '1. Provider'),
      field('provider', 'Mail provider', providerSelect, 'A preset fills in the server settings; you can still change them.'),
      h('div', { id: 'provider-guidance' })),
    h('fieldset', {}, h('legend', {}, '2. Server'),
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
        'Vault will accept any certificate from this server, so someone on the network could read the mail and the password. Use it only for a self-signed certificate you trust.')),
    h('fieldset', {}, h('legend', {}, '3. Account'),
      h('div', { id: 'sign-in-method', hidden: true },
        h('p', { class: 'field-label', id: 'sign-in-method-legend' }, 'How Vault signs in'),
        h('div', { class: 'choices', role: 'radiogroup', 'aria-labelledby': 'sign-in-method-legend' },
          h('div', { class: 'choice' },
            h('label', { for: 'sign-in-oauth2' }, h('input', { type: 'radio', name: 'signInWith', id: 'sign-in-oauth2', value: 'oauth2', 'aria-describedby': 'advice-oauth2' }), ' ',
              h('strong', { id: 'oauth2-choice-label' }, 'Sign in with the provider (OAuth2)')),
            h('p', { class: 'help', id: 'advice-oauth2' }, 'Recommended: you sign in on the provider\'s own page and Vault never sees the password. Required by Microsoft 365 and Outlook.com.')),
          h('div', { class: 'choice' },
            h('label', { for: 'sign-in-password' }, h('input', { type: 'radio', name: 'signInWith', id: 'sign-in-password', value: 'password', 'aria-describedby': 'advice-password' }), ' ',
              h('strong', {}, 'Use an App Password')),
            h('p', { class: 'help', id: 'advice-password' }, 'Where the provider still allows one and the account\'s administrator did not turn it off.'))),
        h('div', { id: 'oauth-guidance' })),
      field('name', 'Name in Vault', h('input', { type: 'text', required: true, placeholder: 'Work mailbox' })),
      field('description', 'Description (optional)', h('textarea', { rows: 2, maxlength: 1000, placeholder: 'Whose mailbox this is, what it holds, how long to keep it' }),
        'Shown under the name in the sources list.'),
      field('username', 'User name', h('input', { type: 'text', autocomplete: 'off', spellcheck: false, required: true })),
      h('div', { id: 'password-field' }, field('password', 'Password', h('input', { type: 'password', autocomplete: 'new-password', required: !editing }),
        editing && source?.auth !== 'oauth2' ? 'Leave empty to keep the saved password.' : 'Kept encrypted by Vault; it never appears in the dashboard again.')),
      field('syncMode', 'After the import', h('select', {},
        h('option', { value: 'idle' }, 'Stay connected (IDLE) for new mail'),
        h('option', { value: 'poll' }, 'Check periodically (poll)')))),
    h('fieldset', {}, h('legend', {}, '4. Test and save'),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', id: 'test-connection' }, 'Test connection'),
        h('button', { type: 'submit', class: 'primary', id: 'save-source' }, editing ? (retry ? 'Save and retry' : 'Save changes') : 'Save and start import'),
        editing && h('button', { type: 'button', class: 'secondary', id: 'sign-in-again', hidden: true }, 'Save and sign in again'),
        h('a', { href: '#/sources', class: 'button link' }, 'Cancel')),
      h('div', { id: 'test-result', 'aria-live': 'polite' })));
  replaceChildren(view, form);

  const input = name => form.elements.namedItem(name);
  const guidance = form.querySelector('#provider-guidance');
  const insecureWarning = form.querySelector('#insecure-warning');
  const passwordLabel = form.querySelector('label[for="field-password"]');

  const applyProvider = (preset, prefill) => {
    if (prefill) {
      input('protocol').value = preset.protocol;
      input('host').value = preset.host;
      input('port').value = preset.port;
      input('tls').checked = preset.tls;
      input('tlsMode').value = '';
      tlsModeField.hidden = !preset.tls;
      if (!input('name').value || input('name').dataset.auto) {
        input('name').value = preset.generic ? '' : preset.name;
        input('name').dataset.auto = preset.generic ? '' : '1';
      }
    }
    passwordLabel.textContent = preset.needsAppPassword ? 'App Password' : 'Password';
    methodBox.hidden = !preset.oauthProvider;
    if (preset.oauthProvider) {
      form.querySelector('#oauth2-choice-label').textContent = `Sign in with ${providerNames[preset.oauthProvider]} (OAuth2)`;
      if (prefill) form.querySelector('#sign-in-oauth2').checked = true;
    }
    followMethod();
  };
  const methodBox = form.querySelector('#sign-in-method');
  const oauthProvider = () => (methodBox.hidden ? null : findProvider(state, providerSelect.value).oauthProvider);
  const usesOAuth = () => Boolean(oauthProvider()) && form.querySelector('#sign-in-oauth2').checked;
  // OAuth2: no password, no connection test (there is no token before the sign-in), and the provider's steps instead of App Password ones.
  const followMethod = () => {
    const oauth = usesOAuth();
    const preset = findProvider(state, providerSelect.value);
    form.querySelector('#password-field').hidden = oauth;
    form.querySelector('#test-connection').hidden = oauth;
    replaceChildren(guidance, oauth ? [] : providerGuidance(preset));
    replaceChildren(form.querySelector('#oauth-guidance'), oauth ? oauthGuidance(oauthProvider(), state.oauth[oauthProvider()]) : []);
    form.querySelector('label[for="field-username"]').textContent = oauth ? 'Email address (the account you sign in with)' : 'User name';
    const save = form.querySelector('#save-source');
    if (!editing) save.textContent = oauth ? `Sign in with ${providerNames[oauthProvider()]}` : 'Save and start import';
    const again = form.querySelector('#sign-in-again');
    if (again) {
      again.hidden = !oauth;
      again.textContent = `Save and sign in with ${providerNames[oauthProvider()] ?? 'the provider'} again`;
    }
  };
  for (const radio of form.querySelectorAll('input[name="signInWith"]')) radio.addEventListener('change', followMethod);
  providerSelect.addEventListener('change', () => { applyProvider(findProvider(state, providerSelect.value), true); followProtocol(); });
  input('name').addEventListener('input', () => { input('name').dataset.auto = ''; });
  // Switching TLS or protocol moves the port along when it still is a standard one.
  const adjustPort = previous => {
    const ports = Object.values(standardPorts).flatMap(p => [p.tls, p.plain]).map(String);
    if (previous === undefined || ports.includes(input('port').value)) {
      const ports = standardPorts[input('protocol').value];
      input('port').value = input('tls').checked ? ports.tls : ports.plain;
    }
  };
  const tlsModeField = form.querySelector('#tls-mode-field');
  const showTlsMode = () => { tlsModeField.hidden = !input('tls').checked; };
  input('tls').addEventListener('change', () => { adjustPort(input('port').value); showTlsMode(); });
  input('protocol').addEventListener('change', () => adjustPort(input('port').value));
  // POP3 has no IDLE: a POP3 mailbox always polls.
  const followProtocol = () => {
    const pop3 = input('protocol').value === 'pop3';
    input('syncMode').querySelector('option[value="idle"]').disabled = pop3;
    if (pop3) input('syncMode').value = 'poll';
  };
  input('protocol').addEventListener('change', followProtocol);
  input('allowInsecureCertificate').addEventListener('change', () => { insecureWarning.hidden = !input('allowInsecureCertificate').checked; });

  if (source) {
    const protocol = String(source.protocol ?? 'imap').toLowerCase();
    // The source JSON may not name its preset: recognise it by host, else fall back to the generic one.
    const preset = state.providers.find(p => p.id === source.provider)
      ?? state.providers.find(p => !p.generic && p.protocol === protocol && p.host.toLowerCase() === String(source.host).toLowerCase())
      ?? state.providers.find(p => p.generic && p.protocol === protocol);
    providerSelect.value = preset?.id ?? generic[0].id;
    form.querySelector(source.auth === 'oauth2' ? '#sign-in-oauth2' : '#sign-in-password').checked = true;
    applyProvider(preset ?? generic[0], false);
    for (const name of ['protocol', 'host', 'port', 'name', 'description', 'username']) input(name).value = source[name] ?? '';
    input('protocol').value = String(source.protocol ?? 'imap').toLowerCase();
    input('tls').checked = Boolean(source.tls);
    input('allowInsecureCertificate').checked = Boolean(source.allowInsecureCertificate);
    input('syncMode').value = String(source.syncMode ?? 'idle').toLowerCase();
    input('tlsMode').value = source.tls && source.tlsMode ? source.tlsMode : '';
    insecureWarning.hidden = !source.allowInsecureCertificate;
    (retry ? input('password') : input('name')).focus();
  } else {
    applyProvider(state.providers[0], true);
    providerSelect.focus();
  }

  showTlsMode();
  followProtocol();

  const body = () => {
    const request = {
      name: input('name').value.trim(),
      protocol: input('protocol').value,
      host: input('host').value.trim(),
      port: Number(input('port').value),
      tls: input('tls').checked,
      allowInsecureCertificate: input('allowInsecureCertificate').checked,
      username: input('username').value.trim(),
      syncMode: input('protocol').value === 'pop3' ? 'poll' : input('syncMode').value,
    };
    if (input('description').value.trim()) request.description = input('description').value.trim();
    if (request.tls && input('tlsMode').value) request.tlsMode = input('tlsMode').value;
    const preset = findProvider(state, providerSelect.value);
    if (!preset.generic) request.provider = preset.id;
    // An edit replaces the settings: carry over what this form does not show.
    if (source) {
      for (const name of ['includeFolders', 'excludeFolders', 'pollInterval', 'timeout', 'since', 'email']) {
        if (source[name] !== undefined && source[name] !== null) request[name] = source[name];
      }
    }
    if (usesOAuth()) {
      request.auth = 'oauth2';
      request.oauthProvider = oauthProvider();
    } else if (input('password').value || !editing) {
      request.password = input('password').value;
    }
    return request;
  };

  form.querySelector('#test-connection').addEventListener('click', event => busy(event.currentTarget, 'Testing…', async () => {
    clearErrors(form);
    const result = form.querySelector('#test-result');
    replaceChildren(result, h('p', { class: 'muted' }, 'Connecting to the server…'));
    try {
      const request = body();
      // The test endpoint takes the create body and never sees the saved password: ask for it when editing.
      if (!request.password) {
        replaceChildren(result);
        form.querySelector('[data-error-for="password"]').textContent = 'Enter the password to test the connection.';
        input('password').setAttribute('aria-invalid', 'true');
        input('password').focus();
        return;
      }
      replaceChildren(result, testResult(await api('POST', '/api/sources/test', request)));
    } catch (error) {
      replaceChildren(result);
      showErrors(form, error);
    }
  }));

  // Saves, then sends the person to the provider; the way back (/oauth/callback) lands on the sources page.
  const saveAndSignIn = async button => busy(button, 'Opening sign-in…', async () => {
    clearErrors(form);
    const provider = oauthProvider();
    if (!state.oauth[provider]) {
      showErrors(form, new Error(`Vault has no ${providerNames[provider]} OAuth client yet: an administrator enters it under Settings > OAuth settings first.`));
      return;
    }
    try {
      const saved = editing
        ? await api('PUT', `/api/sources/${encodeURIComponent(id)}`, body())
        : await api('POST', '/api/sources', body());
      announce(`Opening the ${providerNames[provider]} sign-in`);
      await startSignIn(saved.id);
    } catch (error) {
      showErrors(form, error);
    }
  });
  form.querySelector('#sign-in-again')?.addEventListener('click', event => saveAndSignIn(event.currentTarget));

  form.addEventListener('submit', event => {
    event.preventDefault();
    if (usesOAuth() && !editing) {
      saveAndSignIn(form.querySelector('#save-source'));
      return;
    }
    busy(form.querySelector('#save-source'), 'Saving…', async () => {
      clearErrors(form);
      try {
        if (editing) {
          const saved = await api('PUT', `/api/sources/${encodeURIComponent(id)}`, body());
          // An edit that changed the account (or made it OAuth2) needs a sign-in: go there at once.
          if (usesOAuth() && saved?.error?.code === 'OAuthConsentRequired') {
            await startSignIn(saved.id);
            return;
          }
          // Vault restarts a failed source when its settings change; resume only one the edit left waiting.
          if (retry && (saved?.status === 'Error' || saved?.status === 'Paused')) {
            await api('POST', `/api/sources/${encodeURIComponent(id)}/resume`);
          }
        } else {
          await api('POST', '/api/sources', body());
        }
        announce(editing ? 'Source saved' : 'Source added; the import begins');
        location.hash = '#/sources';
      } catch (error) {
        showErrors(form, error);
      }
    });
  });
}

/** Disables the button and shows what it is doing until the work ends. */
export async function busy(button, label, work) {
  const original = button.textContent;
  button.disabled = true;
  button.textContent = label;
  try { await work(); } finally {
    button.disabled = false;
    button.textContent = original;
  }
}

function findProvider(state, id) {
  return state.providers.find(p => p.id === id) ?? generic[0];
}

function oauthGuidance(provider, configured) {
  const name = providerNames[provider];
  return h('div', { class: 'guidance', id: 'oauth-steps' },
    h('h2', {}, `Sign in with ${name}`),
    h('p', {}, `Vault sends you to ${name}'s sign-in page. Sign in with this mailbox's account and allow Vault to read its mail; `,
      `${name} sends you back here and the import starts. Vault keeps only a token it can renew, never the password.`),
    !configured && h('p', { class: 'warning', role: 'alert', id: 'oauth-not-configured' },
      `An administrator must first register Vault with ${name} and enter its client under `, h('a', { href: '#/settings' }, 'OAuth settings'), '.'));
}

function providerGuidance(preset) {
  const steps = preset.steps ?? [];
  if (!preset.needsAppPassword && steps.length === 0) return [];
  return h('div', { class: 'guidance', id: 'provider-steps' },
    h('h2', {}, preset.needsAppPassword ? `${preset.name} needs an App Password` : `Before you start with ${preset.name}`),
    preset.needsAppPassword && h('p', {}, 'Your normal password will not work here. Create an App Password for Vault and enter it below.'),
    steps.length === 1 ? h('p', {}, steps[0]) : steps.length > 1 && h('ol', {}, steps.map(step => h('li', {}, step))),
    preset.helpUrl && h('p', {}, h('a', { href: preset.helpUrl, target: '_blank', rel: 'noopener noreferrer' }, `${preset.name}: official instructions`), ' (opens in a new tab)'));
}

export function testResult(result) {
  if (result?.ok) {
    // Folders come as { name, messages } (messages null where the server did not say).
    const folders = (result.folders ?? []).map(folder => typeof folder === 'string' ? folder
      : Number.isInteger(folder.messages) ? `${folder.name} (${formatNumber(folder.messages)})` : folder.name);
    return h('div', { class: 'test-ok', id: 'test-ok' },
      h('p', {}, h('strong', {}, 'Connection works. '), `Vault found ${folders.length} folder${folders.length === 1 ? '' : 's'}${folders.length ? ':' : '.'}`),
      folders.length > 0 && h('ul', { class: 'folder-list' }, folders.map(name => h('li', {}, name))),
      result.capabilities?.length > 0 && h('details', {}, h('summary', {}, 'Server capabilities'),
        h('p', { class: 'small' }, (Array.isArray(result.capabilities) ? result.capabilities : [result.capabilities]).join(' '))));
  }
  const error = typeof result?.error === 'string' ? { message: result.error } : result?.error ?? {};
  return h('div', { class: 'test-failed', id: 'test-failed', role: 'alert' },
    h('p', {}, h('strong', {}, 'The connection failed. '), error.message ?? 'The server did not accept the connection.'),
    error.hint && h('p', { class: 'hint' }, h('strong', {}, 'What to do: '), error.hint),
    error.serverResponse && h('p', {}, 'The server said: ', h('code', {}, error.serverResponse)),
    error.code && h('p', { class: 'small muted' }, `(${error.code})`));
}

export function clearErrors(form) {
  for (const node of form.querySelectorAll('[data-error-for]')) node.textContent = '';
  for (const node of form.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
  const formError = form.querySelector('#form-error');
  formError.hidden = true;
  formError.textContent = '';
}

/** Problem details in plain words at the top; each field's own errors right under that field. */
export function showErrors(form, error) {
  const formError = form.querySelector('#form-error');
  const unplaced = [];
  let first = null;
  if (error instanceof ApiError) {
    for (const [key, messages] of Object.entries(error.fieldErrors)) {
      // A list's item ("includeFolders[1]") is shown under the list's own field.
      const name = form.querySelector(`[data-error-for="${CSS.escape(key)}"]`) ? key : key.replace(/\[\d+\]$/, '');
      const target = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
      if (target) {
        target.textContent = [target.textContent, ...messages].filter(Boolean).join(' ');
        // A radio group is a RadioNodeList: mark and focus its first button.
        const named = form.elements.namedItem(name);
        const control = named instanceof Element ? named : named?.[0];
        control?.setAttribute('aria-invalid', 'true');
        first ??= control;
      } else {
        unplaced.push(...messages.map(message => `${key}: ${message}`));
      }
    }
  }
  formError.textContent = [error.message, ...unplaced].join(' ');
  formError.hidden = false;
  (first ?? formError).focus?.();
}
