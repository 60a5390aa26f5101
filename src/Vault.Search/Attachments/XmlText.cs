using System.Xml;

namespace Vault.Search.Attachments;

/// <summary>Reader settings and chunked text reading shared by the XML-based formats.</summary>
internal static class XmlText
{
    /// <summary>How many nodes are read between two looks at the cancellation token.</summary>
    public const int NodesPerCheck = 512;

    /// <summary>
    /// No DTD (a document type declaration is refused: no entity expansion, no external resolution), comments and
    /// processing instructions skipped, the stream left to its owner.
    /// </summary>
    public static XmlReaderSettings Settings { get; } = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    /// <summary>Appends the value of the current text node in chunks, so a single enormous text node is never held at once.</summary>
    public static void AppendValue(XmlReader reader, AttachmentTextWriter text, char[] buffer)
    {
        if (!reader.CanReadValueChunk)
        {
            text.Append(reader.Value);
            return;
        }

        int read;
        while (!text.IsFull && (read = reader.ReadValueChunk(buffer, 0, buffer.Length)) > 0)
        {
            text.Append(buffer.AsSpan(0, read));
        }
    }
}
