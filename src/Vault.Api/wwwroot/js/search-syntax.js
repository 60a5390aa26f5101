// The query syntax help: every operator of the query language with an example (ARCHITECTURE.md "Search" and
// "Search, second step"). This table is the user documentation of the language; keep it complete.
import { h } from './dom.js';

export const operators = [
  ['invoice', 'messages containing the word (subject, text, addresses, attachment names and text)'],
  ['"quarterly report"', 'an exact phrase'],
  ['budg*', 'words starting with budg (at least 3 letters before the *)'],
  ['from:anna@example.com', 'the sender; also to:, cc:, bcc: (a name, an address or a domain, as @example.com)'],
  ['subject:(budget OR forecast)', 'words in the subject; body: searches the text only'],
  ['attachment:contract', 'words in attachment names and the text inside attachments (PDF, Office, ...)'],
  ['filename:*.pdf', 'attachments by file name: filename:report.pdf, filename:pdf, filename:invoice*'],
  ['has:attachment', 'only messages with attachments'],
  ['in:Sent', 'in a folder (same as folder:); quote names with spaces: in:"Archive/2022"'],
  ['source:3f2a9c0d1e4b5a6f', 'from one source (its id)'],
  ['is:unread', 'the server\'s flags: is:read, is:unread, is:flagged (is:starred), is:answered, is:draft; flag: works the same'],
  ['is:deleted', 'deleted on the server since it was archived (Vault keeps it)'],
  ['larger:5M', 'bigger than 5 MB; smaller:100K; size:10K..2M (1K = 1024 bytes)'],
  ['date:2023-03-01..2023-03-31', 'a date range (UTC, both days included); also after:2023-03-01 and before:2023-04-01'],
  ['newer_than:7d', 'from the last 7 days; older_than:1y; units d, w, m (months), y'],
  ['msgid:<abc123@mail.example.com>', 'the message with this Message-ID (the brackets are optional)'],
  ['list:dev', 'from a mailing list by its List-Id: list:dev, list:dev@lists.example.org'],
  ['invoice -draft', 'leave out a word or filter (or NOT draft, NOT is:read)'],
  ['(invoice OR receipt) from:shop', 'OR and parentheses; words side by side must all match'],
];

/** The collapsible help under the search box. */
export function syntaxHelp() {
  return h('details', { class: 'syntax-help' },
    h('summary', { id: 'search-help-summary' }, 'Query syntax'),
    h('table', {}, h('tbody', {}, operators.map(([example, meaning]) => h('tr', {}, h('td', {}, h('code', {}, example)), h('td', {}, meaning))))),
    h('p', { class: 'help' }, 'A word with an unknown name: in front (re:, https:) is searched as text; Vault says so under the search box.'));
}
