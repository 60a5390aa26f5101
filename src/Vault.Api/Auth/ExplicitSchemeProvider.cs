using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Vault.Api.Auth;

/// <summary>
/// Authentication schemes with no default at all. Since ASP.NET Core 7 the only registered scheme is the default, so the
/// authentication middleware would ask every request for the API key, and the dashboard's files, <c>/healthz</c> and the
/// public onboarding pages would each count as a failed attempt (<see cref="ApiKeyFailureLimiter"/>); the switch that
/// turns this off is process-wide. Here a scheme runs only where a route's policy names it.
/// </summary>
public sealed class ExplicitSchemeProvider(IOptions<AuthenticationOptions> options) : AuthenticationSchemeProvider(options)
{
    public override Task<AuthenticationScheme?> GetDefaultAuthenticateSchemeAsync() => Task.FromResult<AuthenticationScheme?>(null);

    public override Task<AuthenticationScheme?> GetDefaultChallengeSchemeAsync() => Task.FromResult<AuthenticationScheme?>(null);

    public override Task<AuthenticationScheme?> GetDefaultForbidSchemeAsync() => Task.FromResult<AuthenticationScheme?>(null);

    public override Task<AuthenticationScheme?> GetDefaultSignInSchemeAsync() => Task.FromResult<AuthenticationScheme?>(null);

    public override Task<AuthenticationScheme?> GetDefaultSignOutSchemeAsync() => Task.FromResult<AuthenticationScheme?>(null);
}
