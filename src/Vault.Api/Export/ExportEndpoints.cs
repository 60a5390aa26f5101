using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Vault.Api.Search;
using Vault.Archive.Sources;
using Vault.Search.QueryLanguage;
using Vault.Search.Searching;

namespace Vault.Api.Export;

/// <summary>
/// <c>GET /api/sources/{id}/export</c> and <c>GET /api/search/export</c> (ARCHITECTURE.md, "Getting mail out"), the same
/// two as single-use links (<c>POST .../export/link</c>, see <see cref="DownloadLinks"/>), and <c>GET /downloads/{token}</c>,
/// which serves a link without the API key.
/// </summary>
public static class ExportEndpoints
{
    public static RouteGroupBuilder MapExport(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/").WithTags("Export");
        group.MapGet("/sources/{id}/export", SourceExportAsync).WithName("ExportSource");
        group.MapPost("/sources/{id}/export/link", SourceLinkAsync).WithName("ExportSourceLink");
        group.MapGet("/search/export", SearchExport).WithName("ExportSearch");
        group.MapPost("/search/export/link", SearchLink).WithName("ExportSearchLink");
        return group;
    }

    /// <summary><c>GET /downloads/{token}</c>: outside <c>/api</c>, the token is the permission.</summary>
    public static IEndpointRouteBuilder MapDownloads(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/downloads/{token}", DownloadAsync).WithTags("Export").WithName("Download");
        return app;
    }

    public static IHostApplicationBuilder AddExport(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ArchiveExporter>();
        builder.Services.AddSingleton<DownloadLinks>();
        return builder;
    }

    private static async Task<Results<ExportStreamResult, ValidationProblem, ProblemHttpResult>> SourceExportAsync(
        string id, string? format, [FromServices] ISourceStore store, [FromServices] ArchiveExporter exporter, [FromServices] TimeProvider time, CancellationToken cancellationToken)
    {
        if (Format(format) is not { } chosen)
        {
            return FormatProblem();
        }

        return await SourceStreamAsync(new ExportRequest(id, null, chosen), store, exporter, time, cancellationToken) is { } result ? result : NotFound(id);
    }

    private static async Task<Results<Ok<ExportLinkResponse>, ValidationProblem, ProblemHttpResult>> SourceLinkAsync(
        string id, string? format, [FromServices] ISourceStore store, [FromServices] DownloadLinks links, CancellationToken cancellationToken)
    {
        if (Format(format) is not { } chosen)
        {
            return FormatProblem();
        }

        if (await store.GetSourceAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var (token, expiresAt) = links.Create(new ExportRequest(id, null, chosen));
        return TypedResults.Ok(new ExportLinkResponse($"/downloads/{token}", expiresAt));
    }

    private static Results<ExportStreamResult, ValidationProblem> SearchExport(
        string? q, string? format, [FromServices] SearchService search, [FromServices] ArchiveExporter exporter, [FromServices] TimeProvider time)
    {
        if (SearchProblem(q, format, search) is { } invalid)
        {
            return invalid;
        }

        return SearchStream(new ExportRequest(null, q, Format(format)!.Value), search, exporter, time);
    }

    private static Results<Ok<ExportLinkResponse>, ValidationProblem> SearchLink(
        string? q, string? format, [FromServices] SearchService search, [FromServices] DownloadLinks links)
    {
        if (SearchProblem(q, format, search) is { } invalid)
        {
            return invalid;
        }

        var (token, expiresAt) = links.Create(new ExportRequest(null, q, Format(format)!.Value));
        return TypedResults.Ok(new ExportLinkResponse($"/downloads/{token}", expiresAt));
    }

    private static async Task<Results<ExportStreamResult, ProblemHttpResult>> DownloadAsync(
        string token,
        [FromServices] DownloadLinks links,
        [FromServices] ISourceStore store,
        [FromServices] SearchService search,
        [FromServices] ArchiveExporter exporter,
        [FromServices] TimeProvider time,
        CancellationToken cancellationToken)
    {
        var request = links.Redeem(token);
        if (request is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "This download link has expired or was used",
                detail: "Download links work once and for a minute; start the export again.");
        }

        if (request.SourceId is { } sourceId)
        {
            return await SourceStreamAsync(request, store, exporter, time, cancellationToken) is { } result ? result : NotFound(sourceId);
        }

        return SearchStream(request, search, exporter, time);
    }

    private static async Task<ExportStreamResult?> SourceStreamAsync(ExportRequest request, ISourceStore store, ArchiveExporter exporter, TimeProvider time, CancellationToken cancellationToken)
    {
        var source = await store.GetSourceAsync(request.SourceId!, cancellationToken);
        if (source is null)
        {
            return null;
        }

        var file = FileName(source.Settings.Name, request.Format, time);
        return new ExportStreamResult($"source {source.Id}", file, request.Format, (output, token) => exporter.ExportSourceAsync(source, request.Format, output, token));
    }

    private static ExportStreamResult SearchStream(ExportRequest request, SearchService search, ArchiveExporter exporter, TimeProvider time)
    {
        var file = FileName("vault-search", request.Format, time);
        return new ExportStreamResult("a search", file, request.Format, (output, token) => exporter.ExportMessagesAsync(search.MatchingIds(request.Query!), request.Format, output, token));
    }

    /// <summary>A <see cref="ValidationProblem"/> (a missing or refused query, an unknown format), or null when the request is good.</summary>
    private static ValidationProblem? SearchProblem(string? q, string? format, SearchService search)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(q))
        {
            errors["q"] = ["The query 'q' is required."];
        }

        if (Format(format) is null)
        {
            errors["format"] = [FormatMessage];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            // Parsed here so that a syntax error is a 400 with its position, as GET /api/search answers it.
            search.Validate(q!);
            return null;
        }
        catch (SearchQueryException ex)
        {
            return QueryProblems.Refused(ex, "q");
        }
    }

    private const string FormatMessage = "format is 'zip' (the default) or 'mbox'.";

    private static ExportFormat? Format(string? format) => format?.ToLowerInvariant() switch
    {
        null or "" or "zip" => ExportFormat.Zip,
        "mbox" => ExportFormat.Mbox,
        _ => null,
    };

    private static ValidationProblem FormatProblem() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = [FormatMessage] });

    /// <summary><c>Name-2026-11-28.zip</c>: the source's name made safe, and the day of the export (UTC).</summary>
    private static string FileName(string name, ExportFormat format, TimeProvider time) =>
        string.Create(CultureInfo.InvariantCulture, $"{ExportFileNames.Segment(name, 80)}-{time.GetUtcNow():yyyy-MM-dd}.{(format == ExportFormat.Zip ? "zip" : "mbox")}");

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Source not found", detail: $"There is no source '{id}'.");
}
