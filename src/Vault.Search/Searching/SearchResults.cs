namespace Vault.Search.Searching;

public sealed record SearchResults(long Total, int Page, int PageSize, IReadOnlyList<SearchHit> Hits)
{
    /// <summary>How the query was read, where a person could have meant something else (an unknown <c>name:</c>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The facets asked for, each its top values over the whole result; null when none was asked for.</summary>
    public IReadOnlyDictionary<SearchFacet, IReadOnlyList<FacetValue>>? Facets { get; init; }
}
