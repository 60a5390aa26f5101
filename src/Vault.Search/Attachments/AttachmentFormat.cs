namespace Vault.Search.Attachments;

/// <summary>The formats whose text is indexed, and the two answers that are not a format yet.</summary>
internal enum AttachmentFormat
{
    /// <summary>No text to read: images, audio, archives, legacy binary Office files.</summary>
    None,

    /// <summary>A generic type (<c>application/octet-stream</c>) and a name that says nothing: the first bytes decide.</summary>
    Unknown,

    /// <summary>A zip file that may be Office Open XML or OpenDocument: its entries decide.</summary>
    Zip,

    Pdf,
    OfficeOpenXml,
    OpenDocument,
    Rtf,
    Text,
    Html,
    Calendar,
    Message,
    Tnef,
}
