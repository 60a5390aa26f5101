using Microsoft.Extensions.Logging;
using Vault.Archive.Connectors;
using Vault.Archive.OAuth;
using Vault.Archive.Sources;
using Vault.Ingestion.Errors;
using Vault.Ingestion.Jobs;
using Vault.Ingestion.OAuth;
using Vault.Ingestion.Sync;
using Vault.Search.Indexing;

namespace Vault.Ingestion.Sources;

/// <summary>
/// Everything a person does to a source, in one place: the state machine (<see cref="SourceStateMachine"/>), starting
/// and stopping its job, the event log and the sources-by-status gauge. The HTTP endpoints only validate and translate;
/// connectors reach their mailboxes through the same calls.
/// </summary>
public sealed class SourceLifecycle(
    ISourceStore store,
    IConnectorStore connectors,
    IOAuthStore oauth,
    ISourceRunner runner,
    SyncMetrics metrics,
    SearchIndex index,
    TimeProvider timeProvider,
    ILogger<SourceLifecycle> logger)
{
    /// <summary>Stores a new source and starts its import; an OAuth2 source waits in Error until someone signs it in.</summary>
    public Task<Source> CreateAsync(SourceSettings settings, byte[] encryptedPassword, CancellationToken cancellationToken) =>
        CreateAsync(SourceIds.New(), settings, encryptedPassword, cancellationToken);

    /// <summary>As above, under an id chosen beforehand (an import's files are uploaded to a folder named by it).</summary>
    public async Task<Source> CreateAsync(string sourceId, SourceSettings settings, byte[] encryptedPassword, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var source = NewSource(settings, encryptedPassword) with { Id = sourceId };
        if (settings.Auth == SourceAuth.OAuth2)
        {
            source = source with { Status = SourceStatus.Error, Error = WaitingError(OAuthErrors.NotSignedIn(settings.OAuthProvider ?? OAuthProvider.Google)) };
        }

        await store.CreateSourceAsync(source, cancellationToken);
        await RecordAsync(source.Id, "created", $"Created; {source.Status}", cancellationToken);
        metrics.StatusChanged(source.Id, source.Status);
        SourceLifecycleLog.Created(logger, source.Id, settings.Name, source.Status);
        if (source.Status != SourceStatus.Error)
        {
            await runner.StartAsync(source.Id, cancellationToken);
        }

        return source;
    }

    /// <summary>
    /// Stores many sources (a connector's mailboxes) and their first events in one write, then starts each one. Those
    /// beyond the connector's import slots are created queued (<c>progress.waiting</c>, a "queued" event), so thousands
    /// of new mailboxes do not each write that on their own a moment later.
    /// </summary>
    public async Task CreateManyAsync(IReadOnlyList<Source> sources, int importSlots, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var now = timeProvider.GetUtcNow();
        var created = sources.Select((source, i) => i < importSlots ? source : source with { Progress = source.Progress with { Waiting = true } }).ToList();
        var events = new List<SourceEvent>();
        for (var i = 0; i < created.Count; i++)
        {
            events.Add(new(created[i].Id, now, "created", $"Created as a mailbox of connector {created[i].ConnectorId}; {created[i].Status}"));
            if (i >= importSlots)
            {
                events.Add(new(created[i].Id, now, "queued", $"Waiting to import: {importSlots} mailboxes of this connector import at once (its maxConcurrentImports). It starts when one finishes."));
            }
        }

        await connectors.CreateMailboxesAsync(created, events, cancellationToken);
        foreach (var source in created)
        {
            metrics.StatusChanged(source.Id, source.Status);
            SourceLifecycleLog.Created(logger, source.Id, source.Settings.Name, source.Status);
            await runner.StartAsync(source.Id, cancellationToken);
        }
    }

    /// <summary>A new source in the state every source starts in.</summary>
    public Source NewSource(SourceSettings settings, byte[] encryptedPassword, string? connectorId = null) => new()
    {
        Id = SourceIds.New(),
        Settings = settings,
        EncryptedPassword = encryptedPassword,
        Status = SourceStateMachine.Created,
        CreatedAt = timeProvider.GetUtcNow(),
        ConnectorId = connectorId,
    };

    /// <summary>
    /// New settings (and, when given, a new encrypted password). A running job holds connections made with the old
    /// settings, so it is stopped first and started again; a source in Error runs again (a person fixed it). An OAuth2
    /// source whose provider or user name changed (or that just became one) loses its grant: the consent was for
    /// another account, so it waits in Error for a new sign-in.
    /// </summary>
    public async Task<Source?> EditAsync(string sourceId, SourceSettings settings, byte[]? encryptedPassword, CancellationToken cancellationToken)
    {
        var existing = await store.GetSourceAsync(sourceId, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        var running = existing.Status is SourceStatus.Importing or SourceStatus.Active or SourceStatus.Error;
        if (running)
        {
            await runner.StopAsync(sourceId, cancellationToken);
        }

        await store.UpdateSourceSettingsAsync(sourceId, settings, encryptedPassword ?? existing.EncryptedPassword, cancellationToken);
        await RecordAsync(sourceId, "edited", encryptedPassword is null ? "Settings changed" : "Settings and password changed", cancellationToken);
        SourceLifecycleLog.Edited(logger, sourceId);

        var old = existing.Settings;
        if (old.Auth == SourceAuth.OAuth2 && (settings.Auth != SourceAuth.OAuth2 || settings.OAuthProvider != old.OAuthProvider ||
            !string.Equals(settings.Username, old.Username, StringComparison.OrdinalIgnoreCase)))
        {
            await oauth.DeleteOAuthGrantAsync(sourceId, cancellationToken);
        }

        if (settings.Auth == SourceAuth.OAuth2 && await oauth.GetOAuthGrantAsync(sourceId, cancellationToken) is null)
        {
            await MoveAsync(existing, SourceStatus.Error, WaitingError(OAuthErrors.NotSignedIn(settings.OAuthProvider ?? OAuthProvider.Google)), "waiting for an OAuth2 sign-in", cancellationToken);
            return await store.GetSourceAsync(sourceId, cancellationToken);
        }

        var status = SourceStateMachine.AfterEdit(existing);
        if (status != existing.Status)
        {
            await MoveAsync(existing, status, error: null, "after an edit", cancellationToken);
        }

        if (running)
        {
            await runner.StartAsync(sourceId, cancellationToken);
        }

        return await store.GetSourceAsync(sourceId, cancellationToken);
    }

    /// <summary>
    /// A person signed the source in (a new OAuth2 grant is stored): a source waiting in Error or Paused runs (Importing
    /// until its first import finished, then Active); a running one restarts so it logs in with the new grant.
    /// </summary>
    public async Task<Source?> SignedInAsync(string sourceId, CancellationToken cancellationToken)
    {
        var source = await store.GetSourceAsync(sourceId, cancellationToken);
        if (source is null)
        {
            return null;
        }

        await RecordAsync(sourceId, "signed-in", "Signed in with OAuth2; a new grant is stored", cancellationToken);
        // Stopped first in every state: a job that just recorded the failure a person is fixing may still be winding down,
        // and starting while it is registered would start nothing.
        await runner.StopAsync(sourceId, cancellationToken);
        if (source.Status is SourceStatus.Error or SourceStatus.Paused)
        {
            await MoveAsync(source, source.ImportCompleted ? SourceStatus.Active : SourceStatus.Importing, error: null, "signed in with OAuth2", cancellationToken);
        }

        await runner.StartAsync(sourceId, cancellationToken);
        return await store.GetSourceAsync(sourceId, cancellationToken);
    }

    /// <summary>Stops the source and shows <paramref name="error"/> with no retry: something only a person can fix (a sign-in that gave too little).</summary>
    public async Task WaitForPersonAsync(string sourceId, ClassifiedError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        var source = await store.GetSourceAsync(sourceId, cancellationToken);
        if (source is null)
        {
            return;
        }

        await runner.StopAsync(sourceId, cancellationToken);
        await MoveAsync(source, SourceStatus.Error, WaitingError(error), error.Message, cancellationToken);
    }

    /// <summary>Pausing stops the job before the status says Paused (Paused promises no connection is held) and keeps the last error for reference.</summary>
    public Task<SourceChange> PauseAsync(string sourceId, string why, CancellationToken cancellationToken) =>
        ChangeAsync(sourceId, SourceStateMachine.Pause, why, cancellationToken);

    /// <summary>Resuming clears the error and starts the job: Importing until the first import finished, then Active.</summary>
    public Task<SourceChange> ResumeAsync(string sourceId, string why, CancellationToken cancellationToken) =>
        ChangeAsync(sourceId, SourceStateMachine.Resume, why, cancellationToken);

    /// <summary>Stops the job and forgets the source; with <paramref name="purge"/> its mail leaves the archive and the index too.</summary>
    /// <returns>False when there is no such source.</returns>
    public async Task<bool> DeleteAsync(string sourceId, bool purge, CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(sourceId, cancellationToken) is null)
        {
            return false;
        }

        await runner.StopAsync(sourceId, cancellationToken);
        await store.DeleteSourceAsync(sourceId, purge, cancellationToken);
        metrics.SourceRemoved(sourceId);
        if (purge)
        {
            // Purged mail must not stay findable: the index drops the source's documents too.
            index.DeleteSource(sourceId);
            await index.CommitAsync(cancellationToken);
        }

        SourceLifecycleLog.Deleted(logger, sourceId, purge);
        return true;
    }

    private async Task<SourceChange> ChangeAsync(string sourceId, Func<Source, SourceTransition> decide, string why, CancellationToken cancellationToken)
    {
        var source = await store.GetSourceAsync(sourceId, cancellationToken);
        if (source is null)
        {
            return SourceChange.NotFound;
        }

        var transition = decide(source);
        if (transition.Target is not { } target)
        {
            return new SourceChange(null, transition.ConflictReason);
        }

        var pausing = target == SourceStatus.Paused;
        if (pausing)
        {
            await runner.StopAsync(sourceId, cancellationToken);
        }

        await MoveAsync(source, target, pausing ? source.Error : null, why, cancellationToken);
        if (!pausing)
        {
            await runner.StartAsync(sourceId, cancellationToken);
        }

        return new SourceChange(await store.GetSourceAsync(sourceId, cancellationToken), null);
    }

    private async Task MoveAsync(Source source, SourceStatus target, SourceError? error, string why, CancellationToken cancellationToken)
    {
        await store.UpdateSourceStatusAsync(source.Id, target, error, null, cancellationToken);
        metrics.StatusChanged(source.Id, target);
        await RecordAsync(source.Id, "status", $"{source.Status} -> {target}: {why}", cancellationToken);
        SourceLifecycleLog.Transitioned(logger, source.Id, source.Status, target);
    }

    /// <summary>An error that waits for a person: no retry time, and no failure counted (nothing was tried).</summary>
    private SourceError WaitingError(ClassifiedError error) =>
        new(error.Code, error.Message, error.Hint, error.ServerResponse, timeProvider.GetUtcNow(), 0, null);

    private Task RecordAsync(string sourceId, string kind, string message, CancellationToken cancellationToken) =>
        store.AppendEventAsync(new SourceEvent(sourceId, timeProvider.GetUtcNow(), kind, message), cancellationToken);
}
