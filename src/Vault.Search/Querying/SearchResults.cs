namespace Vault.Search.Querying;

public sealed record SearchResults(long Total, int Page, int PageSize, IReadOnlyList<SearchHit> Hits);
