namespace Vault.Search.Searching;

/// <summary>One value of a facet and how many messages of the whole result have it.</summary>
public sealed record FacetValue(string Value, long Count);
