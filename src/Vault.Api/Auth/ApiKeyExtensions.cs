using Microsoft.Extensions.Options;
using Vault.Archive;

namespace Vault.Api.Auth;

public static class ApiKeyExtensions
{
    public static IHostApplicationBuilder AddApiKey(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services => ApiKey.Resolve(
            builder.Configuration["Vault:ApiKey"],
            services.GetRequiredService<IOptions<ArchiveOptions>>().Value.DataDirectory,
            Console.Out));
        builder.Services.AddHostedService<ResolveAtStart>();
        builder.Services.AddOptions<ApiKeyFailureLimits>();
        builder.Services.AddSingleton<ApiKeyFailureLimiter>();
        return builder;
    }

    /// <summary>
    /// Every route of the group answers 401 problem details unless the request carries the API key; an address that
    /// sent too many wrong keys is answered 429 with Retry-After (<see cref="ApiKeyFailureLimiter"/>).
    /// </summary>
    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var limiter = http.RequestServices.GetRequiredService<ApiKeyFailureLimiter>();
            var client = http.Connection.RemoteIpAddress;
            if (limiter.LockedOutFor(client) is { } wait)
            {
                return TooManyFailures(http, wait);
            }

            var key = http.RequestServices.GetRequiredService<ApiKey>();
            var header = http.Request.Headers.Authorization.ToString();
            const string scheme = "Bearer ";
            var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
            if (key.Matches(presented))
            {
                return await next(context);
            }

            if (limiter.RecordFailure(client))
            {
                var limits = http.RequestServices.GetRequiredService<IOptions<ApiKeyFailureLimits>>().Value;
                ApiKeyLog.LockedOut(http.RequestServices.GetRequiredService<ILogger<ApiKeyFailureLimiter>>(), client, limits.FailuresPerWindow, limits.Window);
            }

            http.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: "Send the API key as 'Authorization: Bearer <key>'.");
        });
        return group;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooManyFailures(HttpContext http, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many failed API key attempts",
            detail: $"This address sent too many wrong API keys; try again in {seconds} s.");
    }

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
