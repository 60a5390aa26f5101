using System.Globalization;
using System.Text;
using Vault.Search.Attachments;
using Vault.Search.Documents;
using Vault.Search.Tests.Mailboxes;
using Vault.TestSupport;

namespace Vault.Search.Tests.Documents;

public sealed class MessageDocumentBuilderTests : IDisposable
{
    private readonly ScratchIndex _index = new();

    public void Dispose() => _index.Dispose();

    private const string Plain = """
        From: "Alice Johnson" <alice.johnson@example.org>
        To: Bob <bob@corp.example>
        Cc: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@partner.example>
        Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgWsO8cmljaA==?=
        Date: Wed, 01 Mar 2023 10:00:00 +0100
        Message-ID: <plain@example.org>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        The zanzibarite sample arrived on time.
        """;

    [Fact]
    public async Task Encoded_word_subject_is_findable_by_its_decoded_words_case_and_accent_insensitively()
    {
        var id = _index.Add(Plain);
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        Assert.Equal([id], await _index.IdsAsync("subject:Grüße"));
        Assert.Equal([id], await _index.IdsAsync("subject:zurich"));
        Assert.Equal([id], await _index.IdsAsync("GRUSSE OR grusse"));
        Assert.Empty(await _index.IdsAsync("subject:zanzibarite"));
        var hit = Assert.Single((await _index.QueryAsync("zanzibarite")).Hits);
        Assert.Equal("Grüße aus Zürich", hit.Subject);
        Assert.Equal(new DateTimeOffset(2023, 3, 1, 9, 0, 0, TimeSpan.Zero), hit.Date);
    }

    [Fact]
    public async Task Raw_8bit_subject_in_latin1_is_findable()
    {
        var raw = Encoding.Latin1.GetBytes("From: a@example.org\r\nSubject: Prüfung der Bücher\r\nDate: Thu, 02 Mar 2023 10:00:00 +0000\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nMädchen\r\n");
        var id = _index.Add(raw);
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        Assert.Equal([id], await _index.IdsAsync("subject:prufung"));
        Assert.Equal([id], await _index.IdsAsync("body:Mädchen"));
    }

    [Fact]
    public async Task Every_part_of_an_address_is_findable_and_the_address_exactly()
    {
        var id = _index.Add(Plain);
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        foreach (var query in new[] { "from:alice", "from:johnson", "from:\"Alice Johnson\"", "from:example.org", "from:alice.johnson@example.org", "from:ALICE.JOHNSON@EXAMPLE.ORG", "to:bob", "to:corp.example", "cc:jurgen", "cc:muller", "johnson" })
        {
            Assert.True((await _index.IdsAsync(query)).SequenceEqual([id]), query);
        }

        Assert.Empty(await _index.IdsAsync("from:bob"));
        Assert.Empty(await _index.IdsAsync("from:johnson@example.org"));
    }

    [Fact]
    public async Task Attachment_names_in_rfc2231_and_encoded_words_are_decoded_and_html_is_reduced_to_text()
    {
        var id = _index.Add("""
            From: a@example.org
            Subject: files
            Date: Thu, 02 Mar 2023 10:00:00 +0000
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/html; charset=utf-8

            <html><head><style>.hidden { color: red }</style><script>var secretscript = 1;</script></head>
            <body><p>Caf&eacute; &amp; <b>cr&egrave;me</b></p></body></html>
            --b
            Content-Type: application/pdf
            Content-Disposition: attachment; filename*=UTF-8''%C3%9Cbersicht%20Q1.pdf
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            --b
            Content-Type: text/csv; name="=?ISO-8859-1?Q?K=F6ln=2Ecsv?="
            Content-Disposition: attachment

            a,b
            --b--
            """);
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        foreach (var query in new[] { "attachment:ubersicht", "attachment:\"Übersicht Q1.pdf\"", "attachment:pdf", "attachment:koln", "attachment:text/csv", "has:attachment", "body:cafe", "creme" })
        {
            Assert.True((await _index.IdsAsync(query)).SequenceEqual([id]), query);
        }

        Assert.Empty(await _index.IdsAsync("secretscript"));
        Assert.Empty(await _index.IdsAsync("hidden"));
        Assert.Empty(await _index.IdsAsync("eacute"));
    }

    [Theory]
    [InlineData("   \n")]
    [InlineData("\r\n\r\n")]
    [InlineData("From alice@example.org Thu Mar  2 10:00:00 2023\n")]
    public async Task Leading_blank_lines_or_an_mbox_envelope_line_do_not_stop_parsing(string junk)
    {
        var id = _index.Add(junk + Plain);
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        Assert.Equal([id], await _index.IdsAsync("subject:grusse zanzibarite"));
    }

