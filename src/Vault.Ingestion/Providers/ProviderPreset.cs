using Vault.Archive.Sources;

namespace Vault.Ingestion.Providers;

/// <summary>
/// Connection settings and App Password guidance for a well-known mail provider.
/// <see cref="HostSuffixes"/> recognise the provider from a host a person typed (for provider-aware hints).
/// </summary>
public sealed record ProviderPreset(
    string Id,
    string Name,
    MailProtocol Protocol,
    string? Host,
    int Port,
    bool Tls,
    bool NeedsAppPassword,
    string Steps,
    Uri? HelpUrl,
    IReadOnlyList<string> HostSuffixes);
