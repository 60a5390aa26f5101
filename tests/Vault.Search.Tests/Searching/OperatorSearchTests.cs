using Vault.Search.Searching;
using Vault.Search.QueryLanguage;
using Vault.Search.Tests.Mailboxes;

namespace Vault.Search.Tests.Searching;

/// <summary>
/// Each operator of "Search, second step" against a real index of three messages that differ in what it looks at:
/// what it must find, and a message it must not. The clock of the search is <see cref="ScratchIndex.Now"/> (2026-03-15).
/// </summary>
public sealed class OperatorSearchTests : IDisposable
{
    private readonly ScratchIndex _index = new();
    private readonly string _alice;
    private readonly string _bob;
    private readonly string _gone;

    public OperatorSearchTests()
    {
        // Alice: read and flagged, in INBOX, small, a PDF invoice, on the dev list, from 10 March 2026.
        _alice = _index.Add($"""
            From: Alice Johnson <alice.johnson@example.org>
            To: dev@lists.example.org
            Subject: Budget review
            Date: Tue, 10 Mar 2026 09:00:00 +0000
            Message-ID: <A1.review@Example.org>
            List-Id: Dev discussion <dev.lists.example.org>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain

            The budget is attached.
            --b
            Content-Type: application/pdf; name="Invoice_2023.PDF"
            Content-Disposition: attachment; filename="Invoice_2023.PDF"
            Content-Transfer-Encoding: base64

            JVBERi0xLjcK
            --b--
            """, m => m with { Flags = ["\\Seen", "\\Flagged"] });

        // Bob: unread, answered, a draft, in Sent, over 20 KB, a photo, from 1 January 2024.
        _bob = _index.Add($"""
            From: Bob <bob@example.net>
            To: Alice <alice.johnson@example.org>
            Subject: Budgeting for the trip
            Date: Mon, 01 Jan 2024 10:00:00 +0000
            Message-ID: <b2@example.net>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain

            {string.Join(' ', Enumerable.Repeat("padding", 3000))}
            --b
            Content-Type: image/jpeg
            Content-Disposition: attachment; filename="photo.jpg"
            Content-Transfer-Encoding: base64

            /9j/4AAQ
            --b--
            """, m => m with { Flags = ["\\Answered", "\\Draft"] }, folder: "Sent");

        // Gone: deleted on the server, in Archive, on the announce list, from 5 May 2020; "budapest" shares "bud" only.
        _gone = _index.Add("""
            From: Carol <carol@example.com>
            To: Alice <alice.johnson@example.org>
            Subject: Trip to Budapest
            Date: Tue, 05 May 2020 08:00:00 +0000
            Message-ID: <c3@example.com>
            List-Id: <announce.lists.example.org>

            See you in Budapest.
            """, m => m with { Flags = ["\\Seen"], DeletedOnServerAt = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero) }, folder: "Archive");
    }

    public void Dispose() => _index.Dispose();

    private async Task<IReadOnlyList<string>> FoundAsync(string query)
    {
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        return (await _index.IdsAsync(query)).Order(StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<string> Only(params string[] ids) => ids.Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task A_prefix_finds_the_words_that_start_with_it_and_not_a_shorter_shared_start()
    {
        Assert.Equal(Only(_alice, _bob), await FoundAsync("budg*"));
        Assert.Equal(Only(_bob), await FoundAsync("subject:budgeting*"));
        Assert.Equal(Only(_gone), await FoundAsync("budap*"));
        Assert.Equal(Only(_alice, _bob, _gone), await FoundAsync("from:ali* OR to:ali*"));
        Assert.Equal(Only(_alice), await FoundAsync("from:alice.johnson@exam*"));
        Assert.Empty(await FoundAsync("budgx*"));
    }

    [Fact]
    public async Task In_is_folder_by_another_name()
    {
        Assert.Equal(Only(_bob), await FoundAsync("in:sent"));
        Assert.Equal(await FoundAsync("folder:Archive"), await FoundAsync("in:Archive"));
        Assert.Empty(await FoundAsync("in:Drafts"));
    }

    [Fact]
    public async Task Filename_matches_a_name_its_stem_its_extension_or_a_pattern()
    {
        Assert.Equal(Only(_alice), await FoundAsync("filename:invoice_2023.pdf"));
        Assert.Equal(Only(_alice), await FoundAsync("filename:invoice_2023"));
        Assert.Equal(Only(_alice), await FoundAsync("filename:PDF"));
        Assert.Equal(Only(_alice), await FoundAsync("filename:invoice*"));
        Assert.Equal(Only(_bob), await FoundAsync("filename:*.jpg"));
        Assert.Equal(Only(_alice, _bob), await FoundAsync("filename:*o*"));
        Assert.Empty(await FoundAsync("filename:*.png"));
        Assert.Empty(await FoundAsync("filename:invoice"));
    }

    [Fact]
    public async Task Msgid_matches_with_or_without_angle_brackets_in_any_case()
    {
        Assert.Equal(Only(_alice), await FoundAsync("msgid:<a1.review@example.org>"));
        Assert.Equal(Only(_alice), await FoundAsync("msgid:A1.REVIEW@EXAMPLE.ORG"));
        Assert.Equal(Only(_bob), await FoundAsync("msgid:\"<b2@example.net>\""));
        Assert.Empty(await FoundAsync("msgid:a1.review"));
    }

    [Fact]
    public async Task List_matches_a_list_by_name_id_address_or_domain()
    {
        Assert.Equal(Only(_alice), await FoundAsync("list:dev"));
        Assert.Equal(Only(_alice), await FoundAsync("list:dev@lists.example.org"));
        Assert.Equal(Only(_gone), await FoundAsync("list:<announce.lists.example.org>"));
        Assert.Equal(Only(_alice, _gone), await FoundAsync("list:lists.example.org"));
        Assert.Empty(await FoundAsync("list:discussion"));
    }

    [Fact]
    public async Task Sizes_compare_the_stored_size_in_units_of_1024()
    {
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        var sizes = (await _index.QueryAsync("in:inbox OR in:sent OR in:archive")).Hits.ToDictionary(h => h.Id, h => h.Size);
        Assert.True(sizes[_bob] > 20 * 1024 && sizes[_alice] < 20 * 1024 && sizes[_gone] < 20 * 1024, string.Join(", ", sizes.Values));
        Assert.Equal(Only(_bob), await FoundAsync("larger:20K"));
        Assert.Equal(Only(_alice, _gone), await FoundAsync("smaller:20K"));
        Assert.Equal(Only(_alice), await FoundAsync($"size:{sizes[_alice]}"));
        Assert.Equal(Only(_alice), await FoundAsync($"size:{sizes[_alice]}..{sizes[_alice]}"));
        Assert.Empty(await FoundAsync($"larger:{sizes[_bob]}"));
        Assert.Equal(Only(_bob), await FoundAsync($"larger:{sizes[_bob] - 1}"));
        Assert.Empty(await FoundAsync("larger:1G"));
    }

    [Fact]
    public async Task Flags_are_the_servers_as_archived()
    {
        Assert.Equal(Only(_alice, _gone), await FoundAsync("is:read"));
        Assert.Equal(Only(_bob), await FoundAsync("is:unread"));
        Assert.Equal(Only(_alice), await FoundAsync("is:starred"));
        Assert.Equal(Only(_bob), await FoundAsync("flag:answered"));
        Assert.Equal(Only(_bob), await FoundAsync("is:draft"));
        Assert.Equal(Only(_alice, _bob), await FoundAsync("-is:deleted"));
    }

    [Fact]
    public async Task Deleted_is_deletion_on_the_server_and_the_hit_says_when()
    {
        Assert.Equal(Only(_gone), await FoundAsync("is:deleted"));
        var hits = (await _index.QueryAsync("trip")).Hits;
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), hits.Single(h => h.Id == _gone).DeletedOnServerAt);
        Assert.Null(hits.Single(h => h.Id == _bob).DeletedOnServerAt);
    }

    [Fact]
    public async Task Ages_count_back_from_the_injected_clock()
    {
        Assert.Equal(Only(_alice), await FoundAsync("newer_than:1w"));
        Assert.Equal(Only(_alice, _bob), await FoundAsync("newer_than:3y"));
        Assert.Equal(Only(_bob, _gone), await FoundAsync("older_than:1y"));
        Assert.Equal(Only(_gone), await FoundAsync("older_than:5y"));
        _index.Clock.Advance(TimeSpan.FromDays(7));
        Assert.Empty(await FoundAsync("newer_than:1w"));
    }

    [Fact]
    public async Task Sort_orders_by_date_either_way()
    {
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        var ct = TestContext.Current.CancellationToken;
        var newest = await _index.Search.SearchAsync("to:alice OR from:alice", 1, 10, SearchSort.Date, ct);
        var oldest = await _index.Search.SearchAsync("to:alice OR from:alice", 1, 10, SearchSort.DateAscending, ct);
        Assert.Equal([_alice, _bob, _gone], newest.Hits.Select(h => h.Id));
        Assert.Equal([_gone, _bob, _alice], oldest.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task An_unknown_operator_is_searched_as_text_and_the_result_says_so()
    {
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        var results = await _index.QueryAsync("larger2:1M budget");
        Assert.Equal(0, results.Total);
        Assert.Equal(["'larger2:' is not an operator; searched as text"], results.Warnings);
        Assert.Empty((await _index.QueryAsync("budget")).Warnings);
    }

    [Fact]
    public async Task The_snippet_marks_the_word_a_prefix_found()
    {
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        var hit = (await _index.QueryAsync("body:budg*")).Hits.Single();
        var marked = hit.Highlights.Select(h => hit.Snippet.Substring(h.Start, h.Length)).ToList();
        Assert.Equal(["budget"], marked);
    }

    [Fact]
    public async Task An_index_written_before_the_new_fields_is_named_in_a_warning_until_it_is_rebuilt()
    {
        var old = FileIndexing.Build(System.Text.Encoding.UTF8.GetBytes("From: d@example.org\r\nSubject: old one\r\n\r\nold\r\n"), ScratchIndex.SourceId, "INBOX", 99);
        foreach (var field in new[] { Vault.Search.Documents.OperatorFields.Flag, Vault.Search.Documents.OperatorFields.MessageId })
        {
            old.RemoveFields(field);
        }

        _index.Index.Upsert(old);
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        var warning = Assert.Single((await _index.QueryAsync("is:read")).Warnings);
        Assert.StartsWith("1 messages were indexed by an earlier Vault", warning, StringComparison.Ordinal);
        Assert.Contains("/api/admin/reindex", warning, StringComparison.Ordinal);
        Assert.Empty((await _index.QueryAsync("budget")).Warnings);

        _index.Index.Upsert(FileIndexing.Build(System.Text.Encoding.UTF8.GetBytes("From: d@example.org\r\nSubject: old one\r\n\r\nold\r\n"), ScratchIndex.SourceId, "INBOX", 99));
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        Assert.Empty((await _index.QueryAsync("is:read")).Warnings);
    }
}
