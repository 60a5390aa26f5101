// Tiny DOM builder: h('button', { type: 'button', onclick }, 'Pause').
// Children are text (always set as text, never parsed as HTML), nodes, arrays, or null/false (skipped).
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name in element && typeof value !== 'string') {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

let announceTimer;
/** Tells screen readers what just happened (saved, deleted, paused). */
export function announce(text) {
  const region = document.getElementById('announcer');
  region.textContent = '';
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => { region.textContent = text; }, 50);
}

/**
 * A modal confirmation on the native <dialog>: focus is trapped and Escape cancels. `content` (nodes, such as a
 * checkbox the caller reads afterwards) goes under the text.
 */
export function confirmDialog({ title, text, confirmLabel, danger = false, content = null }) {
  return new Promise(resolve => {
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'dialog-title' },
      h('form', { method: 'dialog' },
        h('h2', { id: 'dialog-title' }, title),
        h('p', {}, text),
        content,
        h('div', { class: 'actions' },
          h('button', { value: 'cancel', class: 'secondary', autofocus: true }, 'Cancel'),
          h('button', { value: 'confirm', class: danger ? 'danger' : 'primary' }, confirmLabel))));
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
