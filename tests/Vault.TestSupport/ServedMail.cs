using System.Security.Cryptography;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace Vault.TestSupport;

/// <summary>What the test Dovecot serves a user, fetched independently of Vault (its own IMAP client): the truth an archive is compared with.</summary>
public static class ServedMail
{
    /// <summary>SHA-256 (lowercase hex) of every message in every selectable folder, as served with BODY.PEEK[].</summary>
    public static async Task<List<string>> Sha256Async(TestDovecot dovecot, TestUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dovecot);
        ArgumentNullException.ThrowIfNull(user);
        using var client = new ImapClient();
        await client.ConnectAsync(dovecot.Host, dovecot.ImapPort, SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(user.Name, user.Password, cancellationToken);
        var hashes = new List<string>();
        foreach (var folder in await client.GetFoldersAsync(client.PersonalNamespaces[0], StatusItems.None, false, cancellationToken))
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

            var uids = await folder.SearchAsync(MailKit.Search.SearchQuery.All, cancellationToken);
            await ((ImapFolder)folder).GetStreamsAsync(uids, async (_, _, _, stream, token) =>
            {
                hashes.Add(Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, token)));
            }, cancellationToken);
        }

        await client.DisconnectAsync(true, cancellationToken);
        return hashes;
    }

    /// <summary>SHA-256 (lowercase hex) of every message POP3 serves (RETR), in message-number order; ends without DELE.</summary>
    public static async Task<List<string>> Pop3Sha256Async(TestDovecot dovecot, TestUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dovecot);
        ArgumentNullException.ThrowIfNull(user);
        using var client = new Pop3Client();
        await client.ConnectAsync(dovecot.Host, dovecot.Pop3Port, SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(user.Name, user.Password, cancellationToken);
        var hashes = new List<string>(client.Count);
        for (var i = 0; i < client.Count; i++)
        {
            await using var stream = await client.GetStreamAsync(i, headersOnly: false, cancellationToken);
            hashes.Add(Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken)));
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
        return hashes;
    }
}
