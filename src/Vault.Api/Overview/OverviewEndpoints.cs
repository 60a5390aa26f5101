using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Vault.Archive.Connectors;
using Vault.Archive.Messages;
using Vault.Archive.Sources;

namespace Vault.Api.Overview;

/// <summary><c>GET /api/overview</c>: what the dashboard's home page shows.</summary>
public static class OverviewEndpoints
{
    public const int Days = 30;

    public static RouteGroupBuilder MapOverview(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/overview", GetAsync).WithTags("Overview");
        return api;
    }

    private static async Task<Ok<OverviewResponse>> GetAsync(
        [FromServices] ISourceStore store, [FromServices] IMessageStore messages, [FromServices] IConnectorStore connectors, [FromServices] TimeProvider time, CancellationToken cancellationToken)
    {
        var sources = await store.ListSourcesAsync(cancellationToken);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var first = today.AddDays(1 - Days);
        var counted = (await messages.CountArchivedPerDayAsync(new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), cancellationToken))
            .ToDictionary(d => d.Day, d => d.Messages);
        var byStatus = Enum.GetValues<SourceStatus>().ToDictionary(
            status => status.ToString(),
            status => sources.Count(s => s.Status == status));
        byStatus["Waiting"] = sources.Count(s => s.Status == SourceStatus.Importing && s.Progress.Waiting);
        return TypedResults.Ok(new OverviewResponse(
            sources.Sum(s => s.Progress.MessagesArchived),
            sources.Sum(s => s.Progress.BytesArchived),
            sources.Count,
            (await connectors.ListConnectorsAsync(cancellationToken)).Count,
            byStatus,
            Enumerable.Range(0, Days).Select(i => first.AddDays(i)).Select(day => new OverviewDay(day, counted.GetValueOrDefault(day))).ToList()));
    }
}