    [Fact]
    public async Task A_40_MB_attachment_is_parsed_in_place_and_its_message_indexed_by_body_and_attachment_name()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("vault-search-large");
        var message = await LargeMessage.WriteAsync(Path.Combine(folder.Path, "large.eml"), 40L * 1024 * 1024, seed: 16, ct);
        var metadata = FileIndexing.Metadata(Encoding.ASCII.GetBytes($"Subject: large\r\n\r\n{message.Sha256}"), ScratchIndex.SourceId, "INBOX", 1) with { Size = message.Length };
        // A seekable stream, as the store hands the indexer: MimeKit keeps each part as a window on it (persistent content).
        await using var raw = new FileStream(message.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var document = MessageDocumentBuilder.Build(metadata, raw, FileIndexing.AttachmentText, ct);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Copied into memory, as a parse without persistent content does, the attachment alone is 40 MB; attachment text
        // extraction passes over it (above its 20 MB cap) without decoding it.
        Assert.True(allocated < 8L * 1024 * 1024, $"{allocated / 1e6:F1} MB allocated to build the document of a {message.Length / 1e6:F0} MB message");
        _index.Index.Upsert(document);
        await _index.Index.CommitAsync(ct);
        Assert.Equal([metadata.Id], await _index.IdsAsync(message.BodyWord));
        Assert.Equal([metadata.Id], await _index.IdsAsync($"attachment:{message.AttachmentName}"));
    }

    [Fact]
    public async Task A_text_body_of_many_megabytes_is_read_only_as_far_as_the_index_keeps()
    {
        var text = new StringBuilder("From: a@example.org\r\nSubject: log\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nfirstmarker\r\n");
        while (text.Length < 12 * 1024 * 1024)
        {
            text.Append("a line of a very long pasted log that nobody will ever read to its end\r\n");
        }

        text.Append("lastmarker\r\n");
        var raw = Encoding.ASCII.GetBytes(text.ToString());
        text.Clear();
        var metadata = FileIndexing.Metadata(raw, ScratchIndex.SourceId, "INBOX", 1);
        using var stream = new MemoryStream(raw, writable: false);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var document = MessageDocumentBuilder.Build(metadata, stream, FileIndexing.AttachmentText, TestContext.Current.CancellationToken);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // TextPart.Text would decode all 12 MB into a 24 MB string first.
        Assert.True(allocated < 12L * 1024 * 1024, $"{allocated / 1e6:F1} MB allocated for a {raw.Length / 1e6:F0} MB text body");
        _index.Index.Upsert(document);
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        Assert.Equal([metadata.Id], await _index.IdsAsync("body:firstmarker"));
        Assert.Empty(await _index.IdsAsync("body:lastmarker"));
    }

    [Fact]
    public void Unreadable_message_is_indexed_from_metadata_and_flagged()
    {
        var document = FileIndexing.Build([], ScratchIndex.SourceId, "INBOX", 1);
        Assert.Equal("true", document.Get(SearchFields.ParseError, CultureInfo.InvariantCulture));
        Assert.NotNull(document.Get(SearchFields.Id, CultureInfo.InvariantCulture));
        Assert.Equal(FileIndexing.FirstSeen.ToUnixTimeMilliseconds(), document.GetField(SearchFields.Date).GetInt64Value());
    }

    [Fact]
    public void Every_corpus_message_builds_a_document_and_attachment_failures_are_counted()
    {
        var files = SharedFolder.CorpusMessages();
        Assert.True(files.Count > 3000);
        var flagged = new List<string>();
        var failures = new Dictionary<AttachmentFailure, List<string>>();
        var withAttachmentText = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var file in files)
        {
            var document = FileIndexing.Build(File.ReadAllBytes(file), ScratchIndex.SourceId, "INBOX", 1);
            Assert.NotNull(document.Get(SearchFields.Id, CultureInfo.InvariantCulture));
            Assert.NotNull(document.GetField(SearchFields.Date));
            if (document.Get(SearchFields.ParseError, CultureInfo.InvariantCulture) is not null)
            {
                flagged.Add($"{Path.GetFileName(file)} ({new FileInfo(file).Length} bytes, subject: {document.Get(SearchFields.Subject, CultureInfo.InvariantCulture) ?? "-"})");
            }

            withAttachmentText += document.GetField(SearchFields.AttachmentText) is null ? 0 : 1;
            foreach (var error in AttachmentFields.Errors(document))
            {
                // Every error names an attachment of this message, and says why in words.
                Assert.False(string.IsNullOrWhiteSpace(error.Name), file);
                Assert.False(string.IsNullOrWhiteSpace(error.Message), file);
                Assert.InRange(error.Index, 0, document.GetValues(SearchFields.AttachmentName, CultureInfo.InvariantCulture).Length - 1);
                (failures.TryGetValue(error.Reason, out var list) ? list : failures[error.Reason] = []).Add($"{Path.GetRelativePath(SharedFolder.RequireCorpus(), file)}: {error.Name}: {error.Message}");
            }
        }

