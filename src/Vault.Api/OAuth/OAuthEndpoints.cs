using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Vault.Archive.OAuth;
using Vault.Archive.Sources;
using Vault.Ingestion.OAuth;

namespace Vault.Api.OAuth;

/// <summary>
/// ARCHITECTURE.md's "OAuth2 mailboxes": the client settings per provider (<c>/api/oauth/providers/{provider}</c>), the
/// start of a source's sign-in (<c>/api/sources/{id}/oauth/start</c>), and the way back from the provider
/// (<c>/oauth/callback</c>, outside /api: the browser arrives from the provider without Vault's key).
/// </summary>
public static class OAuthEndpoints
{
    public static RouteGroupBuilder MapOAuth(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/sources/{id}/oauth/start", StartAsync).WithTags("Sources");
        var group = api.MapGroup("/oauth/providers").WithTags("OAuth");
        group.MapGet("/", ListAsync);
        group.MapGet("/{provider}", GetAsync);
        group.MapPut("/{provider}", SaveAsync);
        return group;
    }

    public static IEndpointRouteBuilder MapOAuthCallback(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(OAuthRedirect.CallbackPath, CallbackAsync).WithTags("OAuth").ExcludeFromDescription();
        return app;
    }

    private static async Task<Ok<OAuthProviderResponse[]>> ListAsync(
        HttpRequest request, [FromServices] IOAuthStore store, [FromServices] IConfiguration configuration, CancellationToken cancellationToken)
    {
        var list = new List<OAuthProviderResponse>();
        foreach (var profile in OAuthProviderProfiles.All)
        {
            list.Add(OAuthProviderResponse.From(profile, await store.GetOAuthClientAsync(profile.Provider, cancellationToken), OAuthRedirect.For(request, configuration)));
        }

        return TypedResults.Ok(list.ToArray());
    }

    private static async Task<Results<Ok<OAuthProviderResponse>, ProblemHttpResult>> GetAsync(
        string provider, HttpRequest request, [FromServices] IOAuthStore store, [FromServices] IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (OAuthProviderProfiles.Find(provider) is not { } profile)
        {
            return UnknownProvider(provider);
        }

        return TypedResults.Ok(OAuthProviderResponse.From(profile, await store.GetOAuthClientAsync(profile.Provider, cancellationToken), OAuthRedirect.For(request, configuration)));
    }

    private static async Task<Results<Ok<OAuthProviderResponse>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        string provider,
        OAuthProviderRequest body,
        HttpRequest request,
        [FromServices] IOAuthStore store,
        [FromServices] CredentialProtector protector,
        [FromServices] IConfiguration configuration,
        [FromServices] TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (OAuthProviderProfiles.Find(provider) is not { } profile)
        {
            return UnknownProvider(provider);
        }

        if (OAuthProviderRequestValidator.Validate(profile, body) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var existing = await store.GetOAuthClientAsync(profile.Provider, cancellationToken);
        IReadOnlyList<string>? scopes = null;
        if (body.Scopes is { } given)
        {
            OAuthProviderRequestValidator.TryReadScopes(given, out scopes);
        }

        var settings = new OAuthClientSettings
        {
            Provider = profile.Provider,
            ClientId = body.ClientId!.Trim(),
            EncryptedClientSecret = body.ClientSecret switch
            {
                null => existing?.EncryptedClientSecret,
                "" => null,
                var secret => protector.Protect(secret),
            },
            Tenant = profile.HasTenant && !string.IsNullOrWhiteSpace(body.Tenant) ? body.Tenant.Trim() : null,
            AuthorizeUrl = OAuthProviderRequestValidator.ParseUrl(body.AuthorizeUrl),
            TokenUrl = OAuthProviderRequestValidator.ParseUrl(body.TokenUrl),
            Scopes = scopes,
            UpdatedAt = timeProvider.GetUtcNow(),
        };
        await store.SaveOAuthClientAsync(settings, cancellationToken);
        return TypedResults.Ok(OAuthProviderResponse.From(profile, settings, OAuthRedirect.For(request, configuration)));
    }

    private static async Task<Results<Ok<OAuthStartResponse>, ProblemHttpResult>> StartAsync(
        string id,
        HttpRequest request,
        [FromServices] ISourceStore store,
        [FromServices] OAuthSignIns signIns,
        [FromServices] IConfiguration configuration,
        CancellationToken cancellationToken)
    {
        var source = await store.GetSourceAsync(id, cancellationToken);
        if (source is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Source not found", detail: $"There is no source '{id}'.");
        }

        if (source.Settings.Auth != SourceAuth.OAuth2 || source.Settings.OAuthProvider is not { } provider)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not an OAuth2 source",
                detail: "This source signs in with a password. Edit it with \"auth\": \"oauth2\" and an oauthProvider to sign it in with Google or Microsoft.");
        }

        var started = await signIns.StartAsync(source, OAuthRedirect.For(request, configuration), cancellationToken);
        if (started is null)
        {
            var profile = OAuthProviderProfiles.For(provider);
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"No {profile.Name} OAuth client yet",
                detail: $"Enter the client id and secret of Vault's app registration at {profile.Name} first (PUT /api/oauth/providers/{profile.Id}, or OAuth settings in the dashboard).");
        }

        return TypedResults.Ok(new OAuthStartResponse(started.AuthorizeUrl.AbsoluteUri, started.ExpiresAt));
    }

    private static async Task<IResult> CallbackAsync(HttpContext http, [FromServices] OAuthSignIns signIns, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        var result = await signIns.CompleteAsync(query["state"], query["code"], query["error"], query["error_description"], cancellationToken);
        // The page must not be cached: its address carried a code and a state.
        http.Response.Headers.CacheControl = "no-store";
        var dashboard = $"{http.Request.PathBase}/";
        if (result.Outcome == OAuthCallbackOutcome.Connected)
        {
            return TypedResults.Redirect($"{dashboard}#/sources?connected={Uri.EscapeDataString(result.SourceId!)}");
        }

        var status = result.Outcome == OAuthCallbackOutcome.ProviderUnavailable ? StatusCodes.Status502BadGateway : StatusCodes.Status400BadRequest;
        return TypedResults.Content(OAuthCallbackPage.Render(result, dashboard), "text/html; charset=utf-8", statusCode: status);
    }

    private static ProblemHttpResult UnknownProvider(string provider) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown OAuth provider",
            detail: $"'{provider}' is not an OAuth provider Vault knows; use google or microsoft.");
}
