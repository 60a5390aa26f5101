// Import from files: drop .mbox, .eml or .zip files (or pick them), name the source, upload with a progress bar.
import { upload } from './api.js';
import { h, replaceChildren, announce } from './dom.js';
import { formatBytes } from './format.js';

const accepted = ['.mbox', '.mbx', '.eml', '.zip'];

export function showImport(view) {
  document.title = 'Import files · Vault';
  const files = [];
  const name = h('input', { id: 'import-name', name: 'name', required: true, autocomplete: 'off' });
  const picker = h('input', { id: 'import-files', type: 'file', multiple: true, accept: accepted.join(','), class: 'visually-hidden' });
  const list = h('ul', { class: 'file-list', id: 'import-file-list' });
  const bar = h('progress', { id: 'import-progress', max: 100, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  const status = h('p', { class: 'small muted', id: 'import-status', role: 'status' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'import-submit' }, 'Upload and import');

  const render = () => replaceChildren(list, files.map((file, index) => h('li', {},
    `${file.name} · ${formatBytes(file.size)}`, ' ',
    accepted.some(ext => file.name.toLowerCase().endsWith(ext)) ? null : h('span', { class: 'badge badge-error' }, 'not .mbox, .eml or .zip'),
    h('button', { type: 'button', class: 'link-button', 'aria-label': `Remove ${file.name}`, onclick: () => { files.splice(index, 1); render(); } }, 'Remove'))));
  const add = chosen => { files.push(...chosen); render(); };
  picker.addEventListener('change', () => { add([...picker.files]); picker.value = ''; });

  const zone = h('div', { class: 'drop-zone', id: 'drop-zone', tabindex: 0, role: 'button', 'aria-describedby': 'drop-help',
    onclick: () => picker.click(),
    onkeydown: event => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); picker.click(); } },
    ondragover: event => { event.preventDefault(); zone.classList.add('dragging'); },
    ondragleave: () => zone.classList.remove('dragging'),
    ondrop: event => { event.preventDefault(); zone.classList.remove('dragging'); add([...event.dataTransfer.files]); } },
    h('strong', {}, 'Drop mail files here'),
    h('span', { id: 'drop-help', class: 'small muted' }, 'or press to choose: .mbox mailboxes, single .eml messages, .zip files of .eml (their folders are kept)'));

  const form = h('form', { class: 'card', novalidate: true, onsubmit: async event => {
    event.preventDefault();
    error.hidden = true;
    if (!name.value.trim() || files.length === 0) {
      error.textContent = !name.value.trim() ? 'Give the imported mail a name.' : 'Add at least one file.';
      error.hidden = false;
      return;
    }
    const body = new FormData();
    body.append('name', name.value.trim());
    for (const file of files) body.append('files', file, file.name);
    submit.disabled = true;
    bar.hidden = false;
    try {
      const source = await upload('/api/sources/import', body, (loaded, total) => {
        bar.max = total;
        bar.value = loaded;
        status.textContent = `Uploaded ${formatBytes(loaded)} of ${formatBytes(total)}`;
      });
      announce(`${source.name} is being imported`);
      location.hash = '#/sources';
    } catch (failure) {
      const fields = Object.values(failure.fieldErrors ?? {}).flat();
      error.textContent = fields.length ? fields.join(' ') : failure.message;
      error.hidden = false;
      submit.disabled = false;
      bar.hidden = true;
    }
  } },
    h('div', { class: 'field' }, h('label', { for: 'import-name' }, 'Name'), name),
    zone, picker, list, bar, status, error,
    h('div', { class: 'actions' }, h('a', { class: 'button secondary', href: '#/sources' }, 'Cancel'), submit));

  replaceChildren(view, h('h1', {}, 'Import mail files'), form);
  name.focus();
  return () => {};
}
