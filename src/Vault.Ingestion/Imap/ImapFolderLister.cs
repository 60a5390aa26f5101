using MailKit;
using MailKit.Net.Imap;

namespace Vault.Ingestion.Imap;

/// <summary>A selectable folder under its display name (<see cref="FolderNames.DisplayName"/>).</summary>
public readonly record struct ListedFolder(string Name, IMailFolder Folder);

/// <summary>
/// The one way Vault lists a mailbox's folders, for the connection test and the sync engine alike, so both show the
/// same names: every selectable folder of the personal namespace (RFC 2342), INBOX first and added when the server
/// lists it outside the namespace (RFC 3501 §5.1: INBOX is special), each display name once.
/// </summary>
public static class ImapFolderLister
{
    public static async Task<IReadOnlyList<ListedFolder>> ListAsync(ImapClient client, StatusItems items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var personal = client.PersonalNamespaces.Count > 0 ? client.PersonalNamespaces[0] : null;
        var listed = personal is null ? [] : (await client.GetFoldersAsync(personal, items, subscribedOnly: false, cancellationToken)).ToList();
        if (!listed.Any(f => string.Equals(f.FullName, FolderNames.Inbox, StringComparison.OrdinalIgnoreCase)))
        {
            var inbox = client.Inbox;
            if (items != StatusItems.None)
            {
                await inbox.StatusAsync(items, cancellationToken);
            }

            listed.Insert(0, inbox);
        }

        return listed
            .Where(f => !f.Attributes.HasFlag(FolderAttributes.NoSelect) && !f.Attributes.HasFlag(FolderAttributes.NonExistent))
            .Select(f => new ListedFolder(FolderNames.DisplayName(f, personal?.Path), f))
            .DistinctBy(f => f.Name, StringComparer.Ordinal)
            .OrderBy(f => f.Name == FolderNames.Inbox ? 0 : 1)
            .ToList();
    }
}
