using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Vault.Archive.Connectors;
using Vault.Archive.Invitations;
using Vault.Archive.Sources;
using Vault.Ingestion.Onboarding;
using Vault.Ingestion.Providers;

namespace Vault.Api.Onboarding;

/// <summary>
/// The mailbox owner's side of a link: public (no API key), outside <c>/api</c>, and able to do three things only: show
/// the invitation (then the status of the mailbox it created), test a login, and save the mailbox once. Test and save are
/// rate-limited per link (<see cref="OnboardingExtensions.AttemptsPolicy"/>), so a leaked link cannot be used to guess a
/// password against the mail server.
/// </summary>
public static class OnboardingEndpoints
{
    public const string Prefix = "/onboard";

    public static IEndpointRouteBuilder MapOnboarding(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup($"{Prefix}/{{token}}").ExcludeFromDescription();
        group.AddEndpointFilter(async (context, next) =>
        {
            // A link's answers are personal: never kept by a cache, never indexed.
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            context.HttpContext.Response.Headers["X-Robots-Tag"] = "noindex";
            return await next(context);
        });
        group.MapGet("", PageAsync).RequireRateLimiting(OnboardingExtensions.ReadsPolicy);
        group.MapGet("/api/invitation", InvitationAsync).RequireRateLimiting(OnboardingExtensions.ReadsPolicy);
        group.MapPost("/api/test", TestAsync).RequireRateLimiting(OnboardingExtensions.AttemptsPolicy);
        group.MapPost("/api/save", SaveAsync).RequireRateLimiting(OnboardingExtensions.AttemptsPolicy);
        return app;
    }

    /// <summary>The page itself: a static shell whose script reads the token from the address bar; 404 or 410 pages otherwise.</summary>
    private static async Task<IResult> PageAsync(string token, [FromServices] IWebHostEnvironment environment, [FromServices] InvitationLifecycle lifecycle, [FromServices] IConnectorStore connectors, CancellationToken cancellationToken)
    {
        var link = await OpenAsync(token, lifecycle, connectors, cancellationToken);
        if (link is null)
        {
            return OnboardingPages.NotFound();
        }

        if (link.Gone)
        {
            return OnboardingPages.Gone();
        }

        var page = environment.WebRootFileProvider.GetFileInfo("onboarding/page.html");
        return Results.Stream(page.CreateReadStream(), "text/html; charset=utf-8");
    }

    private static async Task<Results<Ok<OwnerInvitationResponse>, ProblemHttpResult>> InvitationAsync(
        string token,
        [FromServices] InvitationLifecycle lifecycle,
        [FromServices] IConnectorStore connectors,
        [FromServices] Archive.Sources.ISourceStore store,
        [FromServices] IOptions<OnboardingOptions> options,
        CancellationToken cancellationToken)
    {
        var link = await OpenAsync(token, lifecycle, connectors, cancellationToken);
        if (link is null || link.Gone)
        {
            return Closed(link);
        }

        var (invitation, connector, status) = (link.Invitation, link.Connector!, link.Status);
        var settings = connector.Settings;
        var mailbox = invitation.SourceId is { } sourceId ? await store.GetSourceAsync(sourceId, cancellationToken) : null;
        return TypedResults.Ok(new OwnerInvitationResponse(
            invitation.Email,
            status.ToString(),
            invitation.ExpiresAt,
            options.Value.Organisation,
            settings.Name,
            settings.Host,
            settings.Port,
            settings.TlsMode != TlsMode.None,
            settings.Protocol == MailProtocol.Pop3 ? "pop3" : "imap",
            OwnerProviderResponse.From(AddressProviders.Guess(invitation.Email, settings.Host)),
            mailbox is null ? null : OwnerMailboxResponse.From(mailbox)));
    }

