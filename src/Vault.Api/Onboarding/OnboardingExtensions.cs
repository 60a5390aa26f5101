using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Instrumentation.AspNetCore;
using Vault.Ingestion.Onboarding;

namespace Vault.Api.Onboarding;

public static class OnboardingExtensions
{
    /// <summary>The rate limiter policy on a link's test and save: <see cref="AttemptsPerWindow"/> per <see cref="Window"/> per link.</summary>
    public const string AttemptsPolicy = "onboarding-attempts";

    /// <summary>The policy on a link's page and status: <see cref="ReadsPerWindow"/> per <see cref="Window"/> per link.</summary>
    public const string ReadsPolicy = "onboarding-reads";

    /// <summary>Each test or save is a login on the mail server: 10 a minute lets a person retype, not a script guess.</summary>
    public const int AttemptsPerWindow = 10;

    /// <summary>The page refreshes its status every 3 s (20 a minute); twice that leaves room for reloads.</summary>
    public const int ReadsPerWindow = 60;

    public static TimeSpan Window { get; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Self-service links: <c>Vault:PublicUrl</c>, <c>Vault:Organisation</c>, <c>Vault:Smtp</c> (validated at start), the
    /// invitation service, the per-link rate limit, and keeping tokens out of logs and traces: ASP.NET Core's request
    /// lines (Hosting.Diagnostics, Routing and StaticFiles at Debug/Information) carry the path, and a link's path is its
    /// secret, so those categories log warnings and errors only; a trace names the route template instead of the path.
    /// </summary>
    public static IHostApplicationBuilder AddOnboarding(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<OnboardingOptions>().BindConfiguration(OnboardingOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OnboardingOptions>, OnboardingOptionsValidator>();
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>();
        services.AddSingleton<InvitationMailer>();
        services.AddSingleton<InvitationLifecycle>();

        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(AttemptsPolicy, http => PerLink(http, AttemptsPerWindow));
            limiter.AddPolicy(ReadsPolicy, http => PerLink(http, ReadsPerWindow));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many attempts",
                    detail: $"This link was used for too many attempts in a short time. Wait {seconds} seconds and try again.").ExecuteAsync(http);
            };
        });

        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.StaticFiles", LogLevel.Warning);
        services.Configure<AspNetCoreTraceInstrumentationOptions>(tracing =>
        {
            var enrich = tracing.EnrichWithHttpRequest;
            tracing.EnrichWithHttpRequest = (activity, request) =>
            {
                enrich?.Invoke(activity, request);
                if (request.Path.StartsWithSegments(OnboardingEndpoints.Prefix, StringComparison.OrdinalIgnoreCase))
                {
                    activity.SetTag("url.path", $"{OnboardingEndpoints.Prefix}/{{token}}");
                }
            };
        });
        return builder;
    }

    /// <summary>
    /// One fixed window per link, keyed by the token's hash: the limiter never holds a token. Guessing tokens instead
    /// (each its own partition) gains nothing: an unknown token reaches no mail server, only a 404.
    /// </summary>
    private static RateLimitPartition<string> PerLink(HttpContext http, int permits)
    {
        var token = http.GetRouteValue("token") as string ?? string.Empty;
        return RateLimitPartition.GetFixedWindowLimiter(Convert.ToHexString(InvitationTokens.Hash(token)), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = Window,
            QueueLimit = 0,
        });
    }
}
