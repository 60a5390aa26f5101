using System.Text.Json.Serialization;
using Vault.Search.Searching;

namespace Vault.Api.Search;

/// <summary>
/// The body of <c>GET /api/search</c>. <see cref="Warnings"/> says how the query was read where a person may have meant
/// something else; <see cref="Facets"/> is present only when <c>facets=</c> asked for some (keys folder, year, from, source).
/// </summary>
public sealed record SearchResponse(long Total, int Page, int PageSize, IReadOnlyList<SearchHit> Hits)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, IReadOnlyList<FacetValue>>? Facets { get; init; }
}
