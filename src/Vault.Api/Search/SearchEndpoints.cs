using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Search.Indexing;
using Vault.Search.QueryLanguage;
using Vault.Search.Searching;

namespace Vault.Api.Search;

public static class SearchEndpoints
{
    /// <summary><c>GET /api/search</c> and the index rebuild under <c>/api/admin/reindex</c>.</summary>
    public static RouteGroupBuilder MapSearch(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var search = api.MapGroup("/search").WithTags("Search");
        search.MapGet("/", SearchAsync).WithName("Search");

        var reindex = api.MapGroup("/admin/reindex").WithTags("Search");
        reindex.MapPost("/", RequestReindexAsync).WithName("Reindex");
        reindex.MapGet("/", (ReindexProgress progress) => TypedResults.Ok(progress.Current)).WithName("ReindexStatus");
        return search;
    }

    private static async Task<Results<Ok<SearchResponse>, ValidationProblem>> SearchAsync(
        string? q, int? page, int? pageSize, string? sort, string? facets, SearchService search, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(q))
        {
            errors["q"] = ["The query 'q' is required."];
        }

        if (page < 1)
        {
            errors["page"] = ["Pages start at 1."];
        }

        if (pageSize is < 1 or > SearchService.MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {SearchService.MaxPageSize}."];
        }

        var order = sort?.ToLowerInvariant() switch
        {
            null or "" or "-date" => SearchSort.Date,
            "date" => SearchSort.DateAscending,
            "relevance" => SearchSort.Relevance,
            _ => (SearchSort?)null,
        };
        if (order is null)
        {
            errors["sort"] = ["sort is '-date' (newest first, the default), 'date' (oldest first) or 'relevance'."];
        }

        var counted = SearchFacets.Parse(facets);
        if (counted is null)
        {
            errors["facets"] = [$"facets is a comma-separated list of {SearchFacets.Names}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            var results = await search.SearchAsync(q!, page ?? 1, pageSize ?? SearchService.DefaultPageSize, order!.Value, counted!, cancellationToken);
            return TypedResults.Ok(new SearchResponse(results.Total, results.Page, results.PageSize, results.Hits)
            {
                Warnings = results.Warnings,
                Facets = results.Facets?.ToDictionary(f => SearchFacets.Name(f.Key), f => f.Value, StringComparer.Ordinal),
            });
        }
        catch (SearchQueryException ex)
        {
            return QueryProblems.Refused(ex, "q");
        }
    }

    private static async Task<Accepted<ReindexStatus>> RequestReindexAsync(IndexHandOver indexer, CancellationToken cancellationToken) =>
        TypedResults.Accepted("/api/admin/reindex", await indexer.RequestReindexAsync(cancellationToken));
}
