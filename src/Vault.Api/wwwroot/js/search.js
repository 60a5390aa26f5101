// Search: the query box with its syntax help, sort and warnings, paged results (newest first by default), facets beside them.
import { api, ApiError, downloadExport } from './api.js';
import { h, replaceChildren } from './dom.js';
import { formatAddresses, formatDate, formatDateTime, formatNumber } from './format.js';
import { syntaxHelp } from './search-syntax.js';
import { facetNames, facetPanel } from './search-facets.js';
import { normalSort, sortSelect, warningList } from './search-options.js';

const pageSize = 25;

/** The dashboard address of a search; the default sort is left out. */
function searchHref(q, sort, page = 1) {
  const params = { q };
  if (normalSort(sort) !== '-date') params.sort = normalSort(sort);
  if (page > 1) params.page = page;
  return `#/search?${new URLSearchParams(params)}`;
}

export function showSearch(view, { q, page, sort = '' }) {
  document.title = q ? `${q} · Search · Vault` : 'Search · Vault';
  const box = h('input', { type: 'search', id: 'search-query', name: 'q', value: q, autocomplete: 'off', spellcheck: false, 'aria-describedby': 'search-help-summary' });
  const results = h('div', { id: 'search-results', 'aria-live': 'polite' });
  const facets = h('div', { id: 'search-facets' });
  const warnings = h('div', { id: 'search-warnings' });
  replaceChildren(view,
    h('h1', {}, 'Search the archive'),
    h('form', { class: 'search-form', role: 'search', onsubmit: event => {
      event.preventDefault();
      location.hash = searchHref(box.value.trim(), sort);
    } },
      h('label', { for: 'search-query', class: 'visually-hidden' }, 'Search query'),
      box,
      sortSelect(sort, value => { location.hash = searchHref(box.value.trim() || q, value); }),
      h('button', { type: 'submit', class: 'primary' }, 'Search')),
    warnings,
    syntaxHelp(),
    h('div', { class: 'search-layout' }, results, facets));
  box.focus();
  if (!q) {
    replaceChildren(results, h('p', { class: 'muted' }, 'Type a word, a phrase or a filter such as from: and press Enter.'));
    return () => {};
  }
  let stopped = false;
  replaceChildren(results, h('p', { class: 'muted' }, 'Searching…'));
  const names = api('GET', '/api/sources').then(list => new Map((list ?? []).map(s => [s.id, s.name]))).catch(() => new Map());
  api('GET', `/api/search?${new URLSearchParams({ q, page, pageSize, sort: normalSort(sort), facets: facetNames.join(',') })}`)
    .then(async answer => {
      if (stopped) return;
      replaceChildren(warnings, warningList(answer?.warnings));
      replaceChildren(results, resultList(answer, q, sort));
      const sourceNames = await names;
      if (!stopped) replaceChildren(facets, facetPanel(answer?.facets, q, next => searchHref(next, sort), sourceNames));
    })
    .catch(error => { if (!stopped) replaceChildren(results, searchError(error, q)); });
  return () => { stopped = true; };
}

function resultList(answer, q, sort) {
  const { total = 0, page = 1, hits = [] } = answer ?? {};
  const size = answer?.pageSize ?? pageSize;
  if (total === 0) return h('p', { class: 'notice' }, `Nothing in the archive matches ${q}.`);
  const first = (page - 1) * size + 1;
  const last = first + hits.length - 1;
  const pageLink = (target, label, rel) => h('a', { class: 'button secondary', rel, href: searchHref(q, sort, target) }, label);
  const back = encodeURIComponent(location.hash);
  const exportAs = format => downloadExport(`/api/search/export/link?${new URLSearchParams({ q, format })}`)
    .catch(error => alert(`The export could not start: ${error.message}`));
  return h('div', {},
    h('div', { class: 'result-head' },
      h('p', { class: 'result-count' }, `${formatNumber(first)}–${formatNumber(last)} of ${formatNumber(total)} messages`),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', id: 'export-results-zip', onclick: () => exportAs('zip') }, `Export ${formatNumber(total)} as zip`),
        h('button', { type: 'button', class: 'secondary', id: 'export-results-mbox', onclick: () => exportAs('mbox') }, 'Export as mbox'))),
    h('ol', { class: 'hits', start: first }, hits.map(hit => h('li', { class: 'hit', dataset: { messageId: hit.id } },
      h('div', { class: 'hit-head' },
        h('a', { class: 'hit-subject', href: `#/messages/${encodeURIComponent(hit.id)}?back=${back}` }, hit.subject || '(no subject)'),
        hit.hasAttachments && h('span', { class: 'attachment-mark', title: 'Has attachments' }, paperclip(), h('span', { class: 'visually-hidden' }, 'Has attachments')),
        h('time', { datetime: hit.date, title: formatDateTime(hit.date) }, formatDate(hit.date))),
      h('div', { class: 'hit-from' }, formatAddresses(hit.from)),
      hit.matchedAttachment && h('p', { class: 'found-in' }, paperclip(), 'found in ', h('span', { class: 'found-in-name' }, hit.matchedAttachment)),
      hit.snippet && h('p', { class: 'snippet' }, markedSnippet(hit.snippet, hit.highlights)),
      (hit.folders ?? []).length > 0 && h('ul', { class: 'folders', 'aria-label': 'Folders' }, hit.folders.map(folder => h('li', {}, folder)))))),
    h('nav', { class: 'pager', 'aria-label': 'Result pages' },
      page > 1 && pageLink(page - 1, 'Previous page', 'prev'),
      h('span', { class: 'muted' }, `Page ${page} of ${Math.max(1, Math.ceil(total / size))}`),
      last < total && pageLink(page + 1, 'Next page', 'next')));
}

/** The snippet is plain text; highlights ({ start, length }, UTF-16 offsets) become <mark> around text nodes. */
function markedSnippet(snippet, highlights) {
  const parts = [];
  let at = 0;
  for (const { start, length } of [...(highlights ?? [])].sort((a, b) => a.start - b.start)) {
    if (start < at || start + length > snippet.length) continue;
    parts.push(snippet.slice(at, start), h('mark', {}, snippet.slice(start, start + length)));
    at = start + length;
  }
  parts.push(snippet.slice(at));
  return parts;
}

function searchError(error, q) {
  if (error instanceof ApiError && error.position !== null) {
    return h('div', { class: 'notice error', role: 'alert' },
      h('p', {}, `The query has a problem at character ${error.position + 1}: ${error.message}`),
      h('pre', { class: 'query-caret' }, `${q}\n${' '.repeat(error.position)}^`));
  }
  return h('p', { class: 'notice error', role: 'alert' }, error.message);
}

export function paperclip() {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', 'M21 11.5l-8.5 8.5a5.5 5.5 0 0 1-7.8-7.8l9-9a3.7 3.7 0 0 1 5.2 5.2l-9 9a1.8 1.8 0 0 1-2.6-2.6l8.3-8.3');
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '2');
  path.setAttribute('stroke-linecap', 'round');
  svg.append(path);
  return svg;
}
