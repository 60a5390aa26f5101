using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit;

namespace Vault.Api.Tests.Search;

/// <summary>
/// Every operator of "Search, second step" over HTTP, against a generated mailbox archived from Dovecot: each count is
/// computed from what the server holds (sizes, flags set with STORE, folders, Message-IDs, List-Ids, attachment names),
/// read with the test's own IMAP client.
/// </summary>
public sealed class OperatorsOverDovecotTests(GeneratedMailboxOnDovecot mailbox) : IClassFixture<GeneratedMailboxOnDovecot>
{
    private IReadOnlyList<ServerMessage> Server => mailbox.Server;

    private Task<long> TotalAsync(string query) => mailbox.TotalAsync(query);

    [Fact]
    public async Task In_counts_each_folder_as_the_server_does()
    {
        foreach (var folder in Server.GroupBy(m => m.Folder))
        {
            Assert.True(folder.Count() == await TotalAsync($"in:\"{folder.Key}\""), folder.Key);
        }

        Assert.Equal(0, await TotalAsync("in:Nowhere"));
    }

    [Fact]
    public async Task Is_counts_the_flags_the_server_has_after_store()
    {
        // The STOREs made a mix: the counts must not be trivially all or nothing.
        var flagged = Server.Count(m => m.Flags.HasFlag(MessageFlags.Flagged));
        Assert.InRange(flagged, 1, Server.Count - 1);

        Assert.Equal(Server.Count(m => m.Flags.HasFlag(MessageFlags.Seen)), await TotalAsync("is:read"));
        Assert.Equal(Server.Count(m => !m.Flags.HasFlag(MessageFlags.Seen)), await TotalAsync("is:unread"));
        Assert.Equal(flagged, await TotalAsync("is:starred"));
        Assert.Equal(Server.Count(m => m.Flags.HasFlag(MessageFlags.Answered)), await TotalAsync("is:answered"));
        Assert.Equal(Server.Count(m => m.Flags.HasFlag(MessageFlags.Draft)), await TotalAsync("flag:draft"));
        Assert.Equal(Server.Count(m => m.Flags.HasFlag(MessageFlags.Flagged) && !m.Flags.HasFlag(MessageFlags.Seen)), await TotalAsync("is:flagged is:unread"));
        Assert.Equal(0, await TotalAsync("is:deleted"));
    }

    [Theory]
    [InlineData("larger:50K", 50 * 1024L, null)]
    [InlineData("smaller:10K", null, 10 * 1024L)]
    [InlineData("larger:100K smaller:150K", 100 * 1024L, 150 * 1024L)]
    public async Task Larger_and_smaller_compare_the_size_the_server_reports(string query, long? above, long? below)
    {
        var expected = Server.Count(m => (above is null || m.Size > above) && (below is null || m.Size < below));
        Assert.InRange(expected, 1, Server.Count - 1);
        Assert.Equal(expected, await TotalAsync(query));
    }

    [Fact]
    public async Task Size_ranges_include_both_ends()
    {
        var sizes = Server.Select(m => m.Size).Order().ToList();
        var (low, high) = (sizes[sizes.Count / 4], sizes[sizes.Count / 2]);
        Assert.Equal(Server.Count(m => m.Size >= low && m.Size <= high), await TotalAsync($"size:{low}..{high}"));
        Assert.Equal(Server.Count(m => m.Size == low), await TotalAsync($"size:{low}"));
        Assert.Equal(Server.Count(m => m.Size <= 20 * 1024), await TotalAsync("size:..20K"));
    }

    [Fact]
    public async Task Msgid_finds_each_message_by_its_message_id_with_or_without_brackets()
    {
        foreach (var message in Server.Where(m => m.MessageId is not null).Where((_, i) => i % 97 == 0))
        {
            var expected = Server.Count(m => string.Equals(m.MessageId, message.MessageId, StringComparison.OrdinalIgnoreCase));
            Assert.Equal(expected, await TotalAsync($"msgid:<{message.MessageId}>"));
            Assert.Equal(expected, await TotalAsync($"msgid:{message.MessageId!.ToUpperInvariant()}"));
        }

        Assert.Equal(0, await TotalAsync("msgid:<no-such-id@example.org>"));
    }

    [Fact]
    public async Task List_counts_the_messages_of_each_mailing_list()
    {
        var lists = Server.Where(m => m.ListIdentifier is not null).GroupBy(m => m.ListIdentifier!).ToList();
        Assert.NotEmpty(lists);
        foreach (var list in lists)
        {
            var name = list.Key.Split('.')[0];
            Assert.Equal(Server.Count(m => m.ListIdentifier?.Split('.').Contains(name) == true), await TotalAsync($"list:{name}"));
            Assert.Equal(list.Count(), await TotalAsync($"list:<{list.Key}>"));
        }

        Assert.Equal(Server.Count(m => m.ListIdentifier?.EndsWith(".lists.example.org", StringComparison.Ordinal) == true), await TotalAsync("list:lists.example.org"));
    }

