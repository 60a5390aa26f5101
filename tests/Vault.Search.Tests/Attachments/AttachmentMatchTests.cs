using System.Text;
using Vault.Search.Tests.Mailboxes;
using Vault.TestSupport;

namespace Vault.Search.Tests.Attachments;

public sealed class AttachmentMatchTests : IDisposable
{
    private readonly ScratchIndex _index = new();

    public void Dispose() => _index.Dispose();

    [Fact]
    public async Task A_hit_names_the_attachment_that_holds_the_word_not_the_first_one()
    {
        await AddAsync("Three files",
            ("a.txt", "text/plain", Text("alpha notes about the plan")),
            ("b.pdf", "application/pdf", PdfFiles.WithText("middle page with gannetword")),
            ("c.csv", "text/csv", Text("id,code\n1,puffinword\n")));

        Assert.Equal("c.csv", await MatchedAsync("puffinword"));
        Assert.Equal("b.pdf", await MatchedAsync("attachment:gannetword"));
        Assert.Equal("a.txt", await MatchedAsync("attachment:a.txt"));
        Assert.Equal("b.pdf", await MatchedAsync("subject:three attachment:pdf"));
    }

    [Fact]
    public async Task A_phrase_never_runs_from_one_attachment_into_the_next()
    {
        var id = await AddAsync("Two halves", ("first.txt", "text/plain", Text("the end is crimson")), ("second.txt", "text/plain", Text("heron flies at dawn")));

        Assert.Empty(await _index.IdsAsync("\"crimson heron\""));
        Assert.Equal([id], await _index.IdsAsync("crimson heron"));
        Assert.Equal([id], await _index.IdsAsync("\"heron flies\""));
        Assert.Equal("second.txt", await MatchedAsync("\"heron flies\""));
    }

    [Fact]
    public async Task A_match_beyond_the_stored_preview_gets_its_snippet_from_the_attachment_read_again()
    {
        var filler = string.Concat(Enumerable.Repeat("quarterly figures unchanged ", 1500));
        await AddAsync("Long report", ("report.txt", "text/plain", Text(filler + "the kittiwakeword appears late")));

        var hit = Assert.Single((await _index.QueryAsync("kittiwakeword")).Hits);
        Assert.Equal("report.txt", hit.MatchedAttachment);
        Assert.Contains("the kittiwakeword appears late", hit.Snippet, StringComparison.Ordinal);
        Assert.Equal(hit.Snippet.IndexOf("kittiwakeword", StringComparison.Ordinal), Assert.Single(hit.Highlights).Start);
    }

    [Fact]
    public async Task A_body_match_keeps_the_body_snippet_and_still_names_the_attachment()
    {
        await AddAsync("Both", ("notes.txt", "text/plain", Text("the plover count")));

        var hit = Assert.Single((await _index.QueryAsync("attachment:plover OR see")).Hits);
        Assert.Equal("notes.txt", hit.MatchedAttachment);
        Assert.StartsWith("Please see the attachment.", hit.Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_with_more_attachments_than_position_stretches_is_indexed_and_its_last_attachment_found()
    {
        var files = Enumerable.Range(0, 2100).Select(i => ((string?)$"part{i}.txt", "text/plain", Text(i == 2099 ? "lastpetrelword" : $"file {i}"))).ToArray();
        var id = await AddAsync("Many files", files);

        Assert.Equal([id], await _index.IdsAsync("lastpetrelword"));
        Assert.Equal([id], await _index.IdsAsync("attachment:part2099.txt"));
        Assert.Equal("part5.txt", await MatchedAsync("attachment:part5.txt"));
    }

    private static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    private async Task<string?> MatchedAsync(string query) => Assert.Single((await _index.QueryAsync(query)).Hits).MatchedAttachment;

    private async Task<string> AddAsync(string subject, params (string? FileName, string ContentType, byte[] Content)[] attachments)
    {
        var id = _index.Add(MailWithAttachment.Create(subject, attachments));
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        return id;
    }
}
