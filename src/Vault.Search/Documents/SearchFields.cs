namespace Vault.Search.Documents;

/// <summary>Field names of a message document; the parser and the document builder agree through these.</summary>
public static class SearchFields
{
    /// <summary>The message id (stored, exact).</summary>
    public const string Id = "id";

    /// <summary>The source id, exact and case-sensitive as the API hands it out.</summary>
    public const string Source = "source";

    /// <summary>Display name of each folder, exact (stored).</summary>
    public const string Folder = "folder";

    /// <summary>Folder names lower-cased, what <c>folder:</c> matches.</summary>
    public const string FolderMatch = "folder_lc";

    public const string From = "from";
    public const string To = "to";
    public const string Cc = "cc";
    public const string Bcc = "bcc";

    /// <summary>Suffix of the exact, lower-cased address keyword beside each address field (<c>from_addr</c>).</summary>
    public const string AddressSuffix = "_addr";

    /// <summary>The header as shown (stored only), for hits.</summary>
    public const string DisplaySuffix = "_display";

    public const string Subject = "subject";
    public const string Body = "body";

    /// <summary>Attachment file names and content types, tokenized.</summary>
    public const string Attachment = "attachment";

    /// <summary>UTC milliseconds since the Unix epoch; indexed for ranges, doc values for sorting, stored.</summary>
    public const string Date = "date";

    public const string Size = "size";

    /// <summary>"attachment" when the message has one (<c>has:attachment</c>).</summary>
    public const string Has = "has";

    /// <summary>Stored "true" when MimeKit could not read the message and only headers or metadata were indexed.</summary>
    public const string ParseError = "parseError";

    /// <summary>The first few KB of the text (stored only) for snippets without opening the raw message.</summary>
    public const string Preview = "preview";

    public const string HasAttachmentValue = "attachment";

    /// <summary>The fields a bare word or phrase searches.</summary>
    public static IReadOnlyList<string> Default { get; } = [Subject, Body, From, To, Cc, Bcc, Attachment];
}
