// The search's sort selector and the warnings the API gives about how it read the query.
import { h } from './dom.js';

export const sorts = [
  ['-date', 'Newest first'],
  ['date', 'Oldest first'],
  ['relevance', 'Best match'],
];

/** '' and unknown values mean the default, newest first. */
export function normalSort(sort) {
  return sorts.some(([value]) => value === sort) ? sort : '-date';
}

export function sortSelect(current, onchange) {
  return h('select', { id: 'search-sort', name: 'sort', 'aria-label': 'Sort results', onchange: event => onchange(event.target.value) },
    sorts.map(([value, label]) => h('option', { value, selected: value === normalSort(current) }, label)));
}

/** Shown under the search box: what Vault searched differently from what the query may have meant. */
export function warningList(warnings) {
  if (!warnings?.length) return null;
  return h('ul', { class: 'search-warnings', role: 'status' }, warnings.map(text => h('li', {}, text)));
}
