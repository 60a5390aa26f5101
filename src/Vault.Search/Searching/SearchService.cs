using System.Globalization;
using Lucene.Net.Documents;
using Lucene.Net.Search;
using MimeKit;
using Vault.Archive.Messages;
using Vault.Search.Attachments;
using Vault.Search.Documents;
using Vault.Search.Indexing;
using Vault.Search.QueryLanguage;

namespace Vault.Search.Searching;

/// <summary>
/// Runs a query: newest first (or by relevance), one page, a snippet per hit. Snippets come from the short
/// text prefix the index keeps; only when the match lies beyond it is the raw message re-read from the store.
/// A hit whose match lies in an attachment names it, and without a match in the body its snippet comes from the
/// attachment's stored preview (or, past that, from the attachment read again).
/// </summary>
public sealed class SearchService
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 200;

    private readonly SearchIndex _index;
    private readonly Func<string, CancellationToken, Task<Stream?>>? _openRaw;
    private readonly AttachmentTextExtraction? _attachmentText;
    private readonly SearchQueryParser _parser;
    private readonly SnippetWriter _snippets;
    private readonly OperatorFieldCoverage _coverage;

    /// <summary>With <paramref name="attachmentText"/> null, a snippet never re-reads an attachment beyond its stored preview.</summary>
    public SearchService(SearchIndex index, TimeProvider timeProvider, IArchiveChangeFeed? store = null, AttachmentTextExtraction? attachmentText = null)
        : this(index, timeProvider, store is null ? null : store.OpenRawAsync, attachmentText)
    {
    }

    /// <summary>With <paramref name="openRaw"/> null, snippets come from the stored prefixes only.</summary>
    internal SearchService(SearchIndex index, TimeProvider timeProvider, Func<string, CancellationToken, Task<Stream?>>? openRaw, AttachmentTextExtraction? attachmentText = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        _index = index;
        _openRaw = openRaw;
        _attachmentText = attachmentText;
        _parser = new SearchQueryParser(index.Analyzer, timeProvider);
        _snippets = new SnippetWriter(index.Analyzer);
        _coverage = new OperatorFieldCoverage();
    }

    /// <exception cref="SearchQueryException">The query does not parse, or its prefixes match too many words.</exception>
    public Task<SearchResults> SearchAsync(string query, int page, int pageSize, SearchSort sort, CancellationToken cancellationToken) =>
        SearchAsync(query, page, pageSize, sort, [], cancellationToken);

    /// <summary>As above, with the exact counts of <paramref name="facets"/> over the whole result.</summary>
    /// <exception cref="SearchQueryException">The query does not parse, or its prefixes match too many words.</exception>
    public async Task<SearchResults> SearchAsync(string query, int page, int pageSize, SearchSort sort, IReadOnlyList<SearchFacet> facets, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        ArgumentNullException.ThrowIfNull(facets);
        var parsed = _parser.Parse(query);

        // In long: (page - 1) * pageSize overflows int for page = int.MaxValue, and a negative skip returned every hit.
        var skip = (long)(page - 1) * pageSize;
        var (total, found, counted, missing) = _index.Search(searcher =>
        {
            // Prefixes expand here, once, against this searcher's terms (and may refuse to: SearchQueryException).
            var rewritten = searcher.Rewrite(parsed.Query);
            var counter = facets.Count > 0 ? new FacetCounter(facets) : null;
            var missing = parsed.UsesOperatorFields || counter is not null ? _coverage.Missing(searcher) : 0;
            if (skip >= searcher.IndexReader.MaxDoc)
            {
                // A page beyond the last possible hit: count, collect nothing.
                var count = new TotalHitCountCollector();
                searcher.Search(rewritten, counter is null ? count : MultiCollector.Wrap(count, counter));
                return (count.TotalHits, new List<Found>(), counter?.Result(), missing);
            }

            var wanted = (int)Math.Min(skip + pageSize, searcher.IndexReader.MaxDoc);
            ITopDocsCollector collector = sort == SearchSort.Relevance
                ? TopScoreDocCollector.Create(wanted, docsScoredInOrder: false)
                : TopFieldCollector.Create(DateSort.By(newestFirst: sort == SearchSort.Date), wanted,
                    fillFields: false, trackDocScores: false, trackMaxScore: false, docsScoredInOrder: false);
            searcher.Search(rewritten, counter is null ? collector : MultiCollector.Wrap(collector, counter));
            var top = collector.GetTopDocs();
            var reader = searcher.IndexReader;
            var docs = top.ScoreDocs.Skip((int)skip).Select(d => new Found(
                searcher.Doc(d.Doc),
                AttachmentMatch.Find(reader, d.Doc, parsed.AttachmentTerms),
                parsed.HighlightTerms.Count > 0 && AttachmentMatch.FieldHasAny(reader, d.Doc, SearchFields.Body, parsed.HighlightTerms))).ToList();
            return (top.TotalHits, docs, counter?.Result(), missing);
        });

        // Only a hit whose match lies beyond a stored prefix re-reads its message; those run side by side.
        var hits = await Task.WhenAll(found.Select(f =>
        {
            var previews = FromPreviews(f, parsed);
            return previews.Rereads
                ? Task.Run(() => ToHitAsync(f, previews, parsed, cancellationToken), cancellationToken)
                : ToHitAsync(f, previews, parsed, cancellationToken);
        }));
        var warnings = parsed.Warnings.ToList();
        if (missing > 0)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"{missing:N0} messages were indexed by an earlier Vault without flags, Message-IDs, lists, file names and facets, so is:, flag:, msgid:, list:, filename: and the facets do not count them yet; POST /api/admin/reindex adds them from the archive (nothing is downloaded again)"));
        }

        return new SearchResults(total, page, pageSize, hits) { Warnings = warnings, Facets = counted };
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
            var top = searcher.Search(parsed.Query, null, Math.Max(1, searcher.IndexReader.MaxDoc), DateSort.By(newestFirst: false));
            return top.ScoreDocs
                .Select(d => searcher.Doc(d.Doc, fields).Get(SearchFields.Id, CultureInfo.InvariantCulture))
                .Where(id => id is not null)
                .Select(id => id!)
                .ToList();
        });
    }

    /// <summary>The errors recorded for a message's attachments when it was last indexed; empty when it is not in the index.</summary>
    public IReadOnlyList<AttachmentError> AttachmentErrors(string messageId)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        return _index.Search(searcher =>
        {
            var top = searcher.Search(new TermQuery(new Lucene.Net.Index.Term(SearchFields.Id, messageId)), 1);
            return top.ScoreDocs.Length == 0 ? [] : AttachmentFields.Errors(searcher.Doc(top.ScoreDocs[0].Doc));
        });
    }

    /// <summary>
    /// The hit's snippets from its stored previews, and whether its match lies beyond them. Each is looked for once: it
    /// used to be two or three times (deciding whether to re-read, then again for the hit), and once took Vault's CPU per
    /// search at 100,000 messages from 4.40 to 3.92 ms (README, Benchmark).
    /// </summary>
    private PreviewSnippets FromPreviews(Found found, ParsedSearchQuery parsed)
    {
        var preview = Get(found.Document, SearchFields.Preview) ?? string.Empty;
        var body = _snippets.Find(preview, parsed.HighlightTerms);
        var bodyBeyond = body is null && _openRaw is not null && found.BodyMatches && preview.Length >= MessageDocumentBuilder.PreviewChars;
        if (body is not null || found.Attachment is not { InText: true } match)
        {
            return new PreviewSnippets(preview, body, bodyBeyond, string.Empty, null, AttachmentBeyond: false);
        }

        var attachmentPreview = AttachmentPreview(found.Document, match) ?? string.Empty;
        var attachment = _snippets.Find(attachmentPreview, parsed.AttachmentTerms);
        var attachmentBeyond = attachment is null && _openRaw is not null && _attachmentText is not null && !found.BodyMatches
            && attachmentPreview.Length >= AttachmentFields.PreviewChars;
        return new PreviewSnippets(preview, body, bodyBeyond, attachmentPreview, attachment, attachmentBeyond);
    }

    private async Task<SearchHit> ToHitAsync(Found found, PreviewSnippets previews, ParsedSearchQuery parsed, CancellationToken cancellationToken)
    {
        var document = found.Document;
        var id = Get(document, SearchFields.Id) ?? string.Empty;
        var snippet = previews.Body;
        if (previews.BodyBeyond && _openRaw is not null)
        {
            snippet = _snippets.Find(await ReadTextAsync(_openRaw, id, cancellationToken), parsed.HighlightTerms);
        }

        if (snippet is null && found.Attachment is { InText: true } match)
        {
            snippet = previews.Attachment;
            if (previews.AttachmentBeyond && _openRaw is not null && _attachmentText is not null)
            {
                snippet = _snippets.Find(await ReadAttachmentTextAsync(_openRaw, _attachmentText, id, match.Attachment, cancellationToken), parsed.AttachmentTerms);
            }

            snippet ??= previews.AttachmentPreview.Length > 0 ? SnippetWriter.Leading(previews.AttachmentPreview) : null;
        }

        snippet ??= SnippetWriter.Leading(previews.Preview);
        var names = document.GetValues(SearchFields.AttachmentName, CultureInfo.InvariantCulture);
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
            snippet.Highlights,
            found.Attachment is { } matched && matched.Attachment < names.Length ? names[matched.Attachment] : null)
        {
            DeletedOnServerAt = document.GetField(OperatorFields.DeletedOnServerAt)?.GetInt64Value() is { } deleted
                ? new DateTimeOffset(deleted, TimeSpan.Zero)
                : null,
        };
    }

    private static string? AttachmentPreview(Document document, AttachmentMatch match)
    {
        var previews = document.GetValues(SearchFields.AttachmentPreview, CultureInfo.InvariantCulture);
        return match.Attachment < previews.Length ? previews[match.Attachment] : null;
    }

    private static Task<string> ReadTextAsync(Func<string, CancellationToken, Task<Stream?>> openRaw, string id, CancellationToken cancellationToken) =>
        // Null: indexed from headers only (parseError); the snippet falls back to the stored prefix.
        WithMessageAsync(openRaw, id, message => message is null ? string.Empty : MessageTextExtractor.Extract(message, MessageDocumentBuilder.MaxTextChars).Text, cancellationToken);

    private static Task<string> ReadAttachmentTextAsync(
        Func<string, CancellationToken, Task<Stream?>> openRaw, AttachmentTextExtraction attachmentText, string id, int index, CancellationToken cancellationToken) =>
        WithMessageAsync(openRaw, id, message =>
        {
            var attachment = message is null ? null : MessageTextExtractor.Extract(message, 0).Attachments.FirstOrDefault(a => a.Index == index);
            return attachment is null ? string.Empty : attachmentText.ExtractText(attachment, cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Parses the stored message and hands it to <paramref name="use"/> while its stream is open: the store's stream is
    /// seekable, so the message is parsed in place (persistent content) and its parts are read from the store, not copied.
    /// </summary>
    private static async Task<T> WithMessageAsync<T>(Func<string, CancellationToken, Task<Stream?>> openRaw, string id, Func<MimeMessage?, T> use, CancellationToken cancellationToken)
    {
        var raw = await openRaw(id, cancellationToken);
        if (raw is null)
        {
            return use(null);
        }

        await using (raw)
        {
            if (raw.CanSeek)
            {
                return use(MessageLoader.TryLoad(raw, cancellationToken));
            }

            using var buffer = new MemoryStream();
            await raw.CopyToAsync(buffer, cancellationToken);
            buffer.Position = 0;
            return use(MessageLoader.TryLoad(buffer, cancellationToken));
        }
    }

    private static string? Get(Document document, string field) => document.Get(field, CultureInfo.InvariantCulture);

    /// <summary>A document on the page, with where its match lies as the postings tell.</summary>
    private sealed record Found(Document Document, AttachmentMatch? Attachment, bool BodyMatches);

    /// <summary>A hit's snippets from its stored previews (null where a preview has no match), and whether to read its message again.</summary>
    private sealed record PreviewSnippets(string Preview, Snippet? Body, bool BodyBeyond, string AttachmentPreview, Snippet? Attachment, bool AttachmentBeyond)
    {
        public bool Rereads => BodyBeyond || AttachmentBeyond;
    }
}
