// A perUser connector's self-service links (ARCHITECTURE.md, "Self-service onboarding links"): invite owners by
// address (typed, or a .csv file with an email column), then follow each invitation and the mailbox it created;
// revoke or resend. A link is shown once, right after it was created, and only when Vault does not email it itself.
import { api, ApiError } from './api.js';
import { h, replaceChildren, announce, confirmDialog } from './dom.js';
import { formatDateTime, formatNumber } from './format.js';
import { statusBadge } from './sources.js';
import { busy } from './wizard.js';

const lifetimes = [['1 day', '1.00:00:00'], ['3 days', '3.00:00:00'], ['7 days', '7.00:00:00'], ['14 days', '14.00:00:00'], ['30 days', '30.00:00:00']];
const invitationBadges = { Pending: 'badge-importing', Used: 'badge-active', Expired: 'badge-paused', Revoked: 'badge-error' };

/** The card; `refresh()` reloads the list (the connector page calls it on its own refresh). */
export function invitationsCard(connectorId, { showMessage }) {
  const path = `/api/connectors/${encodeURIComponent(connectorId)}/invitations`;
  const state = { settings: null, invitations: null, signature: '' };
  const addresses = h('textarea', { id: 'invite-emails', name: 'emails', rows: 4, spellcheck: false, class: 'csv', autocomplete: 'off', 'aria-describedby': 'invite-help invite-result' });
  const file = h('input', { type: 'file', id: 'invite-file', accept: '.csv,text/csv,text/plain' });
  const lifetime = h('select', { id: 'invite-lifetime', name: 'expiresIn' },
    lifetimes.map(([label, value]) => h('option', { value, selected: value === '7.00:00:00' }, label)));
  const help = h('div', { class: 'help', id: 'invite-help' });
  const result = h('div', { id: 'invite-result', 'aria-live': 'polite' });
  const invite = h('button', { type: 'submit', class: 'primary', id: 'invite' }, 'Create invitations');
  const list = h('div', { id: 'invitation-list' }, h('p', { class: 'muted' }, 'Loading the invitations…'));
  const element = h('section', { class: 'card invitations', 'aria-labelledby': 'invitations-title' },
    h('h2', { id: 'invitations-title' }, 'Invite mailbox owners'),
    help,
    h('form', { novalidate: true, onsubmit: event => { event.preventDefault(); busy(invite, 'Creating…', () => create()); } },
      h('div', { class: 'field' }, h('label', { for: 'invite-emails' }, 'Email addresses (one per line)'), addresses),
      h('div', { class: 'field' }, h('label', { for: 'invite-file' }, 'Or invite the addresses of a .csv file (a column named email)'), file),
      h('div', { class: 'field' }, h('label', { for: 'invite-lifetime' }, 'Links work for'), lifetime),
      h('div', { class: 'actions' }, invite),
      result),
    h('h3', {}, 'Invitations'),
    list);

  async function loadSettings() {
    state.settings = await api('GET', '/api/invitations/settings');
    replaceChildren(help,
      h('p', {}, 'Each owner gets a link to a page where they type their own password (or App Password). ',
        'Vault tests it, saves the mailbox under this connector and archives it on the server. A link works once and only for its address.'),
      state.settings.sendsEmail
        ? h('p', { id: 'invite-delivery' }, 'Vault emails each link (Vault:Smtp is configured).')
        : h('p', { class: 'warning', id: 'invite-delivery' }, 'Vault has no SMTP server configured (Vault:Smtp:Host), so it sends no email: ',
          'after creating the invitations, copy each link and send it to its owner yourself. Vault shows the links only once.'),
      !state.settings.publicUrlConfigured && h('p', { class: 'small muted' },
        `Links point to ${state.settings.publicUrl}; set Vault:PublicUrl if owners reach Vault at another address.`));
  }

  async function create() {
    const chosen = file.files?.[0];
    const expiresIn = lifetime.value;
    replaceChildren(result, h('p', { class: 'muted' }, 'Creating the invitations…'));
    let answer;
    let csv = null;
    try {
      if (chosen) {
        csv = await chosen.text();
        answer = await api('POST', `${path}/csv?expiresIn=${encodeURIComponent(expiresIn)}`, csv, { contentType: 'text/csv; charset=utf-8' });
      } else {
        const emails = addresses.value.split(/\r\n|\n|\r/).map(line => line.trim()).filter(Boolean);
        if (emails.length === 0) {
          replaceChildren(result, h('p', { class: 'notice error', role: 'alert' }, 'Type at least one address, or choose a .csv file.'));
          addresses.focus();
          return;
        }
        answer = await api('POST', path, { emails, expiresIn });
      }
    } catch (error) {
      replaceChildren(result, problem(error, csv, addresses.value));
      return;
    }
    addresses.value = '';
    file.value = '';
    replaceChildren(result, created(answer));
    announce(`${answer.invitations.length} invitations created`);
    await refresh();
  }

  async function refresh() {
    try {
      if (!state.settings) await loadSettings();
      const invitations = await api('GET', path);
      const signature = JSON.stringify(invitations);
      if (signature === state.signature) return;
      state.signature = signature;
      render(invitations);
    } catch (error) {
      showMessage(`Could not load the invitations: ${error.message}`);
    }
  }

  function render(invitations) {
    if (invitations.length === 0) {
      replaceChildren(list, h('p', { class: 'muted', id: 'no-invitations' }, 'No invitation yet.'));
      return;
    }
    const focused = list.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
    replaceChildren(list, h('table', { class: 'list invitation-table' },
      h('caption', { class: 'visually-hidden' }, 'Invitations of this connector, with the mailbox each created'),
      h('thead', {}, h('tr', {}, ['Address', 'Status', 'Mailbox', 'Email', 'Actions'].map(text => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, invitations.map(row))));
    if (focused) list.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
  }

  function row(invitation) {
    const pending = invitation.status === 'Pending';
    const act = (label, work) => async () => {
      try {
        await work();
        announce(label);
      } catch (error) {
        showMessage(`${invitation.email}: ${error.message}`);
      }
      await refresh();
    };
    const revoke = act(`Invitation for ${invitation.email} revoked`, async () => {
      const confirmed = await confirmDialog({
        title: `Revoke the invitation for ${invitation.email}?`,
        text: 'Its link stops working at once. You can invite the address again later.',
        confirmLabel: 'Revoke',
        danger: true,
      });
      if (confirmed) await api('DELETE', `/api/invitations/${encodeURIComponent(invitation.id)}`);
    });
    const resend = act(`Invitation for ${invitation.email} sent again`, () => api('POST', `/api/invitations/${encodeURIComponent(invitation.id)}/resend`));
    return h('tr', { dataset: { invitation: invitation.id } },
      h('th', { scope: 'row', class: 'account' }, invitation.email),
      h('td', { 'data-label': 'Status' },
        h('span', { class: `badge ${invitationBadges[invitation.status] ?? 'badge-unknown'}` }, invitation.status),
        h('span', { class: 'meta small muted' }, pending || invitation.status === 'Expired'
          ? `${pending ? 'until' : 'since'} ${formatDateTime(invitation.expiresAt)}`
          : invitation.status === 'Used' ? formatDateTime(invitation.usedAt) : formatDateTime(invitation.revokedAt))),
      h('td', { 'data-label': 'Mailbox' }, invitation.mailbox
        ? [h('a', { href: `#/sources/${encodeURIComponent(invitation.mailbox.id)}` }, invitation.mailbox.username ?? invitation.mailbox.id), ' ',
          invitation.mailbox.status === 'Deleted' ? h('span', { class: 'badge badge-unknown' }, 'Deleted') : statusBadge(invitation.mailbox.status)]
        : h('span', { class: 'muted' }, '—')),
      h('td', { 'data-label': 'Email' }, invitation.sendError
        ? h('span', { class: 'field-error send-error' }, `Not sent: ${invitation.sendError}`)
        : invitation.sentAt ? h('span', { class: 'small' }, `Sent ${formatDateTime(invitation.sentAt)}`) : h('span', { class: 'muted small' }, 'Not emailed')),
      h('td', { 'data-label': 'Actions', class: 'row-actions' },
        pending && state.settings?.sendsEmail && h('button', { type: 'button', class: 'secondary', dataset: { focusKey: `resend-${invitation.id}` }, 'aria-label': `Send the invitation for ${invitation.email} again`, onclick: event => busy(event.currentTarget, 'Sending…', resend) }, 'Resend'),
        pending && h('button', { type: 'button', class: 'danger-outline', dataset: { focusKey: `revoke-${invitation.id}` }, 'aria-label': `Revoke the invitation for ${invitation.email}`, onclick: revoke }, 'Revoke')));
  }

  /** What a create did: emailed (with any send failures), or the links to copy, shown this once. */
  function created(answer) {
    const invitations = answer.invitations;
    const count = `${formatNumber(invitations.length)} invitation${invitations.length === 1 ? '' : 's'}`;
    if (answer.emailed) {
      const failed = invitations.filter(invitation => invitation.sendError);
      return h('div', { class: failed.length ? 'test-failed' : 'test-ok', id: 'invite-ok' },
        h('p', {}, h('strong', {}, `Created ${count}. `), failed.length
          ? `${formatNumber(invitations.length - failed.length)} emailed; ${formatNumber(failed.length)} could not be sent (listed below, with Resend).`
          : 'Each owner was emailed their link.'),
        failed.length > 0 && h('ul', {}, failed.map(invitation => h('li', {}, `${invitation.email}: ${invitation.sendError}`))));
    }
    return h('div', { class: 'test-ok', id: 'invite-ok' },
      h('p', {}, h('strong', {}, `Created ${count}. `), 'Copy each link now and send it to its owner: Vault keeps no copy and cannot show it again.'),
      h('ul', { class: 'invite-links' }, invitations.map(invitation => {
        const link = h('input', { type: 'text', readOnly: true, value: invitation.url, 'aria-label': `Link for ${invitation.email}`, class: 'invite-link' });
        return h('li', {},
          h('span', { class: 'invite-email' }, invitation.email),
          link,
          h('button', { type: 'button', class: 'secondary', onclick: async event => {
            const button = event.currentTarget;
            link.select();
            try {
              await navigator.clipboard.writeText(invitation.url);
              button.textContent = 'Copied';
            } catch {
              button.textContent = 'Press Ctrl+C';
            }
          } }, 'Copy'));
      })));
  }

  return { element, refresh };
}

/** A 400 in plain words: `emails[i]` names the i-th address typed, `line N` the line of the .csv file. */
function problem(error, csv, typed) {
  if (!(error instanceof ApiError) || Object.keys(error.fieldErrors).length === 0) {
    return h('p', { class: 'notice error', role: 'alert' }, error.message);
  }
  const typedLines = typed.split(/\r\n|\n|\r/).map(line => line.trim()).filter(Boolean);
  const csvLines = csv?.split(/\r\n|\n|\r/) ?? [];
  const entries = Object.entries(error.fieldErrors).map(([key, messages]) => {
    const line = /^line (\d+)$/.exec(key);
    const item = /^emails\[(\d+)\]$/.exec(key);
    return {
      label: line ? `Line ${line[1]}` : item ? `Address ${Number(item[1]) + 1}` : key,
      text: line ? csvLines[Number(line[1]) - 1] : item ? typedLines[Number(item[1])] : null,
      messages,
    };
  });
  return h('div', { class: 'test-failed csv-errors', id: 'invite-errors', role: 'alert' },
    h('p', {}, h('strong', {}, 'No invitation was created. '), `${formatNumber(entries.length)} ${entries.length === 1 ? 'entry needs' : 'entries need'} attention.`),
    h('ol', { class: 'line-errors' }, entries.map(({ label, text, messages }) => h('li', {},
      h('span', { class: 'line-number' }, label),
      text !== null && text !== undefined && h('code', { class: 'line-text' }, text || '(empty line)'),
      h('ul', { class: 'line-messages' }, messages.map(message => h('li', {}, message)))))));
}
