namespace Vault.Api.Hosting;

/// <summary>
/// Hardening headers on every response, set as the response starts (so error pages written by the exception handler,
/// which clears headers, carry them too): <c>X-Content-Type-Options: nosniff</c>, <c>X-Frame-Options: DENY</c>,
/// <c>Referrer-Policy: no-referrer</c>, and a Content-Security-Policy chosen by path unless the endpoint set its own.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    private static readonly string[] ApiPrefixes = ["/api", "/openapi", "/metrics", "/healthz"];

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var policy = PolicyFor(context.Request.Path);
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = policy;
            }

            return Task.CompletedTask;
        });
        return next(context);
    }

    private static string PolicyFor(PathString path) =>
        ApiPrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)) || IsOnboardingApi(path)
            ? ContentSecurityPolicies.Api
            : ContentSecurityPolicies.Dashboard;

    /// <summary><c>/onboard/{token}/api/...</c>: a self-service link's JSON, answered like the API.</summary>
    private static bool IsOnboardingApi(PathString path)
    {
        var segments = (path.Value ?? string.Empty).Split('/');
        return segments.Length > 3
            && string.Equals(segments[1], "onboard", StringComparison.OrdinalIgnoreCase)
            && string.Equals(segments[3], "api", StringComparison.OrdinalIgnoreCase);
    }
}
