using MailKit;
using MailKit.Net.Imap;
using Vault.Ingestion.Errors;

namespace Vault.Ingestion.Connections;

/// <summary>An authenticated IMAP session and what its server said; disposing logs out and closes the socket.</summary>
public sealed class ImapConnection(ImapClient client, ServerResponseRecorder recorder) : IAsyncDisposable
{
    public ImapClient Client { get; } = client;

    public ServerTranscript Transcript => recorder.ToTranscript();

    /// <summary>The personal namespace (RFC 2342), or null when the server has none (folders then hang off the root).</summary>
    public FolderNamespace? PersonalNamespace => Client.PersonalNamespaces.Count > 0 ? Client.PersonalNamespaces[0] : null;

    public IReadOnlyList<string> Capabilities => CapabilityNames.Of(Client.Capabilities);

    /// <summary>Every folder of the personal namespace (INBOX first), with message counts where STATUS/LIST-STATUS answer them.</summary>
    public async Task<IReadOnlyList<MailFolderInfo>> ListFoldersAsync(bool withCounts, CancellationToken cancellationToken)
    {
        var folders = new List<MailFolderInfo>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var items = withCounts ? StatusItems.Count : StatusItems.None;

        var found = PersonalNamespace is { } personal
            ? await Client.GetFoldersAsync(personal, items, false, cancellationToken)
            : [];

        // INBOX first; it is outside the personal namespace on some servers (RFC 3501 §5.1: INBOX is special).
        var inbox = Client.Inbox;
        var all = found.Any(folder => folder.FullName.Equals(inbox.FullName, StringComparison.OrdinalIgnoreCase)) ? found : [inbox, .. found];
        foreach (var folder in all.OrderBy(folder => folder.FullName.Equals(inbox.FullName, StringComparison.OrdinalIgnoreCase) ? 0 : 1))
        {
            if ((folder.Attributes & (FolderAttributes.NoSelect | FolderAttributes.NonExistent)) != 0)
            {
                continue;
            }

            var name = FolderDisplayName.Of(folder.FullName, folder.DirectorySeparator, PersonalNamespace?.Path);
            if (!seen.Add(name))
            {
                continue;
            }

            if (withCounts && folder == inbox && !found.Contains(inbox))
            {
                await inbox.StatusAsync(StatusItems.Count, cancellationToken);
            }

            folders.Add(new MailFolderInfo(name, withCounts ? folder.Count : null));
        }

        return folders;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Client.IsConnected)
            {
                using var logout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Client.DisconnectAsync(true, logout.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ProtocolException or CommandException)
        {
            // LOGOUT is a courtesy; the socket is closed by Dispose either way.
        }
        finally
        {
            Client.Dispose();
        }
    }
}
