using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace Vault.Api.Tests.Search;

/// <summary>
/// One message as the IMAP server describes it, read with a client of the test's own (never through Vault): the
/// facts the operators' expected counts are computed from.
/// </summary>
internal sealed record ServerMessage(
    string Folder,
    uint Uid,
    long Size,
    MessageFlags Flags,
    DateTimeOffset Date,
    string? MessageId,
    string? ListId,
    IReadOnlyList<string> FileNames)
{
    /// <summary>Every message of every selectable folder, with its display name ('/' separated, as Vault shows it).</summary>
    public static async Task<IReadOnlyList<ServerMessage>> ReadAllAsync(ImapClient client, CancellationToken cancellationToken)
    {
        var messages = new List<ServerMessage>();
        var personal = client.PersonalNamespaces[0];
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

            var name = folder.FullName.Replace(folder.DirectorySeparator, '/');
            var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.Size
                | MessageSummaryItems.Envelope | MessageSummaryItems.InternalDate | MessageSummaryItems.BodyStructure)
            {
                Headers = new HeaderSet([HeaderId.ListId]),
            };
            foreach (var summary in await folder.FetchAsync(0, -1, request, cancellationToken))
            {
                messages.Add(new ServerMessage(
                    name,
                    summary.UniqueId.Id,
                    (long)summary.Size!.Value,
                    summary.Flags ?? MessageFlags.None,
                    (summary.Envelope?.Date ?? summary.InternalDate!.Value).ToUniversalTime(),
                    summary.Envelope?.MessageId,
                    summary.Headers?[HeaderId.ListId],
                    summary.BodyParts.Select(p => p.FileName).Where(n => !string.IsNullOrEmpty(n)).Select(n => n!).ToList()));
            }
        }

        return messages;
    }

    /// <summary>The List-Id's identifier (between '&lt;' and '&gt;'), lower-cased; null without one.</summary>
    public string? ListIdentifier
    {
        get
        {
            if (ListId is null)
            {
                return null;
            }

            var open = ListId.IndexOf('<', StringComparison.Ordinal);
            var close = ListId.IndexOf('>', StringComparison.Ordinal);
            return (open >= 0 && close > open ? ListId[(open + 1)..close] : ListId).Trim().ToLowerInvariant();
        }
    }
}
