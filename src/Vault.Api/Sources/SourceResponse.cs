using Vault.Archive.Sources;

namespace Vault.Api.Sources;

/// <summary>A source as the HTTP contract shows it. There is deliberately no password field, and nothing of an OAuth2 grant.</summary>
public sealed record SourceResponse(
    string Id,
    string Name,
    string? Description,
    string Protocol,
    string Host,
    int Port,
    bool Tls,
    string? TlsMode,
    bool AllowInsecureCertificate,
    string Username,
    string Status,
    SourceErrorResponse? Error,
    SourceProgressResponse Progress,
    string SyncMode,
    TimeSpan? PollInterval,
    DateTimeOffset? LastSyncAt,
    DateTimeOffset CreatedAt,
    string? Provider,
    IReadOnlyList<string> IncludeFolders,
    IReadOnlyList<string> ExcludeFolders,
    TimeSpan Timeout,
    DateTimeOffset? Since,
    string? Email,
    string? ConnectorId,
    string Auth,
    [property: System.Text.Json.Serialization.JsonPropertyName("oauthProvider")] string? OAuthProvider,
    Vault.Api.Integrity.VerifyResponse? Integrity = null)
{
    /// <param name="unindexed">How many of the source's archived messages the search index still lacks.</param>
    /// <param name="integrity">The source's last integrity check, when it has one.</param>
    public static SourceResponse From(Source source, long unindexed = 0, Archive.Jobs.VerifyReport? integrity = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var settings = source.Settings;
        return new SourceResponse(
            source.Id,
            settings.Name,
            settings.Description,
            settings.Protocol switch { MailProtocol.Pop3 => "pop3", MailProtocol.File => "file", _ => "imap" },
            settings.Host,
            settings.Port,
            settings.Tls,
            settings.TlsMode switch
            {
                Archive.Sources.TlsMode.Implicit => "implicit",
                Archive.Sources.TlsMode.StartTls => "starttls",
                _ => null,
            },
            settings.AllowInsecureCertificate,
            settings.Username,
            source.Status.ToString(),
            source.Error is null ? null : SourceErrorResponse.From(source.Error),
            SourceProgressResponse.From(source.Progress, source.Status, unindexed),
            settings.SyncMode == Archive.Sources.SyncMode.Poll ? "poll" : "idle",
            settings.PollInterval,
            source.LastSyncAt,
            source.CreatedAt,
            settings.Provider,
            settings.IncludeFolders,
            settings.ExcludeFolders,
            settings.Timeout,
            settings.Since,
            settings.Email,
            source.ConnectorId,
            settings.Auth == SourceAuth.OAuth2 ? "oauth2" : "password",
            settings.OAuthProvider is { } provider ? Ingestion.OAuth.OAuthProviderProfiles.For(provider).Id : null,
            integrity is null ? null : Vault.Api.Integrity.VerifyResponse.From(integrity));
    }
}
