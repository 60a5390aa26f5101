using Vault.TestSupport;

namespace Vault.Search.Tests.Attachments;

public sealed class AttachmentTextSearchTests(AttachmentFormatIndex formats) : IClassFixture<AttachmentFormatIndex>
{
    public static TheoryData<string> Formats => [.. AttachmentSamples.All.Select(s => s.Format).Append("tnef")];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task A_word_inside_an_attachment_finds_exactly_its_message_as_a_plain_word_and_with_attachment(string format)
    {
        if (format == "tnef")
        {
            SharedFolder.RequireCorpus();
        }

        var (sample, id) = formats.Find(format) ?? throw new InvalidOperationException($"no sample for {format}");
        Assert.Equal([id], await formats.Index.IdsAsync(sample.QueryWord));
        Assert.Equal([id], await formats.Index.IdsAsync($"attachment:{sample.QueryWord}"));
        if (!sample.BodyToo)
        {
            Assert.Empty(await formats.Index.IdsAsync($"body:{sample.QueryWord}"));
        }

        var hit = Assert.Single((await formats.Index.QueryAsync(sample.QueryWord)).Hits);
        Assert.Equal(sample.MatchedName, hit.MatchedAttachment);
        Assert.Contains(sample.Word, hit.Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Markup_tables_and_hidden_parts_of_attachments_are_not_text()
    {
        // RTF font table, document info and generator; HTML head and script.
        foreach (var word in new[] { "fontyfontrtf", "infotitlertf", "riched20", "hiddentitlehtml", "scripthtml" })
        {
            Assert.Empty(await formats.Index.IdsAsync(word));
        }
    }

    [Fact]
    public async Task Calendar_attendees_and_office_sheet_names_are_searchable()
    {
        var calendar = formats.Find("calendar")!.Value.Id;
        Assert.Equal([calendar], await formats.Index.IdsAsync("attachment:\"Jane Roe\""));
        Assert.Equal([calendar], await formats.Index.IdsAsync("attachment:jane.roe@example.test"));
        Assert.Equal([formats.Find("xlsx")!.Value.Id], await formats.Index.IdsAsync("attachment:invoices"));
        Assert.Equal([formats.Find("xlsx")!.Value.Id], await formats.Index.IdsAsync("attachment:4711 attachment:amount"));
    }

    [Fact]
    public async Task The_sender_and_subject_of_an_attached_message_are_attachment_text()
    {
        Assert.Equal([formats.Find("message/rfc822")!.Value.Id], await formats.Index.IdsAsync("attachment:carl@example.test"));
        var saved = formats.Find("eml as octet-stream")!.Value.Id;
        Assert.Equal([saved], await formats.Index.IdsAsync("attachment:dora@example.test"));
        Assert.Equal([saved], await formats.Index.IdsAsync("attachment:\"saved mail\""));
    }

    [Fact]
    public async Task The_files_inside_a_tnef_attachment_are_findable_by_name()
    {
        SharedFolder.RequireCorpus();
        var tnef = formats.Find("tnef")!.Value;
        Assert.Equal([tnef.Id], await formats.Index.IdsAsync("attachment:README"));
        Assert.Equal("winmail.dat", Assert.Single((await formats.Index.QueryAsync("attachment:README")).Hits).MatchedAttachment);
    }

    [Fact]
    public async Task A_hit_on_an_attachment_name_names_it_and_a_hit_elsewhere_names_none()
    {
        var hit = Assert.Single((await formats.Index.QueryAsync("attachment:roadmap.pptx")).Hits);
        Assert.Equal("roadmap.pptx", hit.MatchedAttachment);
        var bySubject = (await formats.Index.QueryAsync("subject:sample subject:pptx")).Hits;
        Assert.Null(Assert.Single(bySubject).MatchedAttachment);
    }
}
