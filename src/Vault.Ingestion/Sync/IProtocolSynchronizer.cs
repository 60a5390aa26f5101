using Vault.Archive.Sources;

namespace Vault.Ingestion.Sync;

/// <summary>
/// How one protocol archives a source: IMAP folders with UIDs, POP3's INBOX by UIDL, uploaded files. The source's
/// lifecycle, retries, status, progress and metrics are shared (<see cref="SourceSynchronizer"/>, <see cref="SourceRun"/>).
/// </summary>
public interface IProtocolSynchronizer
{
    MailProtocol Protocol { get; }

    /// <summary>
    /// One connected run: the import when it has not finished, or a catch-up pass; then, when
    /// <paramref name="continuous"/>, keeps the archive in sync until cancelled. Failures propagate to the caller, which
    /// records them and retries.
    /// </summary>
    Task RunAsync(SourceRun run, bool continuous, CancellationToken cancellationToken);
}
