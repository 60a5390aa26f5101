using Vault.Archive.Sources;
using Vault.Ingestion.Providers;

namespace Vault.Api.Providers;

public sealed record ProviderResponse(string Id, string Name, string Protocol, string? Host, int Port, bool Tls, bool NeedsAppPassword, string Steps, Uri? HelpUrl)
{
    public static ProviderResponse From(ProviderPreset preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        return new(preset.Id, preset.Name, preset.Protocol == MailProtocol.Pop3 ? "pop3" : "imap", preset.Host, preset.Port, preset.Tls, preset.NeedsAppPassword, preset.Steps, preset.HelpUrl);
    }
}
