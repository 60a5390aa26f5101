using MailKit;
using MailKit.Net.Imap;
using Vault.Ingestion.Connectors;
using Vault.Ingestion.Errors;
using Vault.Ingestion.Imap;

namespace Vault.Ingestion.Connections;

/// <summary>An authenticated IMAP session and what its server said; disposing logs out and closes the socket.</summary>
public sealed class ImapConnection(ImapClient client, ServerResponseRecorder recorder) : IAsyncDisposable
{
    public ImapClient Client { get; } = client;

    /// <summary>The connector budget's connection this one counts against; given back when the connection closes.</summary>
    public ConnectionLease? Lease { get; set; }

    public ServerTranscript Transcript => recorder.ToTranscript();

    /// <summary>The personal namespace (RFC 2342), or null when the server has none (folders then hang off the root).</summary>
    public FolderNamespace? PersonalNamespace => Client.PersonalNamespaces.Count > 0 ? Client.PersonalNamespaces[0] : null;

    public IReadOnlyList<string> Capabilities => CapabilityNames.Of(Client.Capabilities);

    /// <summary>Every folder of the personal namespace (INBOX first), with message counts where asked (<see cref="ImapFolderLister"/>).</summary>
    public async Task<IReadOnlyList<MailFolderInfo>> ListFoldersAsync(bool withCounts, CancellationToken cancellationToken)
    {
        var folders = await ImapFolderLister.ListAsync(Client, withCounts ? StatusItems.Count : StatusItems.None, cancellationToken);
        return folders.Select(f => new MailFolderInfo(f.Name, withCounts ? f.Folder.Count : null)).ToList();
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
            Lease?.Dispose();
        }
    }
}
