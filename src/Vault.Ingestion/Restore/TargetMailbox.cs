using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.Logging;

namespace Vault.Ingestion.Restore;

/// <summary>
/// The restore's target mailbox over one authenticated connection: finds each archived folder's place there
/// (<see cref="RestoreFolderPath"/>, under the personal namespace of RFC 2342 with the target's separator) and creates
/// and subscribes whatever level is missing, from the top down.
/// </summary>
internal sealed class TargetMailbox(ImapClient client, string? folderPrefix, string restoreId, ILogger logger)
{
    public async Task<ImapFolder> FolderAsync(string archiveFolder, CancellationToken cancellationToken)
    {
        var personal = client.PersonalNamespaces.Count > 0 ? client.PersonalNamespaces[0] : null;
        var separator = personal?.DirectorySeparator ?? client.Inbox.DirectorySeparator;
        var levels = RestoreFolderPath.Levels(archiveFolder, folderPrefix, separator);
        IMailFolder folder;
        var first = 0;
        if (RestoreFolderPath.IsInbox(levels, folderPrefix))
        {
            folder = client.Inbox;
            first = 1;
        }
        else
        {
            // MailKit makes a personal namespace from LIST "" "" when the server lacks NAMESPACE, so this is a server
            // that answered neither.
            folder = personal is null
                ? throw new InvalidOperationException("The target server names no personal namespace (RFC 2342) to create folders in.")
                : client.GetFolder(personal);
        }

        foreach (var level in levels.Skip(first))
        {
            folder = await SubfolderAsync(folder, level, cancellationToken);
        }

        return (ImapFolder)folder;
    }

    private async Task<IMailFolder> SubfolderAsync(IMailFolder parent, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await parent.GetSubfolderAsync(name, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            // Created below.
        }

        IMailFolder? created;
        try
        {
            created = await parent.CreateAsync(name, isMessageFolder: true, cancellationToken);
        }
        catch (ImapCommandException refused)
        {
            // RFC 3501 §6.3.3: CREATE of an existing name is NO ([ALREADYEXISTS], RFC 5530): someone made it meanwhile.
            // Anything else (no right to create, a name the server refuses) is the restore's error.
            return await ExistsAsync(parent, name, cancellationToken)
                ?? throw new RestoreRefusedException($"The target server refused to create the folder {name}: {refused.ResponseText}", refused);
        }

        if (created is null)
        {
            // MailKit answers null when the server created the folder but LIST does not show it (a name it altered).
            return await ExistsAsync(parent, name, cancellationToken)
                ?? throw new InvalidOperationException($"The target server created the folder {name} but does not list it.");
        }

        RestoreLog.FolderCreated(logger, restoreId, created.FullName);
        // Many clients show only subscribed folders (RFC 3501 §6.3.6); a restored folder should be seen.
        await created.SubscribeAsync(cancellationToken);
        return created;
    }

    private static async Task<IMailFolder?> ExistsAsync(IMailFolder parent, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await parent.GetSubfolderAsync(name, cancellationToken);
        }
        catch (FolderNotFoundException)
        {
            return null;
        }
    }
}
