namespace Vault.Archive.Sources;

/// <summary>
/// The sources of the archive and their event log: what the source lifecycle, the endpoints that show or change a
/// source, and a sync run's status reports read and write. <see cref="IArchiveStore"/> includes it; both stores implement
/// it and the store contract tests hold them to it.
/// </summary>
public interface ISourceStore
{
    Task CreateSourceAsync(Source source, CancellationToken cancellationToken);

    Task<Source?> GetSourceAsync(string sourceId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Source>> ListSourcesAsync(CancellationToken cancellationToken);

    /// <summary>Replaces settings and credentials (an edit); status and progress are left as they are.</summary>
    Task UpdateSourceSettingsAsync(string sourceId, SourceSettings settings, byte[] encryptedPassword, CancellationToken cancellationToken);

    /// <summary>Sets status and error details; <paramref name="importCompleted"/> null leaves that mark as it is.</summary>
    Task UpdateSourceStatusAsync(string sourceId, SourceStatus status, SourceError? error, bool? importCompleted, CancellationToken cancellationToken);

    Task UpdateSourceProgressAsync(string sourceId, SyncProgress progress, DateTimeOffset? lastSyncAt, CancellationToken cancellationToken);

    /// <summary>Deletes the source, its folder state and events; its messages and raw bytes only when <paramref name="purgeMessages"/>.</summary>
    Task DeleteSourceAsync(string sourceId, bool purgeMessages, CancellationToken cancellationToken);

    Task AppendEventAsync(SourceEvent sourceEvent, CancellationToken cancellationToken);

    /// <summary>The most recent events first.</summary>
    Task<IReadOnlyList<SourceEvent>> ListEventsAsync(string sourceId, int limit, CancellationToken cancellationToken);
}
