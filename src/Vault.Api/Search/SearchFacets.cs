using Vault.Search.Searching;

namespace Vault.Api.Search;

/// <summary>The <c>facets=</c> parameter: <c>folder,year,from,source</c> in any order and case, each at most once counted.</summary>
public static class SearchFacets
{
    public const string Names = "folder, year, from and source";

    /// <summary>The facets asked for in the order given; empty for none; null when a name is unknown.</summary>
    public static IReadOnlyList<SearchFacet>? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        var facets = new List<SearchFacet>();
        foreach (var name in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            SearchFacet? facet = name.ToLowerInvariant() switch
            {
                "folder" => SearchFacet.Folder,
                "year" => SearchFacet.Year,
                "from" => SearchFacet.From,
                "source" => SearchFacet.Source,
                _ => null,
            };
            if (facet is null)
            {
                return null;
            }

            if (!facets.Contains(facet.Value))
            {
                facets.Add(facet.Value);
            }
        }

        return facets;
    }

    /// <summary>The key of a facet in the response.</summary>
    public static string Name(SearchFacet facet) => facet.ToString().ToLowerInvariant();
}
