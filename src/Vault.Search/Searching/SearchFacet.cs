namespace Vault.Search.Searching;

/// <summary>What <c>facets=</c> can count over a result; the lower-case name is the key in the response.</summary>
public enum SearchFacet
{
    Folder,
    Year,
    From,
    Source,
}
