using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Archive.Connectors;
using Vault.Archive.Messages;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Connectors;
using Vault.Ingestion.Errors;

namespace Vault.Ingestion.Sync;

/// <summary>
/// Runs one source until it is stopped, whatever its protocol (<see cref="IProtocolSynchronizer"/>: IMAP, POP3, files).
/// Failures are recorded on the source and retried with a backoff that grows until the source makes progress again;
/// the first break of a connection that was working is reconnected quietly. Plain code that tests drive without Quartz.
/// </summary>
public sealed class SourceSynchronizer(
    ISourceStore sources,
    IMessageStore messages,
    IConnectorStore connectors,
    IEnumerable<IProtocolSynchronizer> protocols,
    RetryPolicy retryPolicy,
    ImportSlots importSlots,
    ConnectorBudgets budgets,
    SyncMetrics metrics,
    IOptions<SyncOptions> options,
    TimeProvider timeProvider,
    ILogger<SourceSynchronizer> logger)
{
    private readonly SyncOptions _options = options.Value;

    /// <summary>Syncs until cancelled, or until a failure needs a person (then the source shows the error).</summary>
    public async Task RunAsync(string sourceId, CancellationToken cancellationToken)
    {
        var source = await sources.GetSourceAsync(sourceId, cancellationToken);
        if (source is null)
        {
            return;
        }

        // Failures in a row survive a restart: a source in Error waits for its retry time instead of hammering the server.
        var failures = source.Status == SourceStatus.Error ? source.Error?.ConsecutiveFailures ?? 0 : 0;
        if (source is { Status: SourceStatus.Error, Error: { } pending })
        {
            if (pending.NextRetryAt is not { } retryAt)
            {
                SyncLog.WaitingForPerson(logger, sourceId, pending.Code);
                return;
            }

            if (!await DelayUntilAsync(retryAt, cancellationToken))
            {
                SyncLog.Stopped(logger, sourceId);
                return;
            }
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            SourceRun? run = null;
            try
            {
                run = await StartRunAsync(sourceId, cancellationToken);
                if (run is not null)
                {
                    await ProtocolFor(run.Source).RunAsync(run, continuous: true, cancellationToken);
                }

                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // The loop boundary (STYLE.md): a failure counts as resolved only once the run made progress.
                failures = run?.MadeProgress == true ? 1 : failures + 1;
                DateTimeOffset? retryAt;
                try
                {
                    retryAt = await RecordFailureAsync(sourceId, exception, failures, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // A stop while the failure is being written is a stop, like one anywhere else in the run.
                    break;
                }

                if (retryAt is null || !await DelayUntilAsync(retryAt.Value, cancellationToken))
                {
                    return;
                }
            }
        }

        SyncLog.Stopped(logger, sourceId);
    }

    /// <summary>One pass over every folder (the import, or a catch-up), then disconnect. Failures propagate.</summary>
    public async Task SyncOnceAsync(string sourceId, CancellationToken cancellationToken)
    {
        if (await StartRunAsync(sourceId, cancellationToken) is { } run)
        {
            await ProtocolFor(run.Source).RunAsync(run, continuous: false, cancellationToken);
        }
    }

    /// <summary>A run of the source as it is now (null when it was deleted), with its connector's budget.</summary>
    private async Task<SourceRun?> StartRunAsync(string sourceId, CancellationToken cancellationToken)
    {
        var source = await sources.GetSourceAsync(sourceId, cancellationToken);
        if (source is null)
        {
            return null;
        }

        var budget = source.ConnectorId is { } connectorId && await connectors.GetConnectorAsync(connectorId, cancellationToken) is { } owner
            ? budgets.For(owner)
            : null;
        return new SourceRun(source, budget, source.Settings.PollInterval ?? _options.PollInterval, sources, messages, importSlots, metrics, timeProvider, logger);
    }

    private IProtocolSynchronizer ProtocolFor(Source source) =>
        protocols.FirstOrDefault(p => p.Protocol == source.Settings.Protocol)
        ?? throw new MailConnectionException(new ClassifiedError(
            ErrorCodes.ProtocolNotSupported,
            $"Vault cannot archive {source.Settings.Protocol} sources.",
            "Use this mailbox's IMAP settings instead.",
            null,
            Transient: false), null);

    /// <returns>False when cancelled while waiting.</returns>
    private async Task<bool> DelayUntilAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var delay = at - timeProvider.GetUtcNow();
        try
        {
            await Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, timeProvider, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Records the <paramref name="failures"/>-th failure in a row. A connection that broke (dropped or timed out) on a
    /// source that was running fine is a routine reconnect (an IDLE connection cut by a NAT or a server restart):
    /// retried after the first backoff step without showing Error. Anything else, and a reconnect that fails too,
    /// shows Error with the time of the next try, or none when a person must act.
    /// </summary>
    /// <returns>When to try again, or null when a person must act first.</returns>
    private async Task<DateTimeOffset?> RecordFailureAsync(string sourceId, Exception exception, int failures, CancellationToken cancellationToken)
    {
        var source = await sources.GetSourceAsync(sourceId, cancellationToken);
        if (source is null)
        {
            return null;
        }

        var classified = Classify(exception, source.Settings);
        if (failures == 1 && source.Status != SourceStatus.Error && classified.Code is ErrorCodes.ProtocolError or ErrorCodes.Timeout)
        {
            var reconnectAt = retryPolicy.NextRetryAt(classified, failures, timeProvider.GetUtcNow())!.Value;
            SyncLog.Reconnecting(logger, exception, sourceId, classified.Code, reconnectAt);
            await sources.AppendEventAsync(new(sourceId, timeProvider.GetUtcNow(), "reconnect", $"{classified.Code}: {classified.Message} Reconnecting."), cancellationToken);
            return reconnectAt;
        }

        var error = retryPolicy.ToSourceError(classified, failures);
        await sources.UpdateSourceStatusAsync(sourceId, SourceStatus.Error, error, importCompleted: null, cancellationToken);
        await sources.AppendEventAsync(new(sourceId, error.OccurredAt, "error", $"{classified.Code}: {classified.Message}"), cancellationToken);
        metrics.SyncFailed(classified.Code);
        metrics.StatusChanged(sourceId, SourceStatus.Error);
        SyncLog.SyncFailed(logger, exception, sourceId, classified.Code, failures, error.NextRetryAt);
        if (error.NextRetryAt is null)
        {
            SyncLog.WaitingForPerson(logger, sourceId, classified.Code);
        }

        return error.NextRetryAt;
    }

    /// <summary>The archive's own failures are StorageError, whichever call they surfaced from; the rest is the server's story.</summary>
    private static ClassifiedError Classify(Exception exception, SourceSettings settings)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is ArchiveStorageException storage)
            {
                return ErrorClassifier.ClassifyStorageFailure(storage);
            }
        }

        return exception is MailConnectionException connectionFailure ? connectionFailure.Error : ErrorClassifier.Classify(exception, settings);
    }
}
