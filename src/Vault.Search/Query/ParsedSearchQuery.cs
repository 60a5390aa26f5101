namespace Vault.Search.Query;

/// <summary>
/// A parsed query, the words and phrases a snippet should look for (already folded like the analyzer), and those that
/// search attachments, to tell which attachment matched.
/// </summary>
public sealed record ParsedSearchQuery(
    Lucene.Net.Search.Query Query,
    IReadOnlyList<IReadOnlyList<string>> HighlightTerms,
    IReadOnlyList<IReadOnlyList<string>> AttachmentTerms);
