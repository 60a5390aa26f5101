using Microsoft.Extensions.Logging;
using Vault.Archive.Connectors;
using Vault.Archive.Sources;
using Vault.Ingestion.Sources;

namespace Vault.Ingestion.Connectors;

/// <summary>
/// What a person does to a connector, reaching its mailboxes through <see cref="SourceLifecycle"/>: a mailbox is an
/// ordinary source. An edit carries the connector's server and global settings to every mailbox.
/// </summary>
public sealed class ConnectorLifecycle(
    IConnectorStore connectors,
    SourceLifecycle sources,
    ConnectorBudgets budgets,
    TimeProvider timeProvider,
    ILogger<ConnectorLifecycle> logger)
{
    public async Task<Connector> CreateAsync(ConnectorSettings settings, byte[]? encryptedAdminPassword, CancellationToken cancellationToken)
    {
        var connector = new Connector
        {
            Id = SourceIds.New(),
            Settings = settings,
            EncryptedAdminPassword = encryptedAdminPassword,
            CreatedAt = timeProvider.GetUtcNow(),
        };
        await connectors.CreateConnectorAsync(connector, cancellationToken);
        ConnectorLog.Created(logger, connector.Id, settings.Name, settings.AuthMode);
        return connector;
    }

    /// <summary>New settings; a null <paramref name="encryptedAdminPassword"/> keeps the current one. Every mailbox follows.</summary>
    public async Task<Connector?> EditAsync(string connectorId, ConnectorSettings settings, byte[]? encryptedAdminPassword, CancellationToken cancellationToken)
    {
        var existing = await connectors.GetConnectorAsync(connectorId, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        var password = settings.AuthMode == ConnectorAuthMode.PerUser ? null : encryptedAdminPassword ?? existing.EncryptedAdminPassword;
        await connectors.UpdateConnectorAsync(connectorId, settings, password, cancellationToken);
        foreach (var mailbox in await connectors.ListMailboxesAsync(connectorId, cancellationToken))
        {
            var own = mailbox.Settings;
            var follows = settings.ForMailbox(own.Username, own.Email, own.Name == own.Username ? null : own.Name) with { Description = own.Description };
            await sources.EditAsync(mailbox.Id, follows, null, cancellationToken);
        }

        ConnectorLog.Edited(logger, connectorId);
        return await connectors.GetConnectorAsync(connectorId, cancellationToken);
    }

    /// <returns>Null when there is no such connector; otherwise the mailboxes left (a delete with mailboxes and without
    /// <paramref name="deleteMailboxes"/> deletes nothing).</returns>
    public async Task<int?> DeleteAsync(string connectorId, bool deleteMailboxes, bool purge, CancellationToken cancellationToken)
    {
        if (await connectors.GetConnectorAsync(connectorId, cancellationToken) is null)
        {
            return null;
        }

        var mailboxes = await connectors.ListMailboxesAsync(connectorId, cancellationToken);
        if (mailboxes.Count > 0 && !deleteMailboxes)
        {
            return mailboxes.Count;
        }

        foreach (var mailbox in mailboxes)
        {
            await sources.DeleteAsync(mailbox.Id, purge, cancellationToken);
        }

        await connectors.DeleteConnectorAsync(connectorId, cancellationToken);
        budgets.Forget(connectorId);
        ConnectorLog.Deleted(logger, connectorId, mailboxes.Count, purge);
        return 0;
    }

    /// <summary>Pauses every mailbox not paused yet; false when there is no such connector.</summary>
    public Task<bool> PauseAsync(string connectorId, CancellationToken cancellationToken) =>
        ForEachMailboxAsync(connectorId, s => s.Status != SourceStatus.Paused, (id, ct) => sources.PauseAsync(id, "connector paused by a person", ct), cancellationToken);

    /// <summary>Resumes every paused mailbox and every one in Error; false when there is no such connector.</summary>
    public Task<bool> ResumeAsync(string connectorId, CancellationToken cancellationToken) =>
        ForEachMailboxAsync(connectorId, s => s.Status is SourceStatus.Paused or SourceStatus.Error, (id, ct) => sources.ResumeAsync(id, "connector resumed by a person", ct), cancellationToken);

    private async Task<bool> ForEachMailboxAsync(
        string connectorId, Func<Source, bool> applies, Func<string, CancellationToken, Task<SourceChange>> change, CancellationToken cancellationToken)
    {
        if (await connectors.GetConnectorAsync(connectorId, cancellationToken) is null)
        {
            return false;
        }

        foreach (var mailbox in await connectors.ListMailboxesAsync(connectorId, cancellationToken))
        {
            if (applies(mailbox))
            {
                await change(mailbox.Id, cancellationToken);
            }
        }

        return true;
    }

    /// <summary>Sums of the mailboxes' states and progress, for the connector's JSON and the dashboard.</summary>
    public static ConnectorSummary Summarize(IReadOnlyList<Source> mailboxes)
    {
        ArgumentNullException.ThrowIfNull(mailboxes);
        var waiting = mailboxes.Count(m => m.Status == SourceStatus.Importing && m.Progress.Waiting);
        return new ConnectorSummary(
            mailboxes.Count,
            mailboxes.Count(m => m.Status == SourceStatus.Importing) - waiting,
            waiting,
            mailboxes.Count(m => m.Status == SourceStatus.Active),
            mailboxes.Count(m => m.Status == SourceStatus.Paused),
            mailboxes.Count(m => m.Status == SourceStatus.Error),
            mailboxes.Sum(m => m.Progress.MessagesArchived),
            mailboxes.Sum(m => m.Progress.MessagesOnServer),
            mailboxes.Sum(m => m.Progress.BytesArchived));
    }
}
