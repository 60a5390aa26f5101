using Vault.Search.Querying;

namespace Vault.Api.Search;

/// <summary>The body of <c>GET /api/search</c>.</summary>
public sealed record SearchResponse(long Total, int Page, int PageSize, IReadOnlyList<SearchHit> Hits);
