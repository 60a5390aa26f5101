using System.Globalization;
using Vault.Search.QueryLanguage;
using Vault.Search.Searching;
using Vault.Search.Tests.Mailboxes;

namespace Vault.Search.Tests.Searching;

/// <summary>A prefix expands within the index to at most <see cref="SearchQueryParser.MaxExpansion"/> words per query; past that the search is refused at the prefix.</summary>
public sealed class PrefixExpansionTests : IDisposable
{
    private readonly ScratchIndex _index = new();

    public PrefixExpansionTests()
    {
        // 1,024 distinct "limita…" words, 1,025 "limitb…" words and one "limitc" word, all in one body.
        var words = Words("limita", SearchQueryParser.MaxExpansion).Concat(Words("limitb", SearchQueryParser.MaxExpansion + 1)).Append("limitcone");
        _index.Add($"From: a@example.org\r\nSubject: words\r\n\r\n{string.Join(' ', words)}\r\n");
        _index.Add("From: b@example.org\r\nSubject: limitaxyz in a subject\r\n\r\nnothing\r\n");
    }

    public void Dispose() => _index.Dispose();

    private static IEnumerable<string> Words(string stem, int count) =>
        Enumerable.Range(0, count).Select(i => stem + i.ToString("x4", CultureInfo.InvariantCulture).Replace('0', 'g').Replace('1', 'h'));

    private async Task<SearchResults> SearchAsync(string query)
    {
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        return await _index.QueryAsync(query);
    }

    [Fact]
    public async Task A_prefix_of_exactly_the_limit_runs()
    {
        Assert.Equal(1, (await SearchAsync("body:limita*")).Total);
    }

    [Fact]
    public async Task One_word_more_than_the_limit_is_refused_at_the_prefix_saying_so()
    {
        var error = await Assert.ThrowsAsync<SearchQueryException>(() => SearchAsync("subject:words body:limitb*"));
        Assert.Equal(19, error.Position);
        Assert.Contains("more than 1,024 words", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_limit_counts_every_field_and_prefix_of_the_query_together()
    {
        // "limita*" over all default fields: 1,024 in the body plus "limitaxyz" in a subject.
        var error = await Assert.ThrowsAsync<SearchQueryException>(() => SearchAsync("limita*"));
        Assert.Equal(0, error.Position);

        var together = await Assert.ThrowsAsync<SearchQueryException>(() => SearchAsync("body:limita* OR body:limitc*"));
        Assert.Contains("other prefixes", together.Message, StringComparison.Ordinal);
        Assert.Equal(21, together.Position);
    }

    [Fact]
    public async Task A_filename_pattern_is_bounded_like_a_prefix()
    {
        const int Files = (SearchQueryParser.MaxExpansion / 2) + 8;
        for (var i = 0; i < Files; i++)
        {
            _index.Index.Upsert(FileIndexing.Build(System.Text.Encoding.UTF8.GetBytes(
                $"From: c@example.org\r\nSubject: f{i}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"scan{i}.pdf\"\r\n\r\nx\r\n--b--\r\n"),
                ScratchIndex.SourceId, "INBOX", 1000 + i));
        }

        // Each name is indexed as itself and its stem ("scan7.pdf", "scan7"): "*.pdf" matches 520 terms, "scan*" 1,040.
        Assert.Equal(Files, (await SearchAsync("filename:*.pdf")).Total);
        var error = await Assert.ThrowsAsync<SearchQueryException>(() => SearchAsync("filename:scan*"));
        Assert.Equal(9, error.Position);
        Assert.Contains("'filename:scan*' matches more than 1,024 words", error.Message, StringComparison.Ordinal);
    }
}
