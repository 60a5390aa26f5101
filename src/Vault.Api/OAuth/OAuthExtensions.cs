namespace Vault.Api.OAuth;

public static class OAuthExtensions
{
    /// <summary>
    /// OAuth2 sign-in's hosting: <c>Vault:PublicUrl</c> checked at start (the redirect URI is built from it), and the
    /// callback's address kept out of logs. The provider sends the browser to <c>/oauth/callback?code=...&amp;state=...</c>,
    /// and ASP.NET Core's request lines (Hosting.Diagnostics at Information) carry the query string, so that category
    /// logs warnings and errors only, whatever the configured levels. Traces redact query values already (OpenTelemetry's
    /// ASP.NET Core instrumentation since 1.8.1).
    /// </summary>
    public static IHostApplicationBuilder AddOAuth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var publicUrl = builder.Configuration["Vault:PublicUrl"];
        if (!string.IsNullOrWhiteSpace(publicUrl) &&
            (!Uri.TryCreate(publicUrl.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) ||
             url.Query.Length > 0 || url.Fragment.Length > 0))
        {
            throw new InvalidOperationException(
                $"Vault:PublicUrl is '{publicUrl}'; it must be the absolute http(s) address people reach Vault at, without query or fragment (https://archive.example.org).");
        }

        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        return builder;
    }
}
