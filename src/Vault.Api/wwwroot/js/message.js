// One archived message: headers, text, attachments and the original .eml, all fetched with the API key.
import { api, download } from './api.js';
import { h, replaceChildren } from './dom.js';
import { formatAddresses, formatBytes, formatDateTime } from './format.js';

export function showMessage(view, { id, back }) {
  document.title = 'Message · Vault';
  let stopped = false;
  const backHref = back && back.startsWith('#/search') ? back : '#/search';
  replaceChildren(view, h('p', { class: 'muted' }, 'Loading the message…'));
  api('GET', `/api/messages/${encodeURIComponent(id)}`)
    .then(message => { if (!stopped) render(view, id, message, backHref); })
    .catch(error => {
      if (!stopped) replaceChildren(view, h('p', { class: 'notice error', role: 'alert' }, error.message), h('a', { href: backHref }, 'Back to the results'));
    });
  return () => { stopped = true; };
}

/** The message answer may carry headers as a list of { name, value } or as an object; show the common ones first. */
function headerRows(message) {
  const rows = [
    ['From', formatAddresses(message.from)],
    ['To', formatAddresses(message.to)],
    ['Cc', formatAddresses(message.cc)],
    ['Date', message.date ? formatDateTime(message.date) : ''],
    ['Folders', (message.folders ?? []).join(', ')],
    ['Deleted on the server', message.deletedOnServerAt ? formatDateTime(message.deletedOnServerAt) : ''],
  ];
  return rows.filter(([, value]) => value);
}

function allHeaders(message) {
  const headers = message.headers;
  if (!headers) return [];
  if (Array.isArray(headers)) return headers.map(header => [header.name ?? header.key, header.value]);
  return Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]);
}

function safeFileName(name, fallback) {
  const cleaned = String(name ?? '').replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim().slice(0, 100);
  return cleaned || fallback;
}

function render(view, id, message, backHref) {
  document.title = `${message.subject || '(no subject)'} · Vault`;
  const status = h('p', { class: 'notice', role: 'status', hidden: true });
  const save = async (path, fileName) => {
    status.hidden = true;
    try {
      await download(path, fileName);
    } catch (error) {
      status.textContent = `The download failed: ${error.message}`;
      status.hidden = false;
    }
  };
  const attachments = message.attachments ?? [];
  const attachmentErrors = message.attachmentErrors ?? [];
  const headers = allHeaders(message);
  const text = message.text ?? message.textBody ?? message.body ?? '';
  replaceChildren(view,
    h('p', {}, h('a', { href: backHref }, '← Back to the results')),
    h('article', { class: 'card message', id: 'message-view' },
      h('h1', { class: 'message-subject' }, message.subject || '(no subject)'),
      h('dl', { class: 'facts' }, headerRows(message).map(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', id: 'download-eml',
          onclick: () => save(`/api/messages/${encodeURIComponent(id)}/raw`, `${safeFileName(message.subject, id)}.eml`) }, 'Download .eml')),
      status,
      message.deletedOnServerAt && h('p', { class: 'notice', id: 'deleted-on-server' },
        `This message was deleted on the mail server on ${formatDateTime(message.deletedOnServerAt)}. Vault keeps it archived.`),
      message.parseError && h('p', { class: 'notice' }, 'Vault could not fully read this message; what it could read is below. Download the .eml for the whole message.'),
      attachments.length > 0 && h('section', { 'aria-labelledby': 'attachments-title' },
        h('h2', { id: 'attachments-title' }, `Attachments (${attachments.length})`),
        h('ul', { class: 'attachments' }, attachments.map((attachment, index) => {
          const name = attachment.fileName ?? attachment.name ?? `attachment-${index + 1}`;
          const path = attachment.url ?? attachment.href ?? `/api/messages/${encodeURIComponent(id)}/attachments/${attachment.index ?? index}`;
          const errors = attachmentErrors.filter(error => error.index === (attachment.index ?? index));
          return h('li', {},
            h('button', { type: 'button', class: 'link-button', onclick: () => save(path, safeFileName(name, `attachment-${index + 1}`)) }, name),
            h('span', { class: 'muted small' }, ` ${attachment.contentType ?? attachment.mimeType ?? ''} ${attachment.size != null ? formatBytes(attachment.size) : ''}`),
            errors.map(error => h('p', { class: 'attachment-error small' },
              `Text not searchable${error.name !== name ? ` (${error.name})` : ''}: ${error.error}`)));
        }))),
      h('h2', { class: 'visually-hidden' }, 'Text'),
      h('pre', { class: 'message-text' }, text || '(This message has no text part.)'),
      headers.length > 0 && h('details', { class: 'all-headers' },
        h('summary', {}, 'All headers'),
        h('dl', { class: 'facts small' }, headers.map(([name, value]) => [h('dt', {}, name), h('dd', {}, String(value ?? ''))])))));
  view.querySelector('h1').focus?.();
}
