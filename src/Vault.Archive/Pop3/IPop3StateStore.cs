namespace Vault.Archive.Pop3;

/// <summary>
/// POP3 sync state: the UIDLs seen for a source, each with the message it matched. New UIDLs are written in the same
/// transaction as their messages (<see cref="Messages.MessageBatch.Uidls"/>), so a crash leaves no UIDL without its message.
/// </summary>
public interface IPop3StateStore
{
    Task<IReadOnlyList<Pop3Uidl>> ListPop3UidlsAsync(string sourceId, CancellationToken cancellationToken);

    /// <summary>UIDLs skipped on purpose (not archived, UID 0), so they are not looked at again.</summary>
    Task SavePop3UidlsAsync(string sourceId, IReadOnlyList<Pop3Uidl> uidls, CancellationToken cancellationToken);

    /// <summary>The UIDLs left the server: marked gone, and their messages marked deleted on the server (they stay archived).</summary>
    /// <returns>The messages whose state changed (given new change numbers), for the indexer.</returns>
    Task<IReadOnlyList<string>> MarkPop3UidlsGoneAsync(string sourceId, IReadOnlyList<string> uidls, DateTimeOffset at, CancellationToken cancellationToken);
}