    private static async Task<Results<Ok<OwnerTestResponse>, ValidationProblem, ProblemHttpResult>> TestAsync(
        string token,
        OwnerRequest request,
        [FromServices] InvitationLifecycle lifecycle,
        [FromServices] IConnectorStore connectors,
        CancellationToken cancellationToken)
    {
        var (link, refused) = await OpenForLoginAsync(token, lifecycle, connectors, cancellationToken);
        if (refused is not null || link is null)
        {
            return refused ?? Closed(link);
        }

        if (Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await lifecycle.TestAsync(link.Invitation, link.Connector!, request.Username!.Trim(), request.Password!, cancellationToken);
        return TypedResults.Ok(OwnerTestResponse.From(result.Ok, result.Folders.Count, result.Error));
    }

    private static async Task<Results<Created<OwnerMailboxResponse>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        string token,
        OwnerRequest request,
        [FromServices] InvitationLifecycle lifecycle,
        [FromServices] IConnectorStore connectors,
        CancellationToken cancellationToken)
    {
        var (link, refused) = await OpenForLoginAsync(token, lifecycle, connectors, cancellationToken);
        if (refused is not null || link is null)
        {
            return refused ?? Closed(link);
        }

        if (Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var outcome = await lifecycle.RedeemAsync(link.Invitation, link.Connector!, request.Username!.Trim(), request.Password!, cancellationToken);
        return outcome switch
        {
            { Mailbox: { } mailbox } => TypedResults.Created((string?)null, OwnerMailboxResponse.From(mailbox)),
            { LoginError: { } error } => TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The mail server did not accept this login",
                detail: error.Message,
                extensions: new Dictionary<string, object?> { ["code"] = error.Code, ["hint"] = OwnerHints.For(error) }),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The mailbox cannot be saved", detail: outcome.Conflict),
        };
    }

    private sealed record OpenLink(Invitation Invitation, Connector? Connector, InvitationStatus Status)
    {
        /// <summary>Expired, revoked, or its connector deleted or no longer taking owners' passwords: 410.</summary>
        public bool Gone => Status is InvitationStatus.Expired or InvitationStatus.Revoked
            || Connector is null
            || (Status == InvitationStatus.Pending && InvitationRules.CheckConnector(Connector) is not null);
    }

    /// <summary>Null for an unknown or malformed token (404).</summary>
    private static async Task<OpenLink?> OpenAsync(string token, InvitationLifecycle lifecycle, IConnectorStore connectors, CancellationToken cancellationToken)
    {
        if (await lifecycle.FindAsync(token, cancellationToken) is not { } invitation)
        {
            return null;
        }

        var connector = await connectors.GetConnectorAsync(invitation.ConnectorId, cancellationToken);
        return new OpenLink(invitation, connector, lifecycle.StatusOf(invitation));
    }

    /// <summary>The link for a test or a save, or why it takes neither: gone (404/410) or already used (409).</summary>
    private static async Task<(OpenLink? Link, ProblemHttpResult? Refused)> OpenForLoginAsync(
        string token, InvitationLifecycle lifecycle, IConnectorStore connectors, CancellationToken cancellationToken)
    {
        var link = await OpenAsync(token, lifecycle, connectors, cancellationToken);
        if (link is null || link.Gone)
        {
            return (link, Closed(link));
        }

        return (link, link.Status == InvitationStatus.Used ? AlreadyUsed() : null);
    }

    private static ProblemHttpResult Closed(OpenLink? link) => link is null
        ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Link not found")
        : TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "This link no longer works", detail: "It has expired or was withdrawn. Ask your administrator for a new one.");

    private static ProblemHttpResult AlreadyUsed() =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This link has already been used", detail: "Its mailbox is archived; reload the page to see its status.");

    private static Dictionary<string, string[]>? Validate(OwnerRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var username = request.Username?.Trim();
        if (string.IsNullOrEmpty(username) || username.Length > 320 || username.Any(char.IsControl))
        {
            errors["username"] = ["Enter your user name (usually your email address)."];
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > 1024)
        {
            errors["password"] = ["Enter your password or App Password."];
        }

        return errors.Count == 0 ? null : errors;
    }
}
