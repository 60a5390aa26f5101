using Vault.Archive.Connectors;
using Vault.Archive.Sources;

namespace Vault.Ingestion.Credentials;

/// <summary>
/// Credentials from what the stores keep encrypted: a source's own password, an OAuth2 source's access token (from its
/// grant), or, for a connector's mailbox, what the connector's auth mode says (master user, magic password, or the
/// mailbox's own password for perUser).
/// </summary>
public sealed class StoredCredentials(CredentialProtector protector, IConnectorStore connectors, OAuth.OAuthAccessTokens accessTokens) : IMailCredentialProvider
{
    public async Task<MailCredential> GetAsync(Source source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var username = source.Settings.Username;
        if (source.Settings.Auth == SourceAuth.OAuth2)
        {
            return await accessTokens.GetAsync(source, cancellationToken);
        }

        if (source.ConnectorId is not { } connectorId)
        {
            return new PasswordCredential(username, protector.Unprotect(source.EncryptedPassword));
        }

        var connector = await connectors.GetConnectorAsync(connectorId, cancellationToken)
            ?? throw new InvalidOperationException($"Source {source.Id} belongs to connector {connectorId}, which no longer exists.");
        var settings = connector.Settings;
        return settings.AuthMode switch
        {
            ConnectorAuthMode.MasterUser => new MasterUserCredential(username, settings.AdminUsername ?? string.Empty, AdminPassword(connector), settings.MasterUserSeparator),
            ConnectorAuthMode.MagicPassword => new PasswordCredential(username, AdminPassword(connector)),
            _ => new PasswordCredential(username, protector.Unprotect(source.EncryptedPassword)),
        };
    }

    private string AdminPassword(Connector connector) =>
        connector.EncryptedAdminPassword is { } encrypted ? protector.Unprotect(encrypted) : string.Empty;
}
