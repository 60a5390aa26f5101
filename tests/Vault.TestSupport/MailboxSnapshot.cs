using System.Globalization;
using System.Security.Cryptography;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace Vault.TestSupport;

/// <summary>
/// What a Dovecot user's mailbox holds, read independently of the restore: per folder (as the API names folders), one
/// line per message with the SHA-256 of <c>BODY.PEEK[]</c>, its flags and keywords (without \Recent, which no client
/// can set) and its INTERNALDATE, sorted; messages are streamed and hashed one at a time.
/// </summary>
public static class MailboxSnapshot
{
    public static async Task<SortedDictionary<string, List<string>>> ReadAsync(TestDovecot dovecot, TestUser user, CancellationToken cancellationToken)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(dovecot.Host, dovecot.ImapPort, SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(user.Name, user.Password, cancellationToken);
        var personal = client.PersonalNamespaces[0];
        var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var folder in await client.GetFoldersAsync(personal, StatusItems.None, false, cancellationToken))
        {
            if (folder.Attributes.HasFlag(FolderAttributes.NoSelect) || folder.Attributes.HasFlag(FolderAttributes.NonExistent))
            {
                continue;
            }

            await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
            if (folder.Count == 0)
            {
                continue;
            }

            var lines = new List<string>();
            var summaries = (await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate, cancellationToken))
                .ToDictionary(s => s.UniqueId);
            await ((ImapFolder)folder).GetStreamsAsync(summaries.Keys.ToList(), async (_, _, uid, stream, token) =>
            {
                var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, token));
                var summary = summaries[uid];
                var flags = (summary.Flags ?? MessageFlags.None) & ~MessageFlags.Recent;
                var keywords = string.Join(' ', summary.Keywords.Order(StringComparer.Ordinal));
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{sha} {flags} [{keywords}] {summary.InternalDate:O}"));
            }, cancellationToken);
            lines.Sort(StringComparer.Ordinal);
            result[DisplayName(folder, personal.Path)] = lines;
        }

        await client.DisconnectAsync(true, cancellationToken);
        return result;
    }

    /// <summary>One folder's messages: exact SHA-256, SHA-256 without CR and LF, and whether Dovecot can take the bytes back as they are.</summary>
    public static async Task<List<(string Exact, string LineEndFree, bool Representable)>> ContentsAsync(
        TestDovecot dovecot, TestUser user, string folderName, CancellationToken cancellationToken)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(dovecot.Host, dovecot.ImapPort, SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(user.Name, user.Password, cancellationToken);
        var folder = (ImapFolder)await client.GetFolderAsync(folderName, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        var result = new List<(string, string, bool)>();
        var uids = await folder.SearchAsync(MailKit.Search.SearchQuery.All, cancellationToken);
        await folder.GetStreamsAsync(uids, async (_, _, _, stream, token) =>
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, token);
            var bytes = copy.ToArray();
            var text = bytes.AsSpan();
            var loose = new List<byte>(bytes.Length);
            loose.AddRange(bytes.Where(b => b is not ((byte)'\r' or (byte)'\n')));
            // Dovecot stores LF and serves CRLF: a CR that no LF follows is lost before a line end or at the end; and
            // MailKit appends only a message with a header block, so a first line without a colon gains a blank line.
            var bareCr = Enumerable.Range(0, bytes.Length).Any(i => bytes[i] == '\r' && (i + 1 == bytes.Length || bytes[i + 1] != '\n'));
            var firstLine = text.IndexOf("\r\n"u8) is var end and >= 0 ? text[..end] : text;
            var representable = !bareCr && (firstLine.IsEmpty || firstLine.Contains((byte)':'));
            result.Add((Convert.ToHexStringLower(SHA256.HashData(bytes)), Convert.ToHexStringLower(SHA256.HashData(loose.ToArray())), representable));
        }, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
        return result;
    }

    public static int Count(SortedDictionary<string, List<string>> snapshot) => snapshot.Values.Sum(v => v.Count);

    /// <summary>The folder as the API names it: relative to the personal namespace, <c>/</c> between levels.</summary>
    private static string DisplayName(IMailFolder folder, string namespacePath)
    {
        if (string.Equals(folder.FullName, "INBOX", StringComparison.OrdinalIgnoreCase))
        {
            return "INBOX";
        }

        var name = folder.FullName;
        var prefix = namespacePath.TrimEnd(folder.DirectorySeparator);
        if (prefix.Length > 0 && name.StartsWith(prefix + folder.DirectorySeparator, StringComparison.Ordinal))
        {
            name = name[(prefix.Length + 1)..];
        }

        return folder.DirectorySeparator is '\0' or '/' ? name : name.Replace(folder.DirectorySeparator, '/');
    }
}
