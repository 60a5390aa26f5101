using System.Text;
using Vault.Search.Attachments;
using Vault.Search.Tests.Mailboxes;
using Vault.TestSupport;

namespace Vault.Search.Tests.Attachments;

public sealed class AttachmentFailureTests
{
    [Theory]
    [InlineData("random bytes after a PDF header", "It is not a PDF: it holds no PDF objects.")]
    [InlineData("a PDF cut off after its first object", "It could not be read: ")]
    public async Task A_garbage_pdf_is_recorded_as_unreadable_and_its_message_is_archived_and_found_by_subject(string garbage, string message)
    {
        byte[] pdf;
        if (garbage.StartsWith("random", StringComparison.Ordinal))
        {
            pdf = new byte[200_000];
            new Random(7).NextBytes(pdf);
            "%PDF-1.7\n"u8.CopyTo(pdf);
        }
        else
        {
            pdf = PdfFiles.WithText("cut off")[..60];
        }

        using var index = new ScratchIndex();
        var id = await AddAsync(index, "Garbage capybara", ("broken.pdf", "application/pdf", pdf));

        Assert.Equal([id], await index.IdsAsync("subject:capybara"));
        Assert.Equal([id], await index.IdsAsync("attachment:broken.pdf"));
        var error = Assert.Single(index.Search.AttachmentErrors(id));
        Assert.Equal((0, "broken.pdf", AttachmentFailure.Unreadable), (error.Index, error.Name, error.Reason));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData("report.odt", "application/vnd.oasis.opendocument.text")]
    public async Task A_truncated_office_file_is_recorded_as_unreadable_and_its_message_is_found_by_subject(string name, string contentType)
    {
        var whole = name.EndsWith(".docx", StringComparison.Ordinal) ? OfficeFiles.Docx("cutwombat") : OfficeFiles.Odt("cutwombat");
        using var index = new ScratchIndex();
        var id = await AddAsync(index, "Truncated wombat", (name, contentType, whole[..(whole.Length / 2)]));

        Assert.Equal([id], await index.IdsAsync("subject:wombat"));
        Assert.Empty(await index.IdsAsync("cutwombat"));
        var error = Assert.Single(index.Search.AttachmentErrors(id));
        Assert.Equal(new AttachmentError(0, name, AttachmentFailure.Unreadable, "It is not a complete zip file: its central directory is missing."), error);
    }

    [Fact]
    public async Task An_encrypted_pdf_is_recorded_as_encrypted_and_its_message_is_found_by_subject()
    {
        using var index = new ScratchIndex();
        var id = await AddAsync(index, "Locked heron", ("locked.pdf", "application/pdf", PdfFiles.Encrypted()));

        Assert.Equal([id], await index.IdsAsync("heron"));
        Assert.Empty(await index.IdsAsync("secret"));
        var error = Assert.Single(index.Search.AttachmentErrors(id));
        Assert.Equal(new AttachmentError(0, "locked.pdf", AttachmentFailure.Encrypted, "The PDF is protected by a password."), error);
    }

    [Fact]
    public async Task An_encrypted_office_file_is_recorded_as_encrypted()
    {
        // MS-OFFCRYPTO: an encrypted .docx is an OLE compound file with an EncryptionInfo and an EncryptedPackage stream.
        var compound = new byte[4096];
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(compound, 0);
        Encoding.Unicode.GetBytes("EncryptionInfo").CopyTo(compound, 1024);
        using var index = new ScratchIndex();
        var id = await AddAsync(index, "Locked stork", ("budget.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", compound));

        Assert.Equal([id], await index.IdsAsync("stork"));
        Assert.Equal(AttachmentFailure.Encrypted, Assert.Single(index.Search.AttachmentErrors(id)).Reason);
    }

    [Fact]
    public async Task A_zip_bomb_docx_is_refused_from_its_directory_without_being_unpacked()
    {
        var limits = AttachmentTextLimits.Default;
        var bomb = OfficeFiles.ZipBombDocx(limits.MaxUnpackedBytes + (16 * 1024 * 1024));
        Assert.True(bomb.Length < 2 * 1024 * 1024, $"the bomb is {bomb.Length} bytes packed");
        using var index = new ScratchIndex();
        var message = MailWithAttachment.Create("Exploding marten", ("report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", bomb));

        // Measured around the synchronous document build only: an await could resume on another thread.
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var id = index.Add(message);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        await index.Index.CommitAsync(TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"{bomb.Length:N0} bytes packed, {allocated:N0} bytes allocated to index the message");

        Assert.Equal([id], await index.IdsAsync("subject:marten"));
        Assert.Empty(await index.IdsAsync("boom"));
        var error = Assert.Single(index.Search.AttachmentErrors(id));
        Assert.Equal(AttachmentFailure.TooLarge, error.Reason);
        Assert.Contains("unpacks to more than 100 MB", error.Message, StringComparison.Ordinal);

        // Unpacking would allocate over 100 MB of markup; refusing it reads the packed bytes a few times.
        Assert.True(allocated < 32 * 1024 * 1024, $"{allocated:N0} bytes allocated");
    }

