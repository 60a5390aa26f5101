using System.Net;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Imap;

/// <summary>The helpers that fill a test mailbox put exactly what they were given where they were told.</summary>
public sealed class TestDovecotTests
{
    private readonly TestDovecot _dovecot = TestDovecot.Require();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Append_keeps_the_bytes_and_creates_a_nested_folder()
    {
        var user = _dovecot.CreateUser("append");
        // Folded and 8-bit headers, odd spacing, no trailing newline: things a re-serializer would be tempted to tidy.
        var message = Encoding.UTF8.GetBytes(
            "Received: from x\r\n\tby y;  Tue, 1 Mar 2022 10:00:00 +0000\r\nFrom:   \"Zoë\" <z@example.org>\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nX-Odd:no-space\r\n\r\nGrüße   \r\n\r\nline without end");

        await _dovecot.AppendAsync(user, "Projekte/Übersicht", message, Token);

        var fetched = await FetchAllAsync(user, "Projekte/Übersicht");
        Assert.Equal(message, Assert.Single(fetched));
    }

    [Fact]
    public async Task Eml_files_arrive_byte_exact_up_to_line_endings()
    {
        var user = _dovecot.CreateUser("eml");
        var files = SharedFolder.CorpusMessages().Where((_, i) => i % 40 == 0).ToList();

        await _dovecot.FillFromEmlFilesAsync(user, "INBOX", files, Token);

        var fetched = await FetchAllAsync(user, "INBOX");
        Assert.Equal(files.Count, fetched.Count);
        var mismatches = files
            .Where((file, i) => !fetched[i].AsSpan().SequenceEqual(ToCrLf(File.ReadAllBytes(file))))
            .ToList();
        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task A_generated_maildir_shows_every_folder_with_its_messages()
    {
        var corpus = await TestDovecot.RunGeneratorAsync(count: 60, seed: 7, Token);
        var user = _dovecot.CreateUser("maildir");

        await _dovecot.FillFromMaildirAsync(user, corpus.Maildir, Token);

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(corpus.Manifest, Token));
        using var client = await LoginAsync(user);
        var total = 0;
        foreach (var folder in manifest.RootElement.GetProperty("folders").EnumerateObject())
        {
            var expected = folder.Value.GetInt32();
            var mailbox = folder.Name == "INBOX" ? client.Inbox : await client.GetFolderAsync(folder.Name, Token);
            await mailbox.OpenAsync(FolderAccess.ReadOnly, Token);
            Assert.Equal(expected, mailbox.Count);
            total += mailbox.Count;
        }

        Assert.Equal(60, total);
    }

    private async Task<ImapClient> LoginAsync(TestUser user)
    {
        var client = new ImapClient();
        await client.ConnectAsync(_dovecot.Host, _dovecot.ImapPort, SecureSocketOptions.None, Token);
        await client.AuthenticateAsync(new NetworkCredential(user.Name, user.Password), Token);
        return client;
    }

    private async Task<List<byte[]>> FetchAllAsync(TestUser user, string folderName)
    {
        using var client = await LoginAsync(user);
        var folder = folderName == "INBOX" ? client.Inbox : await client.GetFolderAsync(folderName, Token);
        await folder.OpenAsync(FolderAccess.ReadOnly, Token);
        var messages = new List<byte[]>();
        foreach (var uid in await folder.SearchAsync(MailKit.Search.SearchQuery.All, Token))
        {
            using var stream = await folder.GetStreamAsync(uid, string.Empty, Token);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, Token);
            messages.Add(buffer.ToArray());
        }

        return messages;
    }

    /// <summary>IMAP carries CRLF lines (RFC 3501 §2.2): Dovecot serves a bare LF as CRLF (a bare CR
    /// stays as it is: the corpus has such files on purpose).</summary>
    private static byte[] ToCrLf(byte[] bytes)
    {
        var result = new List<byte>(bytes.Length + 64);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r'))
            {
                result.AddRange("\r\n"u8);
            }
            else
            {
                result.Add(bytes[i]);
            }
        }

        return [.. result];
    }
}
