using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Vault.Archive;

namespace Vault.Api.Auth;

public static class ApiKeyExtensions
{
    /// <summary>The authorization policy of every /api route: the API key.</summary>
    public const string PolicyName = "ApiKey";

    public static IHostApplicationBuilder AddApiKey(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services => ApiKey.Resolve(
            builder.Configuration["Vault:ApiKey"],
            services.GetRequiredService<IOptions<ArchiveOptions>>().Value.DataDirectory,
            Console.Out));
        builder.Services.AddHostedService<ResolveAtStart>();
        builder.Services.AddOptions<ApiKeyFailureLimits>();
        builder.Services.AddSingleton<ApiKeyFailureLimiter>();
        builder.Services.AddSingleton<IAuthenticationSchemeProvider, ExplicitSchemeProvider>();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, configureOptions: null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PolicyName, policy => policy.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        return builder;
    }

    /// <summary>
    /// Every route of the group answers 401 problem details unless the request carries the API key, and 429 with
    /// Retry-After once its address sent too many wrong keys (<see cref="ApiKeyAuthenticationHandler"/>).
    /// </summary>
    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder group) => group.RequireAuthorization(PolicyName);

    /// <summary>Resolves the key when the host starts, not at the first /api request: a generated key must be on the console at once.</summary>
    private sealed class ResolveAtStart(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<ApiKey>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
