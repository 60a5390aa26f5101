using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Vault.Archive.Sources;
using Vault.Archive.Jobs;
using Vault.Ingestion.Integrity;

namespace Vault.Api.Integrity;

/// <summary><c>POST|GET /api/sources/{id}/verify</c>: start a source's integrity check (a Quartz job), read its report.</summary>
public static class VerifyEndpoints
{
    public static RouteGroupBuilder MapVerify(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/sources/{id}/verify").WithTags("Integrity");
        group.MapPost("/", StartAsync).WithName("StartVerify");
        group.MapGet("/", GetAsync).WithName("GetVerify");
        return group;
    }

    private static async Task<Results<Accepted<VerifyResponse>, ProblemHttpResult>> StartAsync(
        string id, [FromServices] ISourceStore store, [FromServices] VerifyRunner runner, CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var report = await runner.StartAsync(id, cancellationToken);
        return TypedResults.Accepted($"/api/sources/{id}/verify", VerifyResponse.From(report));
    }

    private static async Task<Results<Ok<VerifyResponse>, ProblemHttpResult>> GetAsync(
        string id, [FromServices] ISourceStore store, [FromServices] IJobReportStore reports, CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        return await reports.GetVerifyReportAsync(id, cancellationToken) is { } report
            ? TypedResults.Ok(VerifyResponse.From(report))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not checked yet",
                detail: $"Source '{id}' has no integrity check yet; POST /api/sources/{id}/verify starts one.");
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Source not found", detail: $"There is no source '{id}'.");
}
