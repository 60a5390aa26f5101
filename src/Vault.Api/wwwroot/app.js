// Vault dashboard: a hash router over plain ES modules. Every request goes to this origin's /api (no CDN, no fonts).
import { session, checkKey, onUnauthorized } from './js/api.js';
import { h, replaceChildren } from './js/dom.js';
import { showSources } from './js/sources.js';
import { showWizard } from './js/wizard.js';
import { showSearch } from './js/search.js';
import { showMessage } from './js/message.js';
import { showOverview } from './js/overview.js';
import { showConnectors } from './js/connectors.js';
import { showConnector } from './js/connector.js';
import { showConnectorWizard } from './js/connector-wizard.js';
import { showImport } from './js/import.js';
import { showOAuthSettings } from './js/oauth.js';
import { showRestore } from './js/restore.js';

const view = document.getElementById('view');
const topbar = document.getElementById('topbar');
let leaveCurrent = () => {};

// "/#key=<key>" signs in directly: keep the key for this tab, then take it out of the address bar and history.
function takeKeyFromFragment() {
  const match = /^#key=(.+)$/.exec(location.hash);
  if (!match) return;
  session.signIn(decodeURIComponent(match[1]));
  history.replaceState(null, '', location.pathname + location.search);
}

function parseRoute() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

async function render() {
  leaveCurrent();
  leaveCurrent = () => {};
  if (!session.key) {
    showSignIn();
    return;
  }
  topbar.hidden = false;
  const { parts, params } = parseRoute();
  const [section, id, action] = parts;
  for (const link of topbar.querySelectorAll('[data-nav]')) {
    const current = link.dataset.nav === (section === 'messages' ? 'search' : section ?? 'overview');
    if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  let leave;
  // The home page ("#/" or no fragment at all) is the overview.
  if (section === undefined || section === 'overview') leave = showOverview(view);
  else if (section === 'connectors' && id === 'new') leave = showConnectorWizard(view, { mode: 'create' });
  else if (section === 'connectors' && id && action === 'edit') leave = showConnectorWizard(view, { mode: 'edit', id });
  else if (section === 'connectors' && id) leave = showConnector(view, { id });
  else if (section === 'connectors') leave = showConnectors(view);
  else if (section === 'sources' && id === 'new') leave = showWizard(view, { mode: 'create' });
  else if (section === 'sources' && id === 'import') leave = showImport(view);
  else if (section === 'sources' && id && action === 'restore') leave = showRestore(view, { id });
  else if (section === 'sources' && id && action === 'edit') leave = showWizard(view, { mode: 'edit', id, retry: params.get('retry') === '1' });
  else if (section === 'search') leave = showSearch(view, { q: params.get('q') ?? '', page: Number(params.get('page') ?? 1) || 1, sort: params.get('sort') ?? '' });
  else if (section === 'messages' && id) leave = showMessage(view, { id, back: params.get('back') });
  else if (section === 'settings') leave = showOAuthSettings(view);
  else leave = showSources(view, { focusId: id, connected: params.get('connected') });
  leaveCurrent = typeof leave === 'function' ? leave : () => {};
}

function showSignIn(message) {
  topbar.hidden = true;
  document.title = 'Sign in · Vault';
  const input = h('input', { id: 'api-key', name: 'apiKey', type: 'password', autocomplete: 'current-password', required: true, 'aria-describedby': 'api-key-help' });
  const error = h('p', { class: 'field-error', id: 'sign-in-error', role: 'alert' }, message ?? '');
  const form = h('form', { class: 'card sign-in', novalidate: true, onsubmit: async event => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      error.textContent = 'Enter the API key.';
      input.focus();
      return;
    }
    error.textContent = '';
    try {
      if (!(await checkKey(key))) {
        error.textContent = 'Vault did not accept that key.';
        input.focus();
        return;
      }
    } catch (failure) {
      error.textContent = failure.message;
      return;
    }
    session.signIn(key);
    // Without a fragment this is the home page, the overview; with one, the page that was asked for.
    render();
  } },
    h('h1', {}, 'Sign in to Vault'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('p', { class: 'help', id: 'api-key-help' },
      'Vault printed its API key on the console at its first start (or it is the Vault__ApiKey you configured). ',
      'It is kept for this browser tab only.'),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  replaceChildren(view, form);
  input.focus();
}

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  history.replaceState(null, '', location.pathname);
  render();
});

onUnauthorized(() => {
  session.signOut();
  leaveCurrent();
  leaveCurrent = () => {};
  showSignIn('Vault did not accept the API key any more. Sign in again.');
});

window.addEventListener('hashchange', () => {
  takeKeyFromFragment();
  render();
});

takeKeyFromFragment();
render();
