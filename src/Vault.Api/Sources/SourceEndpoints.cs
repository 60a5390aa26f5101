using System.Diagnostics;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Vault.Archive;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Jobs;
using Vault.Search.Indexing;

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
        [FromServices] IArchiveStore store,
        [FromServices] CredentialProtector passwords,
        [FromServices] TimeProvider time,
        [FromServices] ILogger<SourceRequest> logger,
        [FromServices] ISourceRunner? runner,
        CancellationToken cancellationToken)
    {
        var errors = await ValidateAsync(request, SourceRequestKind.Create, null, store, cancellationToken);
        if (errors is not null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var source = new Source
        {
            Id = SourceIds.New(),
            Settings = SourceSettingsFactory.From(request),
            EncryptedPassword = passwords.Protect(request.Password!),
            Status = SourceStateMachine.Created,
            CreatedAt = time.GetUtcNow(),
        };
        await store.CreateSourceAsync(source, cancellationToken);
        await RecordAsync(store, time, source.Id, "created", $"Created; {source.Status}", cancellationToken);
        SourceLog.Created(logger, source.Id, source.Settings.Name, source.Status);
        await StartAsync(runner, logger, source.Id, cancellationToken);
        return TypedResults.Created($"/api/sources/{source.Id}", SourceResponse.From(source));
    }

    private static async Task<Ok<SourceResponse[]>> ListAsync([FromServices] IArchiveStore store, CancellationToken cancellationToken)
    {
        var sources = await store.ListSourcesAsync(cancellationToken);
        return TypedResults.Ok(sources.OrderBy(s => s.CreatedAt).Select(SourceResponse.From).ToArray());
    }

    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> GetAsync(string id, [FromServices] IArchiveStore store, CancellationToken cancellationToken)
    {
        var source = await store.GetSourceAsync(id, cancellationToken);
        return source is null ? NotFound(id) : TypedResults.Ok(SourceResponse.From(source));
    }

    private static async Task<Results<Ok<SourceResponse>, ValidationProblem, ProblemHttpResult>> EditAsync(
        string id,
        SourceRequest request,
        [FromServices] IArchiveStore store,
        [FromServices] CredentialProtector passwords,
        [FromServices] TimeProvider time,
        [FromServices] ILogger<SourceRequest> logger,
        [FromServices] ISourceRunner? runner,
        CancellationToken cancellationToken)
    {
        var existing = await store.GetSourceAsync(id, cancellationToken);
        if (existing is null)
        {
            return NotFound(id);
        }

        var errors = await ValidateAsync(request, SourceRequestKind.Edit, id, store, cancellationToken);
        if (errors is not null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var running = existing.Status is SourceStatus.Importing or SourceStatus.Active or SourceStatus.Error;
        if (running)
        {
            // The job holds connections made with the old settings; stop it before they change under it.
            await StopAsync(runner, logger, id, cancellationToken);
        }

        var password = request.Password is null ? existing.EncryptedPassword : passwords.Protect(request.Password);
        await store.UpdateSourceSettingsAsync(id, SourceSettingsFactory.From(request), password, cancellationToken);
        await RecordAsync(store, time, id, "edited", request.Password is null ? "Settings changed" : "Settings and password changed", cancellationToken);
        SourceLog.Edited(logger, id);

        var status = SourceStateMachine.AfterEdit(existing);
        if (status != existing.Status)
        {
            await store.UpdateSourceStatusAsync(id, status, null, null, cancellationToken);
            await RecordTransitionAsync(store, time, logger, id, existing.Status, status, "after an edit", cancellationToken);
        }

        if (running)
        {
            await StartAsync(runner, logger, id, cancellationToken);
        }

        return TypedResults.Ok(SourceResponse.From((await store.GetSourceAsync(id, cancellationToken))!));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id,
        bool? purge,
        [FromServices] IArchiveStore store,
        [FromServices] SearchIndex index,
        [FromServices] ILogger<SourceRequest> logger,
        [FromServices] ISourceRunner? runner,
        CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        await StopAsync(runner, logger, id, cancellationToken);
        await store.DeleteSourceAsync(id, purge ?? false, cancellationToken);
        if (purge ?? false)
        {
            // Purged mail must not stay findable: the index drops the source's documents too.
            index.DeleteSource(id);
            await index.CommitAsync(cancellationToken);
        }

        SourceLog.Deleted(logger, id, purge ?? false);
        return TypedResults.NoContent();
    }

    private static Task<Results<Ok<SourceResponse>, ProblemHttpResult>> PauseAsync(
        string id,
        [FromServices] IArchiveStore store,
        [FromServices] TimeProvider time,
        [FromServices] ILogger<SourceRequest> logger,
        [FromServices] ISourceRunner? runner,
        CancellationToken cancellationToken) =>
        MoveAsync(id, SourceStateMachine.Pause, "paused by a person", store, time, logger, runner, cancellationToken);

    private static Task<Results<Ok<SourceResponse>, ProblemHttpResult>> ResumeAsync(
        string id,
        [FromServices] IArchiveStore store,
        [FromServices] TimeProvider time,
        [FromServices] ILogger<SourceRequest> logger,
        [FromServices] ISourceRunner? runner,
        CancellationToken cancellationToken) =>
        MoveAsync(id, SourceStateMachine.Resume, "resumed by a person", store, time, logger, runner, cancellationToken);

    /// <summary>
    /// A person's pause or resume: 404 for no such source, 409 when the state machine refuses. Pausing stops the job
    /// before the status says Paused (Paused promises that no connection is held) and keeps the last error for reference;
    /// resuming clears it and starts the job.
    /// </summary>
    private static async Task<Results<Ok<SourceResponse>, ProblemHttpResult>> MoveAsync(
        string id,
        Func<Source, SourceTransition> decide,
        string why,
        IArchiveStore store,
        TimeProvider time,
        ILogger logger,
        ISourceRunner? runner,
        CancellationToken cancellationToken)
    {
        var source = await store.GetSourceAsync(id, cancellationToken);
        if (source is null)
        {
            return NotFound(id);
        }

        var transition = decide(source);
        if (transition.Target is not { } target)
        {
            return Conflict(transition.ConflictReason!);
        }

        var pausing = target == SourceStatus.Paused;
        if (pausing)
        {
            await StopAsync(runner, logger, id, cancellationToken);
        }

        await store.UpdateSourceStatusAsync(id, target, pausing ? source.Error : null, null, cancellationToken);
        await RecordTransitionAsync(store, time, logger, id, source.Status, target, why, cancellationToken);
        if (!pausing)
        {
            await StartAsync(runner, logger, id, cancellationToken);
        }

        return TypedResults.Ok(SourceResponse.From((await store.GetSourceAsync(id, cancellationToken))!));
    }

    private static async Task<Results<Ok<SourceEventResponse[]>, ProblemHttpResult>> ListEventsAsync(
        string id, [FromServices] IArchiveStore store, CancellationToken cancellationToken)
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
        var result = await connector.TestAsync(settings, request.Password!, cancellationToken);
        SourceLog.Tested(logger, settings.Host, settings.Port, result.Ok ? "ok" : result.Error!.Code, clock.ElapsedMilliseconds);
        return TypedResults.Ok(ConnectionTestResponse.From(result));
    }

    /// <summary>Field rules, then name uniqueness (which needs the store), all under camelCase field names.</summary>
    private static async Task<Dictionary<string, string[]>?> ValidateAsync(
        SourceRequest request, SourceRequestKind kind, string? editedId, IArchiveStore store, CancellationToken cancellationToken)
    {
        var validator = kind == SourceRequestKind.Edit ? SourceRequestValidator.ForEdit : SourceRequestValidator.ForCreate;
        var validation = await validator.ValidateAsync(request, cancellationToken);
        var errors = ToDictionary(validation.Errors);
        if (!string.IsNullOrWhiteSpace(request.Name) && !errors.ContainsKey("name"))
        {
            var name = request.Name.Trim();
            var sources = await store.ListSourcesAsync(cancellationToken);
            if (sources.Any(s => s.Id != editedId && string.Equals(s.Settings.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                errors["name"] = ["Another source already has this name."];
            }
        }

        return errors.Count == 0 ? null : errors;
    }

    private static Dictionary<string, string[]> ToDictionary(IEnumerable<ValidationFailure> failures) =>
        failures
            .GroupBy(failure => CamelCase(failure.PropertyName))
            .ToDictionary(group => group.Key, group => group.Select(failure => failure.ErrorMessage).Distinct().ToArray());

    private static string CamelCase(string name) =>
        string.IsNullOrEmpty(name) ? name : char.ToLowerInvariant(name[0]) + name[1..];

    private static async Task RecordTransitionAsync(
        IArchiveStore store, TimeProvider time, ILogger logger, string id, SourceStatus from, SourceStatus to, string why, CancellationToken cancellationToken)
    {
        await RecordAsync(store, time, id, "status", $"{from} -> {to}: {why}", cancellationToken);
        SourceLog.Transitioned(logger, id, from, to);
    }

    private static Task RecordAsync(IArchiveStore store, TimeProvider time, string id, string kind, string message, CancellationToken cancellationToken) =>
        store.AppendEventAsync(new SourceEvent(id, time.GetUtcNow(), kind, message), cancellationToken);

    private static async Task StartAsync(ISourceRunner? runner, ILogger logger, string id, CancellationToken cancellationToken)
    {
        if (runner is null)
        {
            SourceLog.NoRunner(logger, id);
            return;
        }

        await runner.StartAsync(id, cancellationToken);
    }

    private static async Task StopAsync(ISourceRunner? runner, ILogger logger, string id, CancellationToken cancellationToken)
    {
        if (runner is null)
        {
            SourceLog.NoRunner(logger, id);
            return;
        }

        await runner.StopAsync(id, cancellationToken);
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Source not found", detail: $"There is no source '{id}'.");

    private static ProblemHttpResult Conflict(string reason) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not possible in the source's current state", detail: reason);
}