        // MimeKit reads almost everything; what it refuses is flagged, never dropped.
        Assert.True(flagged.Count < files.Count / 100, string.Join("\n", flagged));

        // The corpus holds real PDFs, Office files and calendars: most attachments with a reader give text, some fail and are counted.
        Assert.True(withAttachmentText > 100, $"{withAttachmentText} messages with attachment text");
        Assert.NotEmpty(failures);
        Assert.True(failures.Values.Sum(f => f.Count) < withAttachmentText, "more failures than attachments read");
        TestContext.Current.TestOutputHelper!.WriteLine(
            $"{files.Count} corpus messages in {clock.Elapsed.TotalSeconds:0.0} s, {flagged.Count} flagged parseError, {withAttachmentText} with attachment text, " +
            $"attachment failures: {string.Join(", ", failures.Select(f => $"{f.Key} {f.Value.Count}"))}\n{string.Join("\n", failures.SelectMany(f => f.Value))}\n" +
            $"parseError:\n{string.Join("\n", flagged)}");
    }

    [Fact]
    public async Task Corpus_subjects_with_encoded_words_and_8bit_bytes_are_findable_by_a_decoded_word()
    {
        var corpus = SharedFolder.RequireCorpus();
        var samples = new List<(string Folder, string Word, string Kind)>();
        var nonAscii = 0;
        foreach (var file in SharedFolder.CorpusMessages())
        {
            var raw = File.ReadAllBytes(file);
            var kind = SubjectKind(raw);
            if (kind is null || samples.Count(s => s.Kind == kind) >= 40)
            {
                continue;
            }

            var subject = DecodedSubject(raw);
            // A word as the analyzer sees it ("ACTION:draft" is one UAX #29 word); the query folds it again.
            var word = subject is null ? null : Words(subject).Where(w => w.Length >= 4 && w.Any(char.IsLetter) && !w.Contains('"', StringComparison.Ordinal))
                .OrderByDescending(w => w.Length).FirstOrDefault();
            if (word is null)
            {
                continue;
            }

            // The file's path as its folder makes each sample a one-message set.
            var folder = Path.GetRelativePath(corpus, file);
            _index.Add(raw, folder);
            samples.Add((folder, word, kind));
            nonAscii += subject!.Any(c => c > 127) ? 1 : 0;
        }

        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        Assert.Contains(samples, s => s.Kind == "encoded-word");
        Assert.Contains(samples, s => s.Kind == "8bit");
        Assert.True(nonAscii >= 10, $"{nonAscii} subjects with non-ASCII letters");
        foreach (var (folder, word, _) in samples)
        {
            Assert.True((await _index.QueryAsync($"subject:\"{word}\" folder:\"{folder}\"")).Total == 1, $"{folder}: {word}");
        }
    }

    private static List<string> Words(string text)
    {
        using var analyzer = new Vault.Search.Analysis.MailAnalyzer();
        using var stream = analyzer.GetTokenStream(SearchFields.Subject, text);
        var term = stream.AddAttribute<Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
        var words = new List<string>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            words.Add(term.ToString());
        }

        stream.End();
        return words;
    }

    private static string? DecodedSubject(byte[] raw)
    {
        using var stream = new MemoryStream(raw);
        try
        {
            return MimeKit.HeaderList.Load(stream, TestContext.Current.CancellationToken)[MimeKit.HeaderId.Subject];
        }
        catch (FormatException)
        {
            // No readable header block: not a sample for subject search.
            return null;
        }
    }

    private static string? SubjectKind(byte[] raw)
    {
        var end = raw.AsSpan().IndexOf("\n\n"u8);
        var crlfEnd = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        var headerEnd = end < 0 ? crlfEnd : crlfEnd < 0 ? end : Math.Min(end, crlfEnd);
        var header = raw.AsSpan(0, headerEnd < 0 ? raw.Length : headerEnd);
        var subject = header.IndexOf("\nSubject:"u8);
        if (subject < 0)
        {
            return null;
        }

        var line = header[(subject + 9)..];
        var lineEnd = line.IndexOf((byte)'\n');
        line = lineEnd < 0 ? line : line[..lineEnd];
        if (line.IndexOf("=?"u8) >= 0)
        {
            return "encoded-word";
        }

        foreach (var b in line)
        {
            if (b >= 0x80)
            {
                return "8bit";
            }
        }

        return "plain";
    }
}
