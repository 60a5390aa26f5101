// Facets beside the results: the top values of folder, year, sender and source over the whole result, each a link
// that narrows the search by adding its operator to the query.
import { h } from './dom.js';
import { formatNumber } from './format.js';

export const facetNames = ['folder', 'year', 'from', 'source'];

const titles = { folder: 'Folder', year: 'Year', from: 'From', source: 'Source' };

/** A value as a query term: quoted when it holds a blank, a quote or a parenthesis. */
function quoted(value) {
  return /^[^\s"()]+$/.test(value) ? value : `"${value.replaceAll('"', '')}"`;
}

/** The operator that selects messages with this facet value. */
export function facetOperator(facet, value) {
  switch (facet) {
    case 'folder': return `in:${quoted(value)}`;
    case 'year': return `date:${value}-01-01..${value}-12-31`;
    case 'from': return `from:${quoted(value)}`;
    default: return `source:${value}`;
  }
}

/**
 * The facet panel. searchHref(q) gives the link for a new query (same sort); sourceNames maps source ids to names
 * (shown instead of the id, which stays in the operator).
 */
export function facetPanel(facets, q, searchHref, sourceNames = new Map()) {
  const groups = facetNames.filter(name => (facets?.[name] ?? []).length > 0);
  if (groups.length === 0) return null;
  return h('aside', { class: 'facets', 'aria-label': 'Narrow the results' },
    groups.map(name => h('section', { class: 'facet', dataset: { facet: name } },
      h('h2', {}, titles[name]),
      h('ul', {}, facets[name].map(({ value, count }) => {
        const operator = facetOperator(name, value);
        const label = name === 'source' ? (sourceNames.get(value) ?? value) : value;
        return h('li', {},
          h('a', { href: searchHref(`${q} ${operator}`), title: `Add ${operator} to the query` },
            h('span', { class: 'facet-value' }, label),
            h('span', { class: 'facet-count' }, formatNumber(count))));
      })))));
}
