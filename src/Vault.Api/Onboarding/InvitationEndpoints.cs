using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Vault.Api.Connectors;
using Vault.Archive.Connectors;
using Vault.Archive.Invitations;
using Vault.Ingestion.Onboarding;

namespace Vault.Api.Onboarding;

/// <summary>The administrator's side of self-service links (ARCHITECTURE.md, "Self-service onboarding links").</summary>
public static class InvitationEndpoints
{
    public static RouteGroupBuilder MapInvitations(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/").WithTags("Invitations");
        group.MapPost("/connectors/{id}/invitations", CreateAsync);
        group.MapPost("/connectors/{id}/invitations/csv", CreateFromCsvAsync).Accepts<string>("text/csv");
        group.MapGet("/connectors/{id}/invitations", ListAsync);
        group.MapDelete("/invitations/{id}", RevokeAsync);
        group.MapPost("/invitations/{id}/resend", ResendAsync);
        group.MapGet("/invitations/settings", Settings);
        return group;
    }

    private static async Task<Results<Created<InvitationsCreatedResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        string id,
        InvitationRequest request,
        HttpRequest http,
        [FromServices] IConnectorStore connectors,
        [FromServices] IInvitationStore invitations,
        [FromServices] InvitationLifecycle lifecycle,
        [FromServices] IOptions<OnboardingOptions> options,
        CancellationToken cancellationToken)
    {
        if (await connectors.GetConnectorAsync(id, cancellationToken) is not { } connector)
        {
            return ConnectorNotFound(id);
        }

        var emails = request.Emails ?? [];
        var errors = new Dictionary<string, string[]>();
        if (InvitationRules.CheckConnector(connector) is { } wrongMode)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This connector takes no invitations", detail: wrongMode);
        }

        if (LifetimeProblem(request.ExpiresIn) is { } lifetime)
        {
            errors["expiresIn"] = [lifetime];
        }

        if (emails.Count is 0 or > InvitationRules.MaxListSize)
        {
            errors["emails"] = [$"Give between 1 and {InvitationRules.MaxListSize} addresses."];
        }
        else
        {
            foreach (var group in (await CheckAsync(emails, connector, invitations, connectors, lifecycle, cancellationToken)).GroupBy(p => p.Index))
            {
                errors[$"emails[{group.Key}]"] = group.Select(p => p.Message).ToArray();
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await IssueAsync(connector, emails, request.ExpiresIn, http, lifecycle, options, cancellationToken);
    }

    private static async Task<Results<Created<InvitationsCreatedResponse>, ValidationProblem, ProblemHttpResult>> CreateFromCsvAsync(
        string id,
        TimeSpan? expiresIn,
        HttpRequest http,
        [FromServices] IConnectorStore connectors,
        [FromServices] IInvitationStore invitations,
        [FromServices] InvitationLifecycle lifecycle,
        [FromServices] IOptions<OnboardingOptions> options,
        CancellationToken cancellationToken)
    {
        if (await connectors.GetConnectorAsync(id, cancellationToken) is not { } connector)
        {
            return ConnectorNotFound(id);
        }

        if (InvitationRules.CheckConnector(connector) is { } wrongMode)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This connector takes no invitations", detail: wrongMode);
        }

        if (http.ContentType is not { } contentType || !(contentType.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) || contentType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send the list as text/csv", detail: "Content-Type must be text/csv (UTF-8), with a header row naming an 'email' column.");
        }

        if (LifetimeProblem(expiresIn) is { } lifetime)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["expiresIn"] = [lifetime] });
        }

        using var reader = new StreamReader(http.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var (rows, errors) = await InvitationCsv.ParseAsync(reader, InvitationRules.MaxListSize, cancellationToken);
        if (errors.Count == 0 && rows.Count == 0)
        {
            InvitationCsv.Add(errors, 2, "The file names its columns but lists no address.");
        }

        foreach (var (index, message) in await CheckAsync(rows.Select(r => r.Email).ToList(), connector, invitations, connectors, lifecycle, cancellationToken))
        {
            InvitationCsv.Add(errors, rows[index].Line, message);
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(
                errors.OrderBy(e => int.Parse(e.Key[5..], System.Globalization.CultureInfo.InvariantCulture)).ToDictionary(e => e.Key, e => e.Value.ToArray()),
                detail: "No invitation was created: fix the lines named here and send the whole list again.");
        }

        return await IssueAsync(connector, rows.Select(r => r.Email).ToList(), expiresIn, http, lifecycle, options, cancellationToken);
    }

    private static async Task<Results<Ok<InvitationResponse[]>, ProblemHttpResult>> ListAsync(
        string id,
        [FromServices] IConnectorStore connectors,
        [FromServices] IInvitationStore invitations,
        [FromServices] InvitationLifecycle lifecycle,
        CancellationToken cancellationToken)
    {
        if (await connectors.GetConnectorAsync(id, cancellationToken) is null)
        {
            return ConnectorNotFound(id);
        }

        var mailboxes = (await connectors.ListMailboxesAsync(id, cancellationToken)).ToDictionary(m => m.Id, StringComparer.Ordinal);
        var list = await invitations.ListInvitationsAsync(id, cancellationToken);
        return TypedResults.Ok(list
            .Select(i => InvitationResponse.From(i, lifecycle.StatusOf(i), i.SourceId is { } source ? mailboxes.GetValueOrDefault(source) : null))
            .ToArray());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string id, [FromServices] InvitationLifecycle lifecycle, CancellationToken cancellationToken) =>
        await lifecycle.RevokeAsync(id, cancellationToken) switch
        {
            { Invitation: null } => InvitationNotFound(id),
            { Conflict: { } conflict } => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The invitation cannot be revoked", detail: conflict),
            _ => TypedResults.NoContent(),
        };

    private static async Task<Results<Ok<InvitationResponse>, ProblemHttpResult>> ResendAsync(
        string id,
        HttpRequest http,
        [FromServices] InvitationLifecycle lifecycle,
        [FromServices] IOptions<OnboardingOptions> options,
        CancellationToken cancellationToken) =>
        await lifecycle.ResendAsync(id, PublicAddress.For(http, options), cancellationToken) switch
        {
            { Invitation: null } => InvitationNotFound(id),
            { Conflict: { } conflict } => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The invitation cannot be sent again", detail: conflict),
            { Invitation: { } sent } => TypedResults.Ok(InvitationResponse.From(sent, lifecycle.StatusOf(sent), null)),
        };

    private static Ok<InvitationSettingsResponse> Settings(HttpRequest http, [FromServices] InvitationLifecycle lifecycle, [FromServices] IOptions<OnboardingOptions> options) =>
        TypedResults.Ok(new InvitationSettingsResponse(
            lifecycle.SendsEmail, PublicAddress.For(http, options), options.Value.PublicUrl is not null, options.Value.Organisation, InvitationLifecycle.DefaultLifetime));

    private static async Task<List<(int Index, string Message)>> CheckAsync(
        IReadOnlyList<string?> emails, Connector connector, IInvitationStore invitations, IConnectorStore connectors, InvitationLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var pending = (await invitations.ListInvitationsAsync(connector.Id, cancellationToken)).Where(i => lifecycle.StatusOf(i) == InvitationStatus.Pending);
        return InvitationRules.Check(emails, pending, await connectors.ListMailboxesAsync(connector.Id, cancellationToken));
    }

    private static async Task<Results<Created<InvitationsCreatedResponse>, ValidationProblem, ProblemHttpResult>> IssueAsync(
        Connector connector, IReadOnlyList<string?> emails, TimeSpan? expiresIn, HttpRequest http, InvitationLifecycle lifecycle, IOptions<OnboardingOptions> options, CancellationToken cancellationToken)
    {
        var issued = await lifecycle.CreateAsync(
            connector, emails.Select(e => e!.Trim()).ToList(), expiresIn ?? InvitationLifecycle.DefaultLifetime, PublicAddress.For(http, options), cancellationToken);
        return TypedResults.Created(
            $"/api/connectors/{connector.Id}/invitations",
            new InvitationsCreatedResponse(issued.Select(CreatedInvitationResponse.From).ToArray(), lifecycle.SendsEmail));
    }

    private static string? LifetimeProblem(TimeSpan? expiresIn) =>
        expiresIn is { } value && (value < InvitationRules.MinLifetime || value > InvitationRules.MaxLifetime)
            ? $"A link works between {InvitationRules.MinLifetime.TotalHours:0} hour and {InvitationRules.MaxLifetime.TotalDays:0} days (a TimeSpan, e.g. 7.00:00:00)."
            : null;

    private static ProblemHttpResult ConnectorNotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Connector not found", detail: $"There is no connector '{id}'.");

    private static ProblemHttpResult InvitationNotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Invitation not found", detail: $"There is no invitation '{id}'.");
}
