namespace Vault.Search.Querying;

/// <summary>One search result as the API returns it.</summary>
public sealed record SearchHit(
    string Id,
    string SourceId,
    IReadOnlyList<string> Folders,
    string? Subject,
    string? From,
    string? To,
    DateTimeOffset Date,
    long Size,
    bool HasAttachments,
    string Snippet,
    IReadOnlyList<SnippetHighlight> Highlights)
{
    /// <summary>When the message was found gone from every folder on the server (it stays archived); null while it is there.</summary>
    public DateTimeOffset? DeletedOnServerAt { get; init; }
}
