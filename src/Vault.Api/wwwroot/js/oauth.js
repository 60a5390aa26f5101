// OAuth2 mailboxes: the provider settings page (#/settings), and sending a person to Google or Microsoft to sign a source in.
import { api, ApiError } from './api.js';
import { h, replaceChildren, announce } from './dom.js';
import { busy } from './wizard.js';
import { formatDateTime } from './format.js';

export const providerNames = { google: 'Google', microsoft: 'Microsoft' };

/**
 * Asks Vault for the provider's sign-in page of this source and goes there; the provider sends the browser back to
 * /oauth/callback, which returns to the sources page. This tab keeps the API key (session storage) across the round trip.
 */
export async function startSignIn(sourceId) {
  const { authorizeUrl } = await api('POST', `/api/sources/${encodeURIComponent(sourceId)}/oauth/start`);
  location.assign(authorizeUrl);
}

/** The error panel's action for an OAuth2 source: sign in again (or for the first time). */
export function reconnectButton(source, showMessage) {
  const provider = providerNames[source.oauthProvider] ?? 'the provider';
  return h('button', {
    type: 'button', class: 'primary', id: `reconnect-${source.id}`, dataset: { action: 'reconnect' },
    'aria-label': `Reconnect ${source.name}: sign in with ${provider}`,
    onclick: event => busy(event.currentTarget, 'Opening sign-in…', async () => {
      try {
        await startSignIn(source.id);
      } catch (error) {
        showMessage(`${source.name}: ${error.message}`);
      }
    }),
  }, source.error?.code === 'OAuthConsentRequired' && !source.lastSyncAt ? `Sign in with ${provider}` : 'Reconnect');
}

export function showOAuthSettings(view) {
  document.title = 'OAuth settings · Vault';
  const state = { stopped: false };
  replaceChildren(view, h('p', { class: 'muted' }, 'Loading…'));
  api('GET', '/api/oauth/providers').then(providers => {
    if (state.stopped) return;
    replaceChildren(view,
      h('div', { class: 'page-head' }, h('h1', {}, 'OAuth settings')),
      h('p', { class: 'lede' },
        'Gmail and Microsoft 365 mailboxes can sign in with OAuth2 instead of a password. For that Vault must be registered ',
        'once as an app at Google and at Microsoft; enter what the registration gives you here. Each mailbox is then connected ',
        'by someone who signs in with its account (Sources > Add source, or Reconnect).'),
      providers.map(providerCard));
  }).catch(error => {
    if (!state.stopped) replaceChildren(view, h('p', { class: 'notice error', role: 'alert' }, error.message));
  });
  return () => { state.stopped = true; };
}

