using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vault.Api.Export;
using Vault.Api.Tests.Export;
using Vault.Archive.Messages;
using Vault.TestSupport;

namespace Vault.Api.Tests.Import;

/// <summary><c>POST /api/sources/import</c> through the real host: multipart upload, the source's job, the store and the index.</summary>
public sealed class ImportTests : IAsyncDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);
    private readonly ExportHost _host = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Mbox_eml_and_zip_uploads_become_a_file_source_whose_messages_are_byte_exact_in_their_folders()
    {
        var mailbox = await GeneratedMailbox.RequireAsync(300, 11, Ct);
        var generated = mailbox.Messages().Select(m => File.ReadAllBytes(m.Path)).ToList();
        var sent = generated.Take(120).ToList();
        var mbox = new MemoryStream();
        var writer = new MboxWriter(mbox);
        foreach (var message in sent)
        {
            await writer.AddAsync("someone@example.org", DateTimeOffset.UnixEpoch, new MemoryStream(message), Ct);
        }

        var zipped = generated.Skip(120).Take(100).ToList();
        var zip = Zip(zipped.Select((m, i) => ($"Archive/{(i % 2 == 0 ? "2021" : "2022")}/m{i}.eml", m)).Append(("../../escape/x.eml", generated[250])));
        var loose = generated[260];

        using var form = new MultipartFormDataContent
        {
            { new StringContent("Old mail"), "name" },
            { new ByteArrayContent(mbox.ToArray()), "files", "Sent Items.mbox" },
            { new ByteArrayContent(zip), "files", "archive.zip" },
            { new ByteArrayContent(loose), "files", "one.eml" },
        };
        var response = await _host.Client.PostAsync(new Uri("/api/sources/import", UriKind.Relative), form, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var source = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("file", source.GetProperty("protocol").GetString());
        Assert.Equal("Importing", source.GetProperty("status").GetString());
        var id = source.GetProperty("id").GetString()!;
        await UntilActiveAsync(id);

        var folders = await ((IMessageCatalog)_host.Store).ListFoldersAsync(id, Ct);
        Assert.Equal(
            [new FolderCount("Archive/2021", 50), new FolderCount("Archive/2022", 50), new FolderCount("INBOX", 1), new FolderCount("Sent Items", 120), new FolderCount("escape", 1)],
            folders);
        var expected = sent.Concat(zipped).Append(generated[250]).Append(loose).Select(ExportHost.Sha).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(expected.Order(StringComparer.Ordinal), (await _host.ArchivedShasAsync(id, Ct)).Order(StringComparer.Ordinal));
        await Deadline.UntilAsync(
            async () => (await _host.Client.GetFromJsonAsync<JsonElement>($"/api/search?q=source:{id}", Ct)).GetProperty("total").GetInt32() == expected.Count,
            Within, "every imported message searchable", Ct);
        Assert.False(Directory.Exists(Path.Combine(_host.DataDirectory, "imports", id)), "the uploads are deleted once archived");
    }

    [Fact]
    public async Task The_shared_corpus_imports_byte_exact_and_broken_files_are_reported_without_stopping_the_rest()
    {
        var corpus = SharedFolder.CorpusMessages();
        var root = SharedFolder.RequireCorpus();
        var zip = Zip(corpus.Select(path => (Path.GetRelativePath(root, path).Replace('\\', '/'), File.ReadAllBytes(path))));
        var mboxes = Directory.EnumerateFiles(root, "*.mbox", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        using var form = new MultipartFormDataContent { { new StringContent("Corpus"), "name" }, { new ByteArrayContent(zip), "files", "corpus.zip" } };
        foreach (var path in mboxes)
        {
            form.Add(new ByteArrayContent(File.ReadAllBytes(path)), "files", Path.GetFileName(path));
        }

        form.Add(new ByteArrayContent(Encoding.ASCII.GetBytes("PK\u0003\u0004 this is not really a zip")), "files", "broken.zip");
        form.Add(new ByteArrayContent(Encoding.ASCII.GetBytes("hello")), "files", "notes.txt");
        var response = await _host.Client.PostAsync(new Uri("/api/sources/import", UriKind.Relative), form, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        await UntilActiveAsync(id);

        // Every corpus message archived byte for byte (the corpus holds each distinct file once), in its folder.
        var archived = await _host.ArchivedShasAsync(id, Ct);
        var missing = corpus.Where(path => !archived.Contains(ExportHost.Sha(File.ReadAllBytes(path)))).ToList();
        Assert.True(missing.Count == 0 || corpus.Where(p => new FileInfo(p).Length == 0).SequenceEqual(missing), $"not archived: {string.Join(", ", missing.Take(5))}");
        var folders = (await ((IMessageCatalog)_host.Store).ListFoldersAsync(id, Ct)).Select(f => f.Folder).ToList();
        Assert.Contains("usrp-users", folders);
        Assert.Contains("mimekit/messages", folders);

        // The mbox files became folders of their own; the broken zip and the text file were reported, and the rest went on.
        Assert.Contains("mbox.rlug", folders);
        var events = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/sources/{id}/events", Ct);
        var problems = events.EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "import-problem").Select(e => e.GetProperty("message").GetString()!).ToList();
        Assert.Contains(problems, p => p.StartsWith("broken.zip: the file:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("notes.txt: the file: not an .mbox, .eml or .zip file", StringComparison.Ordinal));
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("kind").GetString() == "import-finished");
        TestContext.Current.TestOutputHelper?.WriteLine($"{archived.Count} messages archived; problems reported:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public async Task An_upload_without_a_name_or_files_is_a_validation_error_and_leaves_nothing_behind()
    {
        using var noName = new MultipartFormDataContent { { new ByteArrayContent(Encoding.ASCII.GetBytes("Subject: x\r\n\r\ny\r\n")), "files", "a.eml" } };
        var response = await _host.Client.PostAsync(new Uri("/api/sources/import", UriKind.Relative), noName, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("name", out _));

        using var noFiles = new MultipartFormDataContent { { new StringContent("empty"), "name" } };
        var empty = await _host.Client.PostAsync(new Uri("/api/sources/import", UriKind.Relative), noFiles, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.True((await empty.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("files", out _));

        var json = await _host.Client.PostAsync(new Uri("/api/sources/import", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Empty(await _host.Client.GetFromJsonAsync<JsonElement[]>("/api/sources", Ct) ?? []);
        var imports = Path.Combine(_host.DataDirectory, "imports");
        Assert.True(!Directory.Exists(imports) || !Directory.EnumerateFileSystemEntries(imports).Any());
    }

    private async Task UntilActiveAsync(string id)
    {
        JsonElement source = default;
        await Deadline.UntilAsync(async () =>
        {
            source = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/sources/{id}", Ct);
            return source.GetProperty("status").GetString() == "Active";
        }, Within, () => $"the import finishes (last seen: {source})", Ct);
    }

    private static byte[] Zip(IEnumerable<(string Name, byte[] Bytes)> entries)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                entry.Write(bytes);
            }
        }

        return output.ToArray();
    }
}