    [Fact]
    public async Task An_attachment_over_the_byte_cap_is_not_read_and_is_recorded_as_too_large()
    {
        using var index = new ScratchIndex(Extraction(AttachmentTextLimits.Default with { MaxInputBytes = 64 * 1024 }));
        var rows = Encoding.ASCII.GetBytes("walrusrow\n" + string.Concat(Enumerable.Repeat("2024-01-01,1000,12.50,coffee\n", 4000)));
        var id = await AddAsync(index, "Big table", ("rows.csv", "text/csv", rows));

        Assert.Empty(await index.IdsAsync("walrusrow"));
        Assert.Equal([id], await index.IdsAsync("attachment:rows.csv"));
        var error = Assert.Single(index.Search.AttachmentErrors(id));
        Assert.Equal(new AttachmentError(0, "rows.csv", AttachmentFailure.TooLarge, "It is larger than 0.1 MB, the most that is read of one attachment."), error);
    }

    [Fact]
    public async Task An_image_over_the_byte_cap_is_no_error_because_it_has_no_text_to_read()
    {
        using var index = new ScratchIndex(Extraction(AttachmentTextLimits.Default with { MaxInputBytes = 64 * 1024 }));
        var photo = new byte[128 * 1024];
        new byte[] { 0xFF, 0xD8, 0xFF }.CopyTo(photo, 0);
        var id = await AddAsync(index, "Holiday photo", ("beach.jpg", "image/jpeg", photo));

        Assert.Equal([id], await index.IdsAsync("attachment:beach.jpg"));
        Assert.Empty(index.Search.AttachmentErrors(id));
    }

    [Fact]
    public async Task Text_beyond_the_text_cap_is_left_out_without_an_error()
    {
        using var index = new ScratchIndex(Extraction(AttachmentTextLimits.Default with { MaxTextChars = 2000 }));
        var text = "firstbadger " + string.Concat(Enumerable.Repeat("filler ", 1000)) + "lastbadger";
        var id = await AddAsync(index, "Long notes", ("notes.txt", "text/plain", Encoding.ASCII.GetBytes(text)));

        Assert.Equal([id], await index.IdsAsync("firstbadger"));
        Assert.Empty(await index.IdsAsync("lastbadger"));
        Assert.Empty(index.Search.AttachmentErrors(id));
    }

    [Fact]
    public async Task An_attachment_whose_budget_is_spent_is_recorded_as_timed_out_and_its_message_is_still_indexed()
    {
        using var index = new ScratchIndex(Extraction(AttachmentTextLimits.Default with { TimeBudget = TimeSpan.Zero }));
        var id = await AddAsync(index, "Slow otter", ("slow.pdf", "application/pdf", PdfFiles.WithText("slowotterpdf")), ("fine.jpg", "image/jpeg", [0xFF, 0xD8, 0xFF]));

        Assert.Equal([id], await index.IdsAsync("otter"));
        Assert.Empty(await index.IdsAsync("slowotterpdf"));
        var error = Assert.Single(index.Search.AttachmentErrors(id));
        Assert.Equal((0, "slow.pdf", AttachmentFailure.TimedOut), (error.Index, error.Name, error.Reason));
    }

    [Fact]
    public async Task A_long_pdf_is_cancelled_when_its_budget_runs_out()
    {
        // Reading all 20,000 pages takes PdfPig far longer than the budget.
        var pages = Enumerable.Range(1, 20_000).Select(n => $"Page {n} of the long minutes").ToList();
        var pdf = PdfFiles.WithPages(pages);
        using var index = new ScratchIndex(Extraction(AttachmentTextLimits.Default with { TimeBudget = TimeSpan.FromMilliseconds(500) }));
        var id = await AddAsync(index, "Long minutes", ("minutes.pdf", "application/pdf", pdf));

        // Timing decides nothing here (a loaded machine is slow): the budget's mark is the recorded reason and the
        // last page never reaching the index.
        Assert.Equal(AttachmentFailure.TimedOut, Assert.Single(index.Search.AttachmentErrors(id)).Reason);
        Assert.Empty(await index.IdsAsync("\"page 20000\""));
    }

    [Fact]
    public async Task Attachments_nested_deeper_than_the_depth_cap_keep_their_names_but_not_their_text()
    {
        var inner = Encoding.UTF8.GetBytes("From: a@example.test\r\nSubject: Deepest\r\n\r\nThe innermost text says deepmoose.\r\n");
        var levels = new List<byte[]> { inner };
        for (var i = 0; i < 5; i++)
        {
            levels.Add(MailWithAttachment.Create($"Level {i}", (null, "message/rfc822", levels[^1])));
        }

        using var index = new ScratchIndex(Extraction(AttachmentTextLimits.Default with { MaxDepth = 2 }));
        var id = await AddAsync(index, "Nested", (null, "message/rfc822", levels[^1]));

        // The walk reads every forwarded body into the message's text; the attachment text stops at the cap.
        Assert.Equal([id], await index.IdsAsync("body:deepmoose"));
        Assert.Empty(await index.IdsAsync("attachment:deepmoose"));
        Assert.Equal([id], await index.IdsAsync("attachment:deepest.eml"));
    }

    private static AttachmentTextExtraction Extraction(AttachmentTextLimits limits) => new(limits, TimeProvider.System);

    private static async Task<string> AddAsync(ScratchIndex index, string subject, params (string? FileName, string ContentType, byte[] Content)[] attachments)
    {
        var id = index.Add(MailWithAttachment.Create(subject, attachments));
        await index.Index.CommitAsync(TestContext.Current.CancellationToken);
        return id;
    }
}
