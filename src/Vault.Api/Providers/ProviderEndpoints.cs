using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Ingestion.Providers;

namespace Vault.Api.Providers;

public static class ProviderEndpoints
{
    /// <summary><c>GET /api/providers</c>: connection presets with App Password guidance.</summary>
    public static RouteGroupBuilder MapProviders(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/providers").WithTags("Providers");
        group.MapGet("/", () => TypedResults.Ok(ProviderPresets.All.Select(ProviderResponse.From).ToArray()));
        return group;
    }
}
