namespace Vault.Search.Searching;

/// <summary>
/// One search result as the API returns it. <see cref="MatchedAttachment"/> names the attachment whose name or text
/// holds a query word (null when none does); the snippet comes from that attachment's text when the body has no match.
/// </summary>
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
    IReadOnlyList<SnippetHighlight> Highlights,
    string? MatchedAttachment = null)
{
    /// <summary>When the message was found gone from every folder on the server (it stays archived); null while it is there.</summary>
    public DateTimeOffset? DeletedOnServerAt { get; init; }
}
