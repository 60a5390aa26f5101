using Vault.Archive.Connectors;
using Vault.Archive.Jobs;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Connectors;
using Vault.Ingestion.Credentials;

namespace Vault.Ingestion.Restore;

/// <summary>
/// How a restore logs in to its target: a mailbox given by server and password (the password decrypted at the moment
/// of login), or a connector's mailbox, logged in to the connector's way through the credential seam
/// (<see cref="IMailCredentialProvider"/>: master user, magic password, or the password given with the restore for a
/// perUser connector), counted against the connector's connection budget like its sync connections.
/// </summary>
public sealed class RestoreLogin(
    MailConnector connector, IMailCredentialProvider credentials, IConnectorStore connectors, ConnectorBudgets budgets, CredentialProtector protector)
{
    public async Task<ImapConnection> ConnectAsync(RestoreRecord restore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(restore);
        var target = restore.Target;
        if (target.ConnectorId is not { } connectorId)
        {
            return await connector.ConnectImapAsync(Settings(restore), new PasswordCredential(target.Username, protector.Unprotect(restore.EncryptedPassword)), cancellationToken);
        }

        var owner = await connectors.GetConnectorAsync(connectorId, cancellationToken)
            ?? throw new RestoreTargetGoneException($"The connector {connectorId} whose mailbox this restore writes to no longer exists.");
        var mailbox = owner.Settings.ForMailbox(target.Username, null, null);
        // The seam makes credentials for sources; a restore target is a mailbox of the connector that is no source.
        var standIn = new Source
        {
            Id = $"restore-{restore.Id}",
            Settings = mailbox,
            EncryptedPassword = restore.EncryptedPassword,
            ConnectorId = connectorId,
            CreatedAt = restore.CreatedAt,
        };
        var credential = await credentials.GetAsync(standIn, cancellationToken);
        var lease = await budgets.For(owner).AcquireAsync(cancellationToken);
        try
        {
            var connection = await connector.ConnectImapAsync(mailbox, credential, cancellationToken);
            connection.Lease = lease;
            return connection;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>The target as connection settings (for a connector's mailbox, the copy made when the restore was created).</summary>
    public static SourceSettings Settings(RestoreRecord restore)
    {
        ArgumentNullException.ThrowIfNull(restore);
        var target = restore.Target;
        return new SourceSettings
        {
            Name = $"restore {restore.Id}",
            Host = target.Host,
            Port = target.Port,
            TlsMode = target.TlsMode,
            AllowInsecureCertificate = target.AllowInsecureCertificate,
            Username = target.Username,
            Timeout = target.Timeout,
        };
    }
}
