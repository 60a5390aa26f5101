using Vault.Ingestion.Providers;

namespace Vault.Api.Onboarding;

/// <summary>The provider guessed from the owner's address, with its App Password steps and help link.</summary>
public sealed record OwnerProviderResponse(string Id, string Name, bool NeedsAppPassword, string Steps, Uri? HelpUrl)
{
    public static OwnerProviderResponse? From(ProviderPreset? preset) =>
        preset is null ? null : new(preset.Id, preset.Name, preset.NeedsAppPassword, preset.Steps, preset.HelpUrl);
}
