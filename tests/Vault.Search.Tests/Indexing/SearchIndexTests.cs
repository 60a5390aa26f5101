using Vault.Search.Indexing;
using Vault.Search.Searching;
using Vault.Search.Tests.Mailboxes;
using Vault.TestSupport;

namespace Vault.Search.Tests.Indexing;

public sealed class SearchIndexTests
{
    private static string Message(string subject, string date = "Thu, 02 Mar 2023 10:00:00 +0000") =>
        $"From: a@example.org\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{Guid.NewGuid():N}@x>\r\n\r\nbody of {subject}\r\n";

    [Fact]
    public async Task A_message_is_searchable_when_its_commit_returns()
    {
        using var index = new ScratchIndex();
        Assert.Equal(0, (await index.QueryAsync("fresh")).Total);
        var id = index.Add(Message("fresh news"));
        Assert.Equal(0, (await index.QueryAsync("fresh")).Total);
        await index.Index.CommitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(id, Assert.Single((await index.QueryAsync("fresh")).Hits).Id);
    }

    [Fact]
    public async Task Reindexing_a_relocated_message_replaces_its_document()
    {
        using var index = new ScratchIndex();
        var raw = System.Text.Encoding.UTF8.GetBytes(Message("moving"));
        var id = index.Add(raw, "INBOX");
        await index.Index.CommitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(id, index.Add(raw, "Archive/2023"));
        await index.Index.CommitAsync(TestContext.Current.CancellationToken);
        var hit = Assert.Single((await index.QueryAsync("moving")).Hits);
        Assert.Equal(["Archive/2023"], hit.Folders);
        Assert.Equal(0, (await index.QueryAsync("folder:INBOX")).Total);
    }

    [Fact]
    public async Task Rebuilding_after_the_index_folder_is_deleted_gives_identical_results()
    {
        var mailbox = await GeneratedMailbox.RequireAsync(2000, 7, TestContext.Current.CancellationToken);
        var files = mailbox.Messages().Where((_, i) => i % 4 == 0).ToList();
        using var data = new TempDirectory("vault-search");
        var path = Path.Combine(data.Path, "index");
        string[] queries = ["meeting", "\"budget review\"", "from:alice.johnson@example.org", "date:2023-01-01..2023-06-30", "has:attachment -folder:INBOX", "folder:\"Projekte/Übersicht\" OR subject:release"];

        async Task<List<string>> RunAsync()
        {
            using var index = new SearchIndex(path);
            if (index.DocumentCount == 0)
            {
                await FileIndexing.IndexAsync(index, files, "src", TestContext.Current.CancellationToken);
            }

            var search = new SearchService(index, TimeProvider.System);
            var lines = new List<string>();
            foreach (var query in queries)
            {
                var results = await search.SearchAsync(query, 1, 200, SearchSort.Date, TestContext.Current.CancellationToken);
                lines.Add($"{query}: {results.Total}: {string.Join(",", results.Hits.Select(h => $"{h.Id}/{h.Snippet}"))}");
            }

            return lines;
        }

        var before = await RunAsync();
        Directory.Delete(path, recursive: true);
        var after = await RunAsync();
        Assert.Equal(before, after);
        Assert.All(before, line => Assert.DoesNotContain(": 0: ", line, StringComparison.Ordinal));
    }
}
