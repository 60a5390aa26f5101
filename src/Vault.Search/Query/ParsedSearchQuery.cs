namespace Vault.Search.Query;

/// <summary>A parsed query and the words and phrases a snippet should look for (already folded like the analyzer).</summary>
public sealed record ParsedSearchQuery(Lucene.Net.Search.Query Query, IReadOnlyList<IReadOnlyList<string>> HighlightTerms);
