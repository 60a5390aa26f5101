namespace Vault.Search.Attachments;

/// <summary>The text read from one attachment, and the names of the files found inside it (a TNEF file's attachments).</summary>
public sealed record ExtractedAttachmentText(string Text, IReadOnlyList<string> InnerNames)
{
    public static ExtractedAttachmentText Empty { get; } = new(string.Empty, []);
}
