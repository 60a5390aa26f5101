using Vault.Archive.Sources;
using Vault.Ingestion.OAuth;
using Vault.Ingestion.Providers;

namespace Vault.Api.Providers;

/// <summary>A preset; <see cref="OAuthProvider"/> names the OAuth2 provider it can sign in with instead (<c>google</c>, <c>microsoft</c>), else null.</summary>
public sealed record ProviderResponse(string Id, string Name, string Protocol, string? Host, int Port, bool Tls, bool NeedsAppPassword, string Steps, Uri? HelpUrl, [property: System.Text.Json.Serialization.JsonPropertyName("oauthProvider")] string? OAuthProvider)
{
    public static ProviderResponse From(ProviderPreset preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        return new(preset.Id, preset.Name, preset.Protocol == MailProtocol.Pop3 ? "pop3" : "imap", preset.Host, preset.Port, preset.Tls, preset.NeedsAppPassword, preset.Steps, preset.HelpUrl,
            OAuthProviderProfiles.ImpliedBy(preset.Id) is { } provider ? OAuthProviderProfiles.For(provider).Id : null);
    }
}
