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
        return builder;
    }

    /// <summary>Every route of the group answers 401 problem details unless the request carries the API key.</summary>
    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var key = http.RequestServices.GetRequiredService<ApiKey>();
            var header = http.Request.Headers.Authorization.ToString();
            const string scheme = "Bearer ";
            var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
            if (key.Matches(presented))
            {
                return await next(context);
            }

            http.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: "Send the API key as 'Authorization: Bearer <key>'.");
        });
        return group;
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
