using System.Globalization;
using Lucene.Net.Documents;
using Lucene.Net.Search;
using Vault.Archive;
using Vault.Search.Documents;
using Vault.Search.Indexing;
using Vault.Search.Query;

namespace Vault.Search.Querying;

/// <summary>
/// Runs a query: newest first (or by relevance), one page, a snippet per hit. Snippets come from the short
/// text prefix the index keeps; only when the match lies beyond it is the raw message re-read from the store.
/// </summary>
public sealed class SearchService
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 200;

    private readonly SearchIndex _index;
    private readonly Func<string, CancellationToken, Task<Stream?>>? _openRaw;
    private readonly SearchQueryParser _parser;
    private readonly SnippetWriter _snippets;

    public SearchService(SearchIndex index, IArchiveStore? store = null)
        : this(index, store is null ? null : store.OpenRawAsync)
    {
    }

    /// <summary>With <paramref name="openRaw"/> null, snippets come from the stored prefix only.</summary>
    internal SearchService(SearchIndex index, Func<string, CancellationToken, Task<Stream?>>? openRaw)
    {
        ArgumentNullException.ThrowIfNull(index);
        _index = index;
        _openRaw = openRaw;
        _parser = new SearchQueryParser(index.Analyzer);
        _snippets = new SnippetWriter(index.Analyzer);
    }

    /// <exception cref="SearchQueryException">The query does not parse.</exception>
    public async Task<SearchResults> SearchAsync(string query, int page, int pageSize, SearchSort sort, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var parsed = _parser.Parse(query);

        // In long: (page - 1) * pageSize overflows int for page = int.MaxValue, and a negative skip returned every hit.
        var skip = (long)(page - 1) * pageSize;
        var (total, documents) = _index.Search(searcher =>
        {
            if (skip >= searcher.IndexReader.MaxDoc)
            {
                // A page beyond the last possible hit: count, collect nothing.
                var count = new TotalHitCountCollector();
                searcher.Search(parsed.Query, count);
                return (count.TotalHits, new List<Document>());
            }

            var wanted = (int)Math.Min(skip + pageSize, searcher.IndexReader.MaxDoc);
            var top = sort == SearchSort.Relevance
                ? searcher.Search(parsed.Query, wanted)
                : searcher.Search(parsed.Query, null, wanted, new Sort(new SortField(SearchFields.Date, SortFieldType.INT64, true)));
            var docs = top.ScoreDocs.Skip((int)skip).Select(d => searcher.Doc(d.Doc)).ToList();
            return (top.TotalHits, docs);
        });

        // Only a hit whose match lies beyond the stored prefix re-reads its message; those run side by side.
        var hits = await Task.WhenAll(documents.Select(d => NeedsFullText(d, parsed)
            ? Task.Run(() => ToHitAsync(d, parsed, cancellationToken), cancellationToken)
            : ToHitAsync(d, parsed, cancellationToken)));
        return new SearchResults(total, page, pageSize, hits);
    }

    /// <summary>Parses the query only, for a caller that must answer a syntax error before it starts work.</summary>
    /// <exception cref="SearchQueryException">The query does not parse.</exception>
    public void Validate(string query) => _parser.Parse(query);

    /// <summary>
    /// The id of every message the query matches, oldest first (an export's order), read from one searcher.
    /// Holds the ids, not the documents: about 80 bytes a hit.
    /// </summary>
    /// <exception cref="SearchQueryException">The query does not parse.</exception>
    public IReadOnlyList<string> MatchingIds(string query)
    {
        var parsed = _parser.Parse(query);
        var fields = new HashSet<string>(StringComparer.Ordinal) { SearchFields.Id };
        return _index.Search(searcher =>
        {
            var top = searcher.Search(parsed.Query, null, Math.Max(1, searcher.IndexReader.MaxDoc), new Sort(new SortField(SearchFields.Date, SortFieldType.INT64, false)));
            return top.ScoreDocs
                .Select(d => searcher.Doc(d.Doc, fields).Get(SearchFields.Id, CultureInfo.InvariantCulture))
                .Where(id => id is not null)
                .Select(id => id!)
                .ToList();
        });
    }

    private bool NeedsFullText(Document document, ParsedSearchQuery parsed)
    {
        var preview = Get(document, SearchFields.Preview) ?? string.Empty;
        return _openRaw is not null && parsed.HighlightTerms.Count > 0 && preview.Length >= MessageDocumentBuilder.PreviewChars
            && _snippets.Find(preview, parsed.HighlightTerms) is null;
    }

    private async Task<SearchHit> ToHitAsync(Document document, ParsedSearchQuery parsed, CancellationToken cancellationToken)
    {
        var id = Get(document, SearchFields.Id) ?? string.Empty;
        var preview = Get(document, SearchFields.Preview) ?? string.Empty;
        var snippet = _snippets.Find(preview, parsed.HighlightTerms);
        if (snippet is null && preview.Length >= MessageDocumentBuilder.PreviewChars && parsed.HighlightTerms.Count > 0 && _openRaw is not null)
        {
            snippet = _snippets.Find(await ReadTextAsync(_openRaw, id, cancellationToken), parsed.HighlightTerms);
        }

        snippet ??= SnippetWriter.Leading(preview);
        return new SearchHit(
            id,
            Get(document, SearchFields.Source) ?? string.Empty,
            document.GetValues(SearchFields.Folder, CultureInfo.InvariantCulture),
            Get(document, SearchFields.Subject),
            Get(document, SearchFields.From + SearchFields.DisplaySuffix),
            Get(document, SearchFields.To + SearchFields.DisplaySuffix),
            DateTimeOffset.FromUnixTimeMilliseconds(document.GetField(SearchFields.Date)?.GetInt64Value() ?? 0),
            document.GetField(SearchFields.Size)?.GetInt64Value() ?? 0,
            Get(document, SearchFields.Has) is not null,
            snippet.Text,
            snippet.Highlights);
    }

    private static async Task<string> ReadTextAsync(Func<string, CancellationToken, Task<Stream?>> openRaw, string id, CancellationToken cancellationToken)
    {
        var raw = await openRaw(id, cancellationToken);
        if (raw is null)
        {
            return string.Empty;
        }

        await using (raw)
        {
            // The store's stream is seekable: parsed in place, the message's attachments stay where they are.
            var message = MessageLoader.TryLoad(raw, cancellationToken);

            // Null: indexed from headers only (parseError); the snippet falls back to the stored prefix.
            return message is null ? string.Empty : MessageTextExtractor.Extract(message, MessageDocumentBuilder.MaxTextChars).Text;
        }
    }

    private static string? Get(Document document, string field) => document.Get(field, CultureInfo.InvariantCulture);
}
