using Vault.Search.Documents;

namespace Vault.Search.Attachments;

/// <summary>
/// Where the text of one attachment goes, bounded to its share of characters (blanks collapsed). A container format
/// (TNEF, an attached .eml) hands the files inside it to <see cref="AppendFile"/>: their text joins this attachment's,
/// and their failures are recorded under their own path without stopping the container.
/// </summary>
internal sealed class AttachmentTextWriter
{
    private readonly AttachmentTextExtraction _extraction;
    private readonly CollapsedText _text;
    private readonly List<AttachmentError> _errors;
    private readonly List<string> _innerNames = [];

    private readonly int _maxChars;

    public AttachmentTextWriter(AttachmentTextExtraction extraction, int index, int maxChars, List<AttachmentError> errors)
    {
        _extraction = extraction;
        _maxChars = maxChars;
        Index = index;
        _errors = errors;
        _text = new CollapsedText(Math.Min(maxChars, 16 * 1024), maxChars);
    }

    /// <summary>The attachment's place in the message.</summary>
    public int Index { get; }

    public bool IsFull => _text.IsFull;

    public int Length => _text.Length;

    /// <summary>Characters that still fit.</summary>
    public int Room => Math.Max(0, _maxChars - _text.Length);

    public void Append(string text) => _text.Append(text);

    public void Append(ReadOnlySpan<char> text) => _text.Append(text);

    /// <summary>Ends a word (<see cref="TextBreak.Blank"/>) or a line, so text that follows is not glued to it.</summary>
    public void Break(TextBreak kind = TextBreak.Line) => _text.Break(kind);

    /// <summary>Reads a file found inside the current one; <paramref name="depth"/> is the container's depth plus one.</summary>
    public void AppendFile(string? fileName, string? mimeType, ArraySegment<byte> bytes, string containerPath, int depth, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(bytes.Array ?? [], bytes.Offset, bytes.Count, writable: false);
        Append(fileName, mimeType ?? "application/octet-stream", content, null, containerPath, depth, cancellationToken);
    }

    /// <summary>Reads a message attached inside the current file (an .eml within an .eml).</summary>
    public void AppendMessage(string? fileName, MimeKit.MimeMessage message, string containerPath, int depth, CancellationToken cancellationToken) =>
        Append(fileName, "message/rfc822", null, message, containerPath, depth, cancellationToken);

    private void Append(string? fileName, string mimeType, Stream? content, MimeKit.MimeMessage? message, string containerPath, int depth, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrWhiteSpace(fileName) ? "attachment" : fileName.Trim();
        _innerNames.Add(name);
        if (IsFull || depth > _extraction.Limits.MaxDepth)
        {
            return;
        }

        _text.Break(TextBreak.Line);
        _extraction.Read(this, new AttachmentSource(name, $"{containerPath}/{name}", mimeType, null, content, message, content?.Length ?? 0), depth, cancellationToken);
    }

    public void Fail(string path, AttachmentFailure reason, string message) => _errors.Add(new AttachmentError(Index, path, reason, message));

    public ExtractedAttachmentText ToResult() => _text.Length == 0 && _innerNames.Count == 0
        ? ExtractedAttachmentText.Empty
        : new ExtractedAttachmentText(_text.ToString(), _innerNames.ToArray());
}