    [Theory]
    [InlineData("filename:pdf", ".pdf", null)]
    [InlineData("filename:*.csv", ".csv", null)]
    [InlineData("filename:report*", null, "report")]
    [InlineData("filename:*.docx", ".docx", null)]
    public async Task Filename_counts_the_messages_with_such_an_attachment(string query, string? extension, string? start)
    {
        var expected = Server.Count(m => m.FileNames.Any(n =>
            (extension is null || n.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            && (start is null || n.StartsWith(start, StringComparison.OrdinalIgnoreCase))));
        Assert.InRange(expected, 1, Server.Count - 1);
        Assert.Equal(expected, await TotalAsync(query));
    }

    [Theory]
    [InlineData("older_than:3y", -3, true)]
    [InlineData("newer_than:30m", -30, false)]
    [InlineData("older_than:2y newer_than:4y", 0, false)]
    public async Task Ages_count_back_from_now(string query, int months, bool older)
    {
        var now = TimeProvider.System.GetUtcNow();
        var expected = query.Contains(' ', StringComparison.Ordinal)
            ? Server.Count(m => m.Date < now.AddYears(-2) && m.Date >= now.AddYears(-4))
            : Server.Count(m => older ? m.Date < now.AddYears(months) : m.Date >= now.AddMonths(months));
        Assert.InRange(expected, 1, Server.Count - 1);
        Assert.Equal(expected, await TotalAsync(query));
    }

    [Fact]
    public async Task Facet_counts_equal_the_per_folder_year_and_sender_counts()
    {
        var body = await mailbox.SearchAsync($"source:{mailbox.SourceId}", "&pageSize=1&facets=folder,year,from,source");
        var facets = body.GetProperty("facets");
        Assert.Equal(Server.GroupBy(m => m.Folder).ToDictionary(g => g.Key, g => (long)g.Count()), Values(facets.GetProperty("folder")));
        Assert.Equal(Server.GroupBy(m => m.Date.Year.ToString(CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => (long)g.Count()), Values(facets.GetProperty("year")));
        Assert.Equal(new Dictionary<string, long> { [mailbox.SourceId] = Server.Count }, Values(facets.GetProperty("source")));
        var from = Values(facets.GetProperty("from"));
        Assert.Equal(20, from.Count);
        foreach (var (address, count) in from)
        {
            Assert.Equal(count, await TotalAsync($"from:{address}"));
        }

        // Over a narrower result: the facet of a folder query is that folder alone, with the result's total.
        var inbox = await mailbox.SearchAsync("in:INBOX is:flagged", "&facets=folder");
        Assert.Equal(
            new Dictionary<string, long> { ["INBOX"] = Server.Count(m => m.Folder == "INBOX" && m.Flags.HasFlag(MessageFlags.Flagged)) },
            Values(inbox.GetProperty("facets").GetProperty("folder")));
    }

    [Fact]
    public async Task Sort_by_date_either_way_and_by_relevance()
    {
        static IReadOnlyList<DateTimeOffset> Dates(JsonElement body) =>
            body.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("date").GetDateTimeOffset()).ToList();

        var newest = Dates(await mailbox.SearchAsync("meeting", "&pageSize=50"));
        var explicitNewest = Dates(await mailbox.SearchAsync("meeting", "&pageSize=50&sort=-date"));
        var oldest = Dates(await mailbox.SearchAsync("meeting", "&pageSize=50&sort=date"));
        Assert.Equal(newest.OrderDescending(), newest);
        Assert.Equal(newest, explicitNewest);
        Assert.Equal(oldest.Order(), oldest);
        Assert.True(oldest[0] < newest[0]);
        Assert.Equal(await TotalAsync("meeting"), (await mailbox.SearchAsync("meeting", "&sort=relevance")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Unknown_operators_are_searched_as_text_with_a_warning()
    {
        var body = await mailbox.SearchAsync("larger2:1M");
        Assert.Equal(0, body.GetProperty("total").GetInt64());
        Assert.Equal(["'larger2:' is not an operator; searched as text"], body.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()));
        Assert.Empty((await mailbox.SearchAsync("larger:1M")).GetProperty("warnings").EnumerateArray());
    }

    [Theory]
    [InlineData("bu*", 0, "at least 3")]
    [InlineData("meeting subject:re*", 16, "at least 3")]
    public async Task Too_short_or_too_broad_prefixes_are_400s_with_their_position(string query, int position, string says)
    {
        var response = await mailbox.Client.GetAsync(new Uri($"/api/search?q={Uri.EscapeDataString(query)}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(position, problem.GetProperty("position").GetInt32());
        Assert.Contains(says, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prefixes_that_match_more_than_1024_words_together_are_a_400_at_the_one_that_went_past()
    {
        // No single 3-letter prefix of this corpus reaches 1,024 words; these together do.
        const string query = "con* OR dis* OR pro* OR ent* OR ver* OR tra* OR ion* OR ment*";
        var response = await mailbox.Client.GetAsync(new Uri($"/api/search?q={Uri.EscapeDataString(query)}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var position = problem.GetProperty("position").GetInt32();
        Assert.True(position > 0 && query[position - 1] == ' ' && query.IndexOf('*', position) > position, $"position {position}");
        Assert.Contains("more than 1,024 words together", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, (int)(await mailbox.Client.GetAsync(new Uri("/api/search?q=con*", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_prefix_finds_what_the_words_it_stands_for_find()
    {
        // "zanzibarite" is the corpus's rare word; "budg*" covers budget, budgets, budget_2023 ...
        Assert.Equal(await TotalAsync("zanzibarite"), await TotalAsync("zanzibar*"));
        Assert.True(await TotalAsync("budg*") >= await TotalAsync("budget"));
        Assert.True(await TotalAsync("budget") > 0);
    }

    private static Dictionary<string, long> Values(JsonElement facet) =>
        facet.EnumerateArray().ToDictionary(v => v.GetProperty("value").GetString()!, v => v.GetProperty("count").GetInt64());
}