function providerCard(settings) {
  const id = settings.provider;
  const name = settings.name;
  const field = (key, label, input, help) => {
    input.id = `${id}-${key}`;
    input.name = key;
    const error = h('p', { class: 'field-error', id: `${id}-error-${key}`, 'data-error-for': key });
    const helpNode = help ? h('p', { class: 'help', id: `${id}-help-${key}` }, help) : null;
    input.setAttribute('aria-describedby', [helpNode?.id, error.id].filter(Boolean).join(' '));
    return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, helpNode, error);
  };
  const custom = (value, fallback) => (value && value !== fallback ? value : '');
  const status = h('p', { class: 'notice', role: 'status', id: `${id}-status`, hidden: true });
  const secretHelp = settings.clientSecretSet
    ? 'A secret is saved (it is never shown again). Leave this empty to keep it, or enter a new one to replace it.'
    : 'From the app registration; Vault keeps it encrypted and never shows it again.';
  const form = h('form', { class: 'card oauth-provider', id: `oauth-${id}`, novalidate: true, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, name, ' ', settings.configured
      ? h('span', { class: 'badge badge-active' }, 'Configured')
      : h('span', { class: 'badge badge-paused' }, 'Not configured')),
    h('div', { class: 'guidance' },
      h('p', {}, settings.registrationSteps),
      h('p', {}, 'Redirect URI to register: ', h('code', { id: `${id}-redirect-uri` }, settings.redirectUri)),
      h('p', { class: 'help' }, 'It is Vault:PublicUrl followed by /oauth/callback: set Vault:PublicUrl to the address people reach Vault at, or it is taken from this page\'s address.'),
      h('p', {}, h('a', { href: settings.registrationUrl, target: '_blank', rel: 'noopener noreferrer' }, `Register the app at ${name}`), ' (opens in a new tab)')),
    h('p', { class: 'form-error', role: 'alert', id: `${id}-form-error`, hidden: true }),
    field('clientId', 'Client ID', h('input', { type: 'text', autocomplete: 'off', spellcheck: false, required: true, value: settings.clientId ?? '' }),
      id === 'microsoft' ? 'The Application (client) ID of the app registration.' : 'Ends in .apps.googleusercontent.com.'),
    field('clientSecret', 'Client secret', h('input', { type: 'password', autocomplete: 'new-password', placeholder: settings.clientSecretSet ? '•••••••• (saved)' : '' }), secretHelp),
    id === 'microsoft' && field('tenant', 'Tenant', h('input', { type: 'text', autocomplete: 'off', spellcheck: false, value: settings.tenant ?? 'common' }),
      'common (work, school and personal accounts), organizations (work and school only), consumers (personal only), or your tenant id or domain for a single-tenant app.'),
    h('details', { class: 'advanced' },
      h('summary', {}, 'Scopes and endpoints'),
      field('scopes', 'Scopes', h('input', { type: 'text', spellcheck: false, value: settings.scopes }), `Separated by spaces. Default: ${settings.defaultScopes}`),
      field('authorizeUrl', 'Authorize URL', h('input', { type: 'url', spellcheck: false, placeholder: settings.defaultAuthorizeUrl, value: custom(settings.authorizeUrl, settings.defaultAuthorizeUrl) }),
        'Leave empty for the default; change it for a sovereign cloud.'),
      field('tokenUrl', 'Token URL', h('input', { type: 'url', spellcheck: false, placeholder: settings.defaultTokenUrl, value: custom(settings.tokenUrl, settings.defaultTokenUrl) }),
        'Leave empty for the default.')),
    settings.updatedAt && h('p', { class: 'small muted' }, `Last saved ${formatDateTime(settings.updatedAt)}.`),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: `${id}-save` }, `Save ${name} settings`)),
    status);
  form.addEventListener('submit', event => {
    event.preventDefault();
    busy(form.querySelector(`#${id}-save`), 'Saving…', async () => {
      for (const node of form.querySelectorAll('[data-error-for]')) node.textContent = '';
      form.querySelector(`#${id}-form-error`).hidden = true;
      const value = key => form.elements.namedItem(key)?.value.trim() ?? '';
      const body = { clientId: value('clientId') };
      if (value('clientSecret')) body.clientSecret = value('clientSecret');
      if (id === 'microsoft' && value('tenant')) body.tenant = value('tenant');
      if (value('scopes') && value('scopes') !== settings.defaultScopes) body.scopes = value('scopes');
      if (value('authorizeUrl')) body.authorizeUrl = value('authorizeUrl');
      if (value('tokenUrl')) body.tokenUrl = value('tokenUrl');
      try {
        const saved = await api('PUT', `/api/oauth/providers/${id}`, body);
        const fresh = providerCard(saved);
        form.replaceWith(fresh);
        const note = fresh.querySelector(`#${id}-status`);
        note.textContent = `${name} settings saved.`;
        note.hidden = false;
        announce(`${name} settings saved`);
      } catch (error) {
        const formError = form.querySelector(`#${id}-form-error`);
        if (error instanceof ApiError) {
          for (const [key, messages] of Object.entries(error.fieldErrors)) {
            const target = form.querySelector(`[data-error-for="${CSS.escape(key)}"]`);
            if (target) target.textContent = messages.join(' ');
            form.elements.namedItem(key)?.setAttribute('aria-invalid', 'true');
          }
        }
        formError.textContent = error.message;
        formError.hidden = false;
        formError.focus?.();
      }
    });
  });
  return form;
}
