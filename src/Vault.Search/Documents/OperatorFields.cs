namespace Vault.Search.Documents;

/// <summary>
/// Field names of the operators of ARCHITECTURE.md "Search, second step" (<c>is:</c>, <c>msgid:</c>, <c>list:</c>,
/// <c>filename:</c>) and of the facets. Kept apart from <see cref="SearchFields"/> so the two grow independently;
/// <see cref="OperatorFieldWriter"/> fills them.
/// </summary>
public static class OperatorFields
{
    /// <summary>The server's flags as last seen, one keyword each (<see cref="Seen"/> or <see cref="Unseen"/>, and the rest).</summary>
    public const string Flag = "flag";

    /// <summary>The Message-ID without its angle brackets, lower-cased.</summary>
    public const string MessageId = "msgid";

    /// <summary>The List-Id's identifier (lower-cased), each of its dot-separated labels and each domain suffix.</summary>
    public const string ListId = "list";

    /// <summary>Each attachment's file name lower-cased, also without its extension, and the extension alone.</summary>
    public const string FileName = "filename";

    /// <summary>UTC ticks when the message was found deleted on the server, as the store has it (stored only; absent while it is there).</summary>
    public const string DeletedOnServerAt = "deletedOnServerAt";

    /// <summary>Doc values (sorted set) of the folder display names, for the folder facet.</summary>
    public const string FolderFacet = "facet_folder";

    /// <summary>Doc values (sorted set) of the lower-cased From addresses, for the from facet.</summary>
    public const string FromFacet = "facet_from";

    /// <summary>Doc values (sorted set) of the source id, for the source facet.</summary>
    public const string SourceFacet = "facet_source";

    public const string Seen = "seen";
    public const string Unseen = "unseen";
    public const string Answered = "answered";
    public const string Flagged = "flagged";
    public const string Draft = "draft";

    /// <summary>Deleted on the server (expunged from every folder), still archived: not the IMAP \Deleted flag.</summary>
    public const string Deleted = "deleted";
}
