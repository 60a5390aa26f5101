using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MimeKit;
using Vault.Api.Export;
using Vault.Ingestion.Files;
using Vault.TestSupport;

namespace Vault.Api.Tests.Export;

/// <summary>Exports through the real HTTP pipeline, read back with independent readers (.NET's ZipArchive, unzip, MimeKit's mbox parser).</summary>
public sealed class ExportTests : IAsyncDisposable
{
    private readonly ExportHost _host = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task A_zip_export_holds_every_location_as_its_stored_bytes_under_its_folder()
    {
        var mailbox = await GeneratedMailbox.RequireAsync(300, 11, Ct);
        var files = mailbox.Messages().Select(m => (m.Folder, File.ReadAllBytes(m.Path))).ToList();
        // The same bytes in a second folder: one message, two locations, two entries.
        files.Add(("Archive/Copies", files[0].Item2));
        var id = await _host.AddSourceAsync("Generated: 300/mail", files, Ct);

        var response = await _host.Client.GetAsync(new Uri($"/api/sources/{id}/export?format=zip", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Matches(@"^Generated_ 300_mail-\d{4}-\d{2}-\d{2}\.zip$", disposition.FileNameStar ?? disposition.FileName!.Trim('"'));
        var path = Path.Combine(_host.DataDirectory, "export.zip");
        await using (var file = File.Create(path))
        {
            await response.Content.CopyToAsync(file, Ct);
        }

        using var zip = ZipFile.OpenRead(path);
        var entries = new List<(string Folder, string Sha)>();
        foreach (var entry in zip.Entries)
        {
            await using var content = await entry.OpenAsync(Ct);
            using var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, Ct);
            entries.Add((entry.FullName[..entry.FullName.LastIndexOf('/')], ExportHost.Sha(buffer.ToArray())));
            Assert.EndsWith(".eml", entry.FullName, StringComparison.Ordinal);
        }

        Assert.Equal(files.Count, entries.Count);
        Assert.Equal(files.Select(f => (ExportFileNames.FolderPath(f.Folder), ExportHost.Sha(f.Item2))).Order(), entries.Order());
        Assert.Equal(await _host.ArchivedShasAsync(id, Ct), entries.Select(e => e.Sha).ToHashSet(StringComparer.Ordinal));
        Assert.Contains(entries, e => e.Folder == "Projekte/Übersicht");
        await AssertUnzipAcceptsAsync(path);
    }

    [Fact]
    public async Task An_mbox_export_parses_back_into_the_same_messages()
    {
        var mailbox = await GeneratedMailbox.RequireAsync(300, 11, Ct);
        var files = mailbox.Messages().Select(m => (m.Folder, File.ReadAllBytes(m.Path))).ToList();
        files.Add(("INBOX", Encoding.ASCII.GetBytes("Return-Path: <bounce@example.net>\r\nFrom: a@example.org\r\nSubject: quoting\r\nMessage-ID: <q@x>\r\n\r\nFrom the start\r\n>From one\r\n>>From two\r\nFromage\r\n")));
        var id = await _host.AddSourceAsync("mbox", files, Ct);

        var bytes = await _host.Client.GetByteArrayAsync(new Uri($"/api/sources/{id}/export?format=mbox", UriKind.Relative), Ct);

        // Our own reader: byte for byte.
        var read = new List<string>();
        await foreach (var message in MboxReader.ReadAsync(new MemoryStream(bytes), Path.Combine(_host.DataDirectory, "tmp"), cancellationToken: Ct))
        {
            using (message)
            {
                read.Add(message.Content.Sha256);
            }
        }

        Assert.Equal((await _host.ArchivedShasAsync(id, Ct)).Order(StringComparer.Ordinal), read.Order(StringComparer.Ordinal));

        // MimeKit's mbox parser, an independent reader: the same number of messages and Message-IDs, the sender and date on the From line.
        var parser = new MimeParser(new MemoryStream(bytes), MimeFormat.Mbox);
        var ids = new List<string>();
        while (!parser.IsEndOfStream)
        {
            ids.Add((await parser.ParseMessageAsync(Ct)).MessageId ?? string.Empty);
        }

        Assert.Equal(files.Count, ids.Count);
        Assert.Equal(files.Select(f => MimeMessage.Load(new MemoryStream(f.Item2)).MessageId ?? string.Empty).Order(), ids.Order());
        var text = Encoding.ASCII.GetString(bytes);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, @"\nFrom bounce@example\.net \w{3} \w{3} [ \d]\d \d\d:\d\d:00 2023\r\n"), text[Math.Max(0, text.IndexOf("bounce@", StringComparison.Ordinal) - 80)..][..200]);
        Assert.Contains("\r\n>From the start\r\n>>From one\r\n>>>From two\r\nFromage\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_folder_names_become_safe_relative_paths_in_the_zip()
    {
        string[] folders = ["../../etc", "/abs/olute", "a:b<c>|d?e*", "CON", "Dots...", "x/../y", "back\\slash", "tab\there"];
        var messages = folders.Select((f, i) => (f, Encoding.ASCII.GetBytes($"Subject: ../../evil{i}\r\nMessage-ID: <h{i}@x>\r\n\r\nbody {i}\r\n"))).ToList();
        var id = await _host.AddSourceAsync("hostile", messages, Ct);

        var bytes = await _host.Client.GetByteArrayAsync(new Uri($"/api/sources/{id}/export", UriKind.Relative), Ct);

        using var zip = new ZipArchive(new MemoryStream(bytes));
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Equal(folders.Length, names.Count);
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var name in names)
        {
            Assert.False(name.StartsWith('/'), name);
            Assert.DoesNotContain(name.Split('/'), segment => segment is "." or ".." or "" || segment.EndsWith('.') || segment.EndsWith(' '));
            Assert.DoesNotContain(name, c => c is '\\' or ':' or '<' or '>' or '|' or '?' or '*' or '"' || char.IsControl(c));
            Assert.DoesNotContain(name.Split('/'), segment => segment.Split('.')[0].Equals("CON", StringComparison.OrdinalIgnoreCase));
        }

        // Unpacked by a real tool into an empty folder, nothing lands outside it.
        var target = Directory.CreateDirectory(Path.Combine(_host.DataDirectory, "unpacked")).FullName;
        ZipFile.ExtractToDirectory(new MemoryStream(bytes), target);
        Assert.Equal(folders.Length, Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task A_download_link_serves_the_export_once_without_the_key()
    {
        var id = await _host.AddSourceAsync("linked", [("INBOX", Encoding.ASCII.GetBytes("Subject: one\r\n\r\nbody\r\n"))], Ct);

        var link = await _host.Client.PostAsync(new Uri($"/api/sources/{id}/export/link?format=mbox", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        var body = await link.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var url = body.GetProperty("url").GetString()!;
        Assert.StartsWith("/downloads/", url, StringComparison.Ordinal);
        Assert.DoesNotContain(ExportHost.ApiKey, url, StringComparison.Ordinal);

        using var anonymous = _host.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri($"/api/sources/{id}/export", UriKind.Relative), Ct)).StatusCode);
        var first = await anonymous.GetAsync(new Uri(url, UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("application/mbox", first.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("From MAILER-DAEMON ", await first.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, (await anonymous.GetAsync(new Uri(url, UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await anonymous.GetAsync(new Uri("/downloads/made-up-token", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task A_search_export_holds_exactly_the_hits_under_the_source_name()
    {
        var messages = Enumerable.Range(1, 30).Select(n => ("INBOX", Encoding.ASCII.GetBytes(
            $"From: a@example.org\r\nSubject: {(n % 3 == 0 ? "pelican" : "heron")} {n}\r\nDate: Wed, 01 Mar 2023 10:{n:00}:00 +0000\r\nMessage-ID: <s{n}@x>\r\n\r\nbody {n}\r\n"))).ToList();
        var id = await _host.AddSourceAsync("Birds", messages, Ct);
        await Deadline.UntilAsync(async () => (await _host.Client.GetFromJsonAsync<JsonElement>($"/api/search?q=source:{id}", Ct)).GetProperty("total").GetInt32() == 30, TimeSpan.FromSeconds(20), "indexed", Ct);

        var zip = new ZipArchive(new MemoryStream(await _host.Client.GetByteArrayAsync(new Uri("/api/search/export?q=subject:pelican&format=zip", UriKind.Relative), Ct)));

        Assert.Equal(10, zip.Entries.Count);
        Assert.All(zip.Entries, e => Assert.StartsWith("Birds/INBOX/", e.FullName, StringComparison.Ordinal));
        Assert.All(zip.Entries, e => Assert.Contains("pelican", e.FullName, StringComparison.Ordinal));
        var bad = await _host.Client.GetAsync(new Uri("/api/search/export?q=(pelican", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var refused = await bad.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(0, refused.GetProperty("position").GetInt32());
        Assert.True(refused.GetProperty("errors").TryGetProperty("q", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await _host.Client.GetAsync(new Uri($"/api/sources/{id}/export?format=tar", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync(new Uri("/api/sources/nope/export", UriKind.Relative), Ct)).StatusCode);
    }

    private static async Task AssertUnzipAcceptsAsync(string path)
    {
        if (!File.Exists("/usr/bin/unzip"))
        {
            return;
        }

        var start = new ProcessStartInfo("/usr/bin/unzip") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-tq");
        start.ArgumentList.Add(path);
        using var unzip = Process.Start(start)!;
        var output = await unzip.StandardOutput.ReadToEndAsync(Ct);
        await unzip.WaitForExitAsync(Ct);
        Assert.True(unzip.ExitCode == 0, $"unzip -t: {output}{await unzip.StandardError.ReadToEndAsync(Ct)}");
    }
}
