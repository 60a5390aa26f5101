using Microsoft.Extensions.Options;
using Vault.Ingestion.Onboarding;

namespace Vault.Api.Onboarding;

/// <summary>Where links point: <c>Vault:PublicUrl</c>, else the scheme, host and path base of the administrator's request.</summary>
public static class PublicAddress
{
    public static Uri For(HttpRequest request, IOptions<OnboardingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        return options.Value.PublicUrl ?? new Uri($"{request.Scheme}://{request.Host}{request.PathBase}");
    }
}
