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

    /// <summary>
    /// Attachment file names and content types, tokenized; attachment n at positions from n × 2^20
    /// (<see cref="AttachmentTokenStream"/>), so a match's position names the attachment.
    /// </summary>
    public const string Attachment = "attachment";

    /// <summary>The text inside attachments (PDF, Office, ...), positioned per attachment like <see cref="Attachment"/>.</summary>
    public const string AttachmentText = "attachmentText";

    /// <summary>Each attachment's name (stored only, one value per attachment in order), to say which one matched.</summary>
    public const string AttachmentName = "attachmentName";

    /// <summary>The first characters of each attachment's text (stored only, one value per attachment), for snippets.</summary>
    public const string AttachmentPreview = "attachmentPreview";

    /// <summary>An attachment whose text could not be read (stored only, JSON of an AttachmentError, one value each).</summary>
    public const string AttachmentError = "attachmentError";

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
    public static IReadOnlyList<string> Default { get; } = [Subject, Body, From, To, Cc, Bcc, Attachment, AttachmentText];

    /// <summary>The fields <c>attachment:</c> searches: names and text.</summary>
    public static IReadOnlyList<string> Attachments { get; } = [Attachment, AttachmentText];
}
