using System.Diagnostics;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Vault.Search.Indexing;
using Vault.Archive.Jobs;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Credentials;
using Vault.Ingestion.Sources;

namespace Vault.Api.Sources;

/// <summary><c>/api/sources</c>: the source lifecycle of ARCHITECTURE.md's HTTP contract.</summary>
public static class SourceEndpoints
{
    public static RouteGroupBuilder MapSources(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/sources").WithTags("Sources");
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapPost("/test", TestAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPut("/{id}", EditAsync);
        group.MapDelete("/{id}", DeleteAsync);
        group.MapPost("/{id}/pause", PauseAsync);
        group.MapPost("/{id}/resume", ResumeAsync);
        group.MapGet("/{id}/events", ListEventsAsync);
        return group;
    }

    private static async Task<Results<Created<SourceResponse>, ValidationProblem>> CreateAsync(
        SourceRequest request,
        [FromServices] ISourceStore store,
        [FromServices] CredentialProtector passwords,
        [FromServices] SourceLifecycle lifecycle,
        [FromServices] IndexBacklog backlog,
        CancellationToken cancellationToken)
    {
        var errors = await ValidateAsync(request, SourceRequestKind.Create, null, store, cancellationToken);
        if (errors is not null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // An OAuth2 source has no password: its refresh token is kept with its grant once someone signs it in.
        var password = SourceSettingsFactory.IsOAuth(request) ? [] : passwords.Protect(request.Password!);
        var source = await lifecycle.CreateAsync(SourceSettingsFactory.From(request), password, cancellationToken);
        return TypedResults.Created($"/api/sources/{source.Id}", await ResponseAsync(source, store, backlog, cancellationToken));
    }

    private static async Task<Ok<SourceResponse[]>> ListAsync(
        [FromServices] ISourceStore store, [FromServices] IJobReportStore reports, [FromServices] IndexBacklog backlog, CancellationToken cancellationToken)
    {
        var sources = await store.ListSourcesAsync(cancellationToken);
        var unindexed = await backlog.CountBySourceAsync(cancellationToken);
        var integrity = (await reports.ListVerifyReportsAsync(cancellationToken)).ToDictionary(r => r.SourceId, StringComparer.Ordinal);
        return TypedResults.Ok(sources.OrderBy(s => s.CreatedAt)
            .Select(s => SourceResponse.From(s, unindexed.GetValueOrDefault(s.Id), integrity.GetValueOrDefault(s.Id)))
            .ToArray());
    }

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> GetAsync(string id, [FromServices] ISourceStore store, [FromServices] IndexBacklog backlog, CancellationToken cancellationToken)
    {
        var source = await store.GetSourceAsync(id, cancellationToken);
        return source is null ? NotFound(id) : TypedResults.Ok(await ResponseAsync(source, store, backlog, cancellationToken));
    }

    private static async Task<Results<Ok<SourceResponse>, ValidationProblem, ProblemHttpResult>> EditAsync(
        string id,
        SourceRequest request,
        [FromServices] ISourceStore store,
        [FromServices] CredentialProtector passwords,
        [FromServices] SourceLifecycle lifecycle,
        [FromServices] IndexBacklog backlog,
        CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var errors = await ValidateAsync(request, SourceRequestKind.Edit, id, store, cancellationToken);
        if (errors is not null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var password = SourceSettingsFactory.IsOAuth(request) ? [] : request.Password is null ? null : passwords.Protect(request.Password);
        var edited = await lifecycle.EditAsync(id, SourceSettingsFactory.From(request), password, cancellationToken);
        return edited is null ? NotFound(id) : TypedResults.Ok(await ResponseAsync(edited, store, backlog, cancellationToken));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id,
        bool? purge,
        [FromServices] SourceLifecycle lifecycle,
        CancellationToken cancellationToken) =>
        await lifecycle.DeleteAsync(id, purge ?? false, cancellationToken) ? TypedResults.NoContent() : NotFound(id);

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> PauseAsync(
        string id, [FromServices] SourceLifecycle lifecycle, [FromServices] ISourceStore store, [FromServices] IndexBacklog backlog, CancellationToken cancellationToken) =>
        await ChangedAsync(id, await lifecycle.PauseAsync(id, "paused by a person", cancellationToken), store, backlog, cancellationToken);

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> ResumeAsync(
        string id, [FromServices] SourceLifecycle lifecycle, [FromServices] ISourceStore store, [FromServices] IndexBacklog backlog, CancellationToken cancellationToken) =>
        await ChangedAsync(id, await lifecycle.ResumeAsync(id, "resumed by a person", cancellationToken), store, backlog, cancellationToken);

    /// <summary>404 for no such source, 409 when the state machine refuses.</summary>
    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> ChangedAsync(string id, SourceChange change, ISourceStore store, IndexBacklog backlog, CancellationToken cancellationToken) =>
        change switch
        {
            { IsNotFound: true } => NotFound(id),
            { Source: { } source } => TypedResults.Ok(await ResponseAsync(source, store, backlog, cancellationToken)),
            _ => Conflict(change.ConflictReason!),
        };

    /// <summary>One source as the contract shows it, with how many of its messages are still waiting for the index.</summary>
    private static async Task<SourceResponse> ResponseAsync(Source source, ISourceStore store, IndexBacklog backlog, CancellationToken cancellationToken)
    {
        var unindexed = await backlog.CountBySourceAsync(cancellationToken);
        var integrity = store is IJobReportStore reports ? await reports.GetVerifyReportAsync(source.Id, cancellationToken) : null;
        return SourceResponse.From(source, unindexed.GetValueOrDefault(source.Id), integrity);
    }

    private static async Task<Results<Ok<SourceEventResponse[]>, ProblemHttpResult>> ListEventsAsync(
        string id, [FromServices] ISourceStore store, CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var events = await store.ListEventsAsync(id, 100, cancellationToken);
        return TypedResults.Ok(events.Select(e => new SourceEventResponse(e.At, e.Kind, e.Message)).ToArray());
    }

    private static async Task<Results<Ok<ConnectionTestResponse>, ValidationProblem>> TestAsync(
        SourceRequest request,
        [FromServices] MailConnector connector,
        [FromServices] ILogger<SourceRequest> logger,
        CancellationToken cancellationToken)
    {
        var validation = await SourceRequestValidator.ForTest.ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(ToDictionary(validation.Errors));
        }

        var settings = SourceSettingsFactory.From(request);
        var clock = Stopwatch.StartNew();
        var result = await connector.TestAsync(settings, new PasswordCredential(settings.Username, request.Password!), cancellationToken);
        SourceLog.Tested(logger, settings.Host, settings.Port, result.Ok ? "ok" : result.Error!.Code, clock.ElapsedMilliseconds);
        return TypedResults.Ok(ConnectionTestResponse.From(result));
    }

    /// <summary>Field rules, then name uniqueness (which needs the store), all under camelCase field names.</summary>
    private static async Task<Dictionary<string, string[]>?> ValidateAsync(
        SourceRequest request, SourceRequestKind kind, string? editedId, ISourceStore store, CancellationToken cancellationToken)
    {
        var validator = kind == SourceRequestKind.Edit ? SourceRequestValidator.ForEdit : SourceRequestValidator.ForCreate;
        var validation = await validator.ValidateAsync(request, cancellationToken);
        var errors = ToDictionary(validation.Errors);
        if (!string.IsNullOrWhiteSpace(request.Name) && !errors.ContainsKey("name"))
        {
            var name = request.Name.Trim();
            // Names are unique among sources of their own; a connector's mailboxes are named after their users.
            var sources = await store.ListSourcesAsync(cancellationToken);
            var scope = sources.FirstOrDefault(s => s.Id == editedId)?.ConnectorId;

            if (sources.Any(s => s.Id != editedId && s.ConnectorId == scope && string.Equals(s.Settings.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                errors["name"] = ["Another source already has this name."];
            }
        }

        if (kind == SourceRequestKind.Edit && !SourceSettingsFactory.IsOAuth(request) && request.Password is null && !errors.ContainsKey("password") &&
            (await store.GetSourceAsync(editedId!, cancellationToken))?.Settings.Auth == SourceAuth.OAuth2)
        {
            errors["password"] = ["This source signed in with OAuth2 and has no password: enter one to sign in with a password instead."];
        }

        return errors.Count == 0 ? null : errors;
    }

    private static Dictionary<string, string[]> ToDictionary(IEnumerable<ValidationFailure> failures) =>
        failures
            .GroupBy(failure => CamelCase(failure.PropertyName))
            .ToDictionary(group => group.Key, group => group.Select(failure => failure.ErrorMessage).Distinct().ToArray());

    private static string CamelCase(string name) =>
        string.IsNullOrEmpty(name) ? name : char.ToLowerInvariant(name[0]) + name[1..];

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Source not found", detail: $"There is no source '{id}'.");

    private static ProblemHttpResult Conflict(string reason) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not possible in the source's current state", detail: reason);
}
