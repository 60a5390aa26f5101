namespace Vault.Search.Searching;

public enum SearchSort
{
    /// <summary>Newest message date first (the default; <c>sort=-date</c>).</summary>
    Date,

    Relevance,

    /// <summary>Oldest message date first (<c>sort=date</c>).</summary>
    DateAscending,
}
