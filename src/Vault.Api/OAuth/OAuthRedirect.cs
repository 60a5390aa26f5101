namespace Vault.Api.OAuth;

/// <summary>
/// The redirect URI registered at the providers: <c>{Vault:PublicUrl}/oauth/callback</c>, else the scheme, host and path
/// base of the request (right when people reach Vault the way this request did, not behind a proxy that rewrites the host).
/// </summary>
public static class OAuthRedirect
{
    public const string CallbackPath = "/oauth/callback";

    public static Uri For(HttpRequest request, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration["Vault:PublicUrl"];
        var root = string.IsNullOrWhiteSpace(configured) ? $"{request.Scheme}://{request.Host}{request.PathBase}" : configured.Trim();
        return new Uri(root.TrimEnd('/') + CallbackPath);
    }
}
