namespace Vault.Search.Querying;

public enum SearchSort
{
    /// <summary>Newest message date first (the default).</summary>
    Date,

    Relevance,
}
