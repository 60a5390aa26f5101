using System.Buffers;
using System.Text;
using MimeKit;

namespace Vault.Search.Documents;

/// <summary>
/// Walks a parsed message: the text of text/plain and text/html body parts (one of each multipart/alternative,
/// plain preferred), and every attachment with its decoded file name (MimeKit decodes RFC 2231 and encoded-words).
/// Forwarded messages (message/rfc822) are an attachment and their text is read too.
/// </summary>
public static class MessageTextExtractor
{
    public static MessageTextContent Extract(MimeMessage message, int maxTextChars) => Extract(message, maxTextChars, intoAttachedMessages: true);

    /// <summary>
    /// With <paramref name="intoAttachedMessages"/> false, an attached message is listed as an attachment but neither its
    /// text nor its own attachments are read (the attachment reader takes each attached message on its own).
    /// </summary>
    public static MessageTextContent Extract(MimeMessage message, int maxTextChars, bool intoAttachedMessages)
    {
        ArgumentNullException.ThrowIfNull(message);
        var walk = new Walk(maxTextChars, intoAttachedMessages);
        if (message.Body is not null)
        {
            walk.Visit(message.Body, depth: 0, messageDepth: 0);
        }

        return new MessageTextContent(walk.Text, walk.Attachments, walk.Truncated);
    }

    /// <summary>The decoded size in bytes of an attachment.</summary>
    public static long DecodedSize(MimeEntity entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var counter = new CountingStream();
        WriteDecoded(entity, counter, cancellationToken);
        return counter.Length;
    }

    private static void WriteDecoded(MimeEntity entity, Stream output, CancellationToken cancellationToken)
    {
        switch (entity)
        {
            case MimePart { Content: not null } part:
                part.Content.DecodeTo(output, cancellationToken);
                break;
            case MessagePart { Message: not null } forwarded:
                forwarded.Message.WriteTo(output, cancellationToken);
                break;
            default:
                entity.WriteTo(output, contentOnly: true, cancellationToken);
                break;
        }
    }

    public static async Task WriteDecodedAsync(MimeEntity entity, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        switch (entity)
        {
            case MimePart { Content: not null } part:
                await part.Content.DecodeToAsync(output, cancellationToken);
                break;
            case MessagePart { Message: not null } forwarded:
                await forwarded.Message.WriteToAsync(output, cancellationToken);
                break;
            default:
                await entity.WriteToAsync(output, contentOnly: true, cancellationToken);
                break;
        }
    }

    /// <summary>A text part's content is read whole only below this many encoded bytes; beyond it, only what is indexed.</summary>
    private const long WholeTextBytes = 4 * 1024 * 1024;

