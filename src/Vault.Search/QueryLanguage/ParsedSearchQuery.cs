namespace Vault.Search.QueryLanguage;

/// <summary>
/// A parsed query, the words and phrases a snippet should look for (already folded like the analyzer), and those that
/// search attachments, to tell which attachment matched.
/// </summary>
public sealed record ParsedSearchQuery(
    Lucene.Net.Search.Query Query,
    IReadOnlyList<IReadOnlyList<string>> HighlightTerms,
    IReadOnlyList<IReadOnlyList<string>> AttachmentTerms)
{
    /// <summary>What the person should know about how the query was read (an unknown <c>name:</c> searched as text).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The query uses <c>is:</c>, <c>flag:</c>, <c>msgid:</c>, <c>list:</c> or <c>filename:</c>.</summary>
    public bool UsesOperatorFields { get; init; }
}