    /// <summary>
    /// The part's text, at most about <paramref name="maxChars"/> of it, exactly as TextPart.Text gives it: the declared
    /// charset (or a BOM, or an HTML meta charset), else UTF-8, and ISO-8859-1 when that fails; line breaks as LF. Usual parts
    /// are decoded into pooled buffers and become one string (TextPart.Text goes through a growing MemoryStream, a UTF-8
    /// copy and a filter, three times the allocation); a text part of many megabytes (a 100 MB log pasted into a mail) is
    /// decoded as a stream and read only as far as the index keeps.
    /// </summary>
    internal static string ReadText(TextPart part, int maxChars)
    {
        if (part.Content is null)
        {
            return string.Empty;
        }

        if (part.Content.Stream is not { CanSeek: true } content || FormatOptions.Default.NewLineFormat != NewLineFormat.Unix)
        {
            return part.Text ?? string.Empty;
        }

        if (content.Length > WholeTextBytes)
        {
            var declared = part.ContentType.CharsetEncoding ?? Encoding.UTF8;
            using var reader = new StreamReader(part.Content.Open(), declared, detectEncodingFromByteOrderMarks: true);
            var buffer = new char[Math.Min(maxChars, WholeTextBytes)];
            var read = reader.ReadBlock(buffer, 0, buffer.Length);
            return new string(buffer, 0, read);
        }

        var encoding = part.TryDetectEncoding(out var detected, out _) ? detected : StrictUtf8;
        var bytes = ArrayPool<byte>.Shared.Rent((int)Math.Max(content.Length, 256));
        try
        {
            var length = 0;
            using (var decoded = part.Content.Open())
            {
                int read;
                while ((read = decoded.Read(bytes, length, bytes.Length - length)) > 0)
                {
                    length += read;
                    if (length == bytes.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(bytes.Length * 2);
                        bytes.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(bytes);
                        bytes = larger;
                    }
                }
            }

            try
            {
                return Decode(encoding, bytes.AsSpan(0, length));
            }
            catch (DecoderFallbackException)
            {
                return Decode(StrictLatin1, bytes.AsSpan(0, length));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>The text of <paramref name="bytes"/> with MimeKit's Dos2UnixFilter applied: a CR before an LF or at the end is dropped.</summary>
    private static string Decode(Encoding encoding, ReadOnlySpan<byte> bytes)
    {
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(encoding.GetMaxCharCount(bytes.Length), 1));
        try
        {
            var rest = chars.AsSpan(0, encoding.GetChars(bytes, chars));
            var written = 0;
            // Line by line: each piece up to a CR moves down over the CRs dropped before it (CopyTo allows the overlap).
            while (rest.IndexOf('\r') is var cr and >= 0)
            {
                rest[..cr].CopyTo(chars.AsSpan(written));
                written += cr;
                if (cr + 1 < rest.Length && rest[cr + 1] != '\n')
                {
                    chars[written++] = '\r';
                }

                rest = rest[(cr + 1)..];
            }

            rest.CopyTo(chars.AsSpan(written));
            return new string(chars, 0, written + rest.Length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    // MimeKit's CharsetUtils.UTF8 and Latin1: strict, so a wrong guess throws and the next one is tried.
    private static readonly Encoding StrictUtf8 = Encoding.GetEncoding(65001, new EncoderExceptionFallback(), new DecoderExceptionFallback());
    private static readonly Encoding StrictLatin1 = Encoding.GetEncoding(28591, new EncoderExceptionFallback(), new DecoderExceptionFallback());

    private sealed class Walk(int maxTextChars, bool intoAttachedMessages)
    {
        // A hostile message nests multiparts thousands deep; MimeKit's parser has its own limit, this keeps the walk bounded too.
        private const int MaxDepth = 32;

        /// <summary>The text so far while it came from one part: kept as it is, not copied into <see cref="_joined"/>.</summary>
        private string? _single;
        private readonly StringBuilder _joined = new();

        /// <summary>The text of the parts read, joined by line breaks.</summary>
        public string Text => _single ?? _joined.ToString();

        private int TextLength => _single?.Length ?? _joined.Length;

        public List<MessageAttachment> Attachments { get; } = [];

        public bool Truncated { get; private set; }

        /// <summary><paramref name="messageDepth"/> counts the attached messages around <paramref name="entity"/>.</summary>
        public void Visit(MimeEntity entity, int depth, int messageDepth)
        {
            if (depth > MaxDepth)
            {
                return;
            }

            switch (entity)
            {
                case MultipartAlternative alternative:
                    var preferred = alternative.OfType<TextPart>().FirstOrDefault(p => p.IsPlain)
                        ?? (MimeEntity?)alternative.OfType<TextPart>().FirstOrDefault()
                        ?? alternative.LastOrDefault();
                    foreach (var child in alternative)
                    {
                        if (ReferenceEquals(child, preferred) || child is not TextPart)
                        {
                            Visit(child, depth + 1, messageDepth);
                        }
                    }

                    break;
                case Multipart multipart:
                    foreach (var child in multipart)
                    {
                        Visit(child, depth + 1, messageDepth);
                    }

                    break;
                case MessagePart forwarded:
                    var name = forwarded.ContentDisposition?.FileName
                        ?? (forwarded.Message?.Subject is { Length: > 0 } s ? s + ".eml" : "message.eml");
                    Attachments.Add(new MessageAttachment(Attachments.Count, name, forwarded.ContentType.MimeType, forwarded, messageDepth));
                    if (intoAttachedMessages && forwarded.Message?.Body is not null)
                    {
                        Visit(forwarded.Message.Body, depth + 1, messageDepth + 1);
                    }

                    break;
                case TextPart text when !text.IsAttachment && (text.IsPlain || text.IsHtml):
                    AppendText(text);
                    break;
                case MimePart part:
                    Attachments.Add(new MessageAttachment(Attachments.Count, part.FileName, part.ContentType.MimeType, part, messageDepth));
                    break;
            }
        }

        private void AppendText(TextPart part)
        {
            var room = maxTextChars - TextLength;
            if (room <= 0)
            {
                Truncated = true;
                return;
            }

            var text = ReadText(part, part.IsHtml ? 4 * room : room);
            if (part.IsHtml)
            {
                text = HtmlTextReducer.Reduce(text, room);
            }

            if (text.Length > room)
            {
                Truncated = true;
                text = text[..room];
            }

            if (TextLength == 0)
            {
                _single = text;
                return;
            }

            if (_single is not null)
            {
                _joined.Append(_single);
                _single = null;
            }

            _joined.Append('\n').Append(text);
        }
    }
}
