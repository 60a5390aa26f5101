using System.Buffers;
using System.Globalization;
using MimeKit;
using MimeKit.Encodings;
using Vault.Search.Documents;

namespace Vault.Search.Attachments;

/// <summary>
/// Reads the text of a message's attachments for the index, one attachment at a time, each bounded: at most
/// <see cref="AttachmentTextLimits.MaxInputBytes"/> decoded bytes in, <see cref="AttachmentTextLimits.MaxTextChars"/>
/// characters out, <see cref="AttachmentTextLimits.TimeBudget"/> of time (enforced by cancellation, measured on the
/// <see cref="TimeProvider"/>), and zip-based files within <see cref="AttachmentTextLimits.MaxUnpackedBytes"/>.
/// A file that cannot be read is recorded as an <see cref="AttachmentError"/> and counted; it never fails the message.
/// </summary>
public sealed class AttachmentTextExtraction
{
    private const int ChunkBytes = 81920;

    private readonly TimeProvider _timeProvider;
    private readonly AttachmentMetrics? _metrics;
    private readonly Dictionary<AttachmentFormat, IAttachmentTextExtractor> _extractors;

    public AttachmentTextExtraction(AttachmentTextLimits limits, TimeProvider timeProvider, AttachmentMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Limits = limits;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _extractors = new()
        {
            [AttachmentFormat.Pdf] = new PdfTextExtractor(),
            [AttachmentFormat.OfficeOpenXml] = new OfficeOpenXmlTextExtractor(limits),
            [AttachmentFormat.OpenDocument] = new OpenDocumentTextExtractor(limits),
            [AttachmentFormat.Rtf] = new RtfTextExtractor(),
            [AttachmentFormat.Text] = new PlainTextExtractor(),
            [AttachmentFormat.Html] = new HtmlAttachmentTextExtractor(),
            [AttachmentFormat.Calendar] = new CalendarTextExtractor(),
            [AttachmentFormat.Message] = new AttachedMessageTextExtractor(),
            [AttachmentFormat.Tnef] = new TnefTextExtractor(),
        };
    }

    public AttachmentTextLimits Limits { get; }

    /// <summary>
    /// The text of every attachment, in order, and the failures (counted in <c>vault.attachments.failed</c>). Throws only
    /// <see cref="OperationCanceledException"/>, and only when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public AttachmentTextResult Extract(IReadOnlyList<MessageAttachment> attachments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        var errors = new List<AttachmentError>();
        var texts = new ExtractedAttachmentText[attachments.Count];
        CancellationTokenSource? messageBudget = null;
        CancellationTokenSource? outer = null;
        try
        {
            var room = Limits.MaxMessageTextChars;
            for (var i = 0; i < attachments.Count; i++)
            {
                if (!HasReader(attachments[i]))
                {
                    // Images, archives, audio: no timers, no decoding.
                    texts[i] = ExtractedAttachmentText.Empty;
                    continue;
                }

                messageBudget ??= new CancellationTokenSource(Limits.MessageTimeBudget, _timeProvider);
                outer ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, messageBudget.Token);
                texts[i] = ReadAttachment(attachments[i], Math.Min(room, Limits.MaxTextChars), errors, outer.Token, cancellationToken);
                room -= texts[i].Text.Length;
            }
        }
        finally
        {
            outer?.Dispose();
            messageBudget?.Dispose();
        }

        foreach (var error in errors)
        {
            _metrics?.Failed(error.Reason);
        }

        return new AttachmentTextResult(texts, errors);
    }

    /// <summary>One attachment's text again (a snippet beyond the stored preview); failures are neither returned nor counted.</summary>
    public string ExtractText(MessageAttachment attachment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        using var messageBudget = new CancellationTokenSource(Limits.MessageTimeBudget, _timeProvider);
        using var outer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, messageBudget.Token);
        return ReadAttachment(attachment, Limits.MaxTextChars, [], outer.Token, cancellationToken).Text;
    }

    /// <summary>The name an attachment is shown and recorded under: its file name, else the name its download gets.</summary>
    public static string NameOf(MessageAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        return string.IsNullOrWhiteSpace(attachment.FileName) ? $"attachment-{attachment.Index}" : attachment.FileName.Trim();
    }

    /// <summary>Whether the declared type and name leave any format to read (a generic type may still turn out to be none).</summary>
    private static bool HasReader(MessageAttachment attachment) => attachment.Entity switch
    {
        MessagePart => true,
        MimePart { Content: not null } => AttachmentFormats.Of(attachment.ContentType, NameOf(attachment)) != AttachmentFormat.None,
        _ => false,
    };

    private ExtractedAttachmentText ReadAttachment(MessageAttachment attachment, int maxChars, List<AttachmentError> errors, CancellationToken outer, CancellationToken cancellationToken)
    {
        if (attachment.Depth > Limits.MaxDepth || maxChars <= 0)
        {
            return ExtractedAttachmentText.Empty;
        }

        var name = NameOf(attachment);
        var writer = new AttachmentTextWriter(this, attachment.Index, maxChars, errors);
        try
        {
            switch (attachment.Entity)
            {
                case MessagePart forwarded:
                    Read(writer, new AttachmentSource(name, name, attachment.ContentType, null, null, forwarded.Message), attachment.Depth, outer);
                    break;
                case MimePart { Content: not null } part:
                    if (EstimatedSize(part) > Limits.MaxInputBytes)
                    {
                        writer.Fail(name, AttachmentFailure.TooLarge, TooLargeMessage());
                        break;
                    }

                    using (var content = part.Content.Open())
                    {
                        Read(writer, new AttachmentSource(name, name, attachment.ContentType, part.ContentType.Charset, content, null, DecodedSizeBound(part)), attachment.Depth, outer);
                    }

                    break;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            writer.Fail(name, AttachmentFailure.TimedOut, $"The attachments of this message took longer than {Seconds(Limits.MessageTimeBudget)} together.");
        }

        return writer.ToResult();
    }

    /// <summary>
    /// Reads one file into <paramref name="writer"/> within its own time budget. Cancellation of
    /// <paramref name="parentToken"/> (the container's budget, the message's, the caller's) is left to the caller to report.
    /// </summary>
    internal void Read(AttachmentTextWriter writer, AttachmentSource source, int depth, CancellationToken parentToken)
    {
        var format = source.Message is not null ? AttachmentFormat.Message : AttachmentFormats.Of(source.MimeType, source.FileName);
        if (format == AttachmentFormat.None || (source.Message is null && source.Content is null))
        {
            return;
        }

        using var budget = new CancellationTokenSource(Limits.TimeBudget, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(parentToken, budget.Token);
        var token = linked.Token;
        try
        {
            var bytes = ArraySegment<byte>.Empty;
            if (source.Content is not null)
            {
                (bytes, format) = ReadCapped(source.Content, source.SizeBound, format, token);
            }

            if (format == AttachmentFormat.Zip)
            {
                format = ZipPackages.KindOf(bytes, Limits);
            }

            if (format is AttachmentFormat.None or AttachmentFormat.Unknown)
            {
                return;
            }

            var content = new AttachmentContent(source.FileName, source.Path, source.MimeType, source.Charset, bytes, depth, source.Message);
            _extractors[format].Extract(content, writer, token);
        }
        catch (OperationCanceledException) when (!parentToken.IsCancellationRequested)
        {
            writer.Fail(source.Path, AttachmentFailure.TimedOut, $"Reading its text took longer than {Seconds(Limits.TimeBudget)}; the text read until then is searchable.");
        }
        catch (AttachmentTextException ex)
        {
            writer.Fail(source.Path, ex.Failure, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Boundary for one file: readers of hostile files (PdfPig, System.IO.Packaging, XmlReader, TnefReader) throw
            // whatever their parser ran into. The failure is recorded for this attachment; the message and the batch go on.
            writer.Fail(source.Path, AttachmentFailure.Unreadable, Describe(ex));
        }
    }

    /// <summary>
    /// The decoded bytes, refused beyond the byte cap; a file of <see cref="AttachmentFormat.Unknown"/> kind is sniffed from
    /// its first bytes. The buffer takes <paramref name="sizeBound"/> at once (once the kind is known), not a doubling per chunk.
    /// </summary>
    private (ArraySegment<byte> Bytes, AttachmentFormat Format) ReadCapped(Stream content, long sizeBound, AttachmentFormat format, CancellationToken cancellationToken)
    {
        var capacity = (int)Math.Clamp(sizeBound, 0, Limits.MaxInputBytes);
        var buffer = new MemoryStream(format == AttachmentFormat.Unknown ? Math.Min(capacity, ChunkBytes) : capacity);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = content.Read(chunk, 0, ChunkBytes)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (buffer.Length + read > Limits.MaxInputBytes)
                {
                    throw new AttachmentTextException(AttachmentFailure.TooLarge, TooLargeMessage());
                }

                buffer.Write(chunk, 0, read);
                if (format == AttachmentFormat.Unknown && buffer.Length >= AttachmentFormats.SniffLength)
                {
                    format = AttachmentFormats.Sniff(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
                    if (format == AttachmentFormat.None)
                    {
                        return (ArraySegment<byte>.Empty, format);
                    }

                    buffer.Capacity = Math.Max(buffer.Capacity, capacity);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (format == AttachmentFormat.Unknown)
        {
            format = AttachmentFormats.Sniff(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }

        return (new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length), format);
    }

    /// <summary>A lower bound of the decoded size, so that a 200 MB attachment is refused before it is decoded.</summary>
    private static long EstimatedSize(MimePart part)
    {
        var stream = part.Content?.Stream;
        if (stream is null || !stream.CanSeek)
        {
            return 0;
        }

        // Base64 carries 3 bytes in 4 characters, plus a line break per 76; quoted-printable is at least a third.
        return part.ContentTransferEncoding switch
        {
            ContentEncoding.Base64 => stream.Length / 78 * 57,
            ContentEncoding.QuotedPrintable => stream.Length / 3,
            ContentEncoding.UUEncode => stream.Length / 2,
            _ => stream.Length,
        };
    }

    /// <summary>The most bytes the part can decode to: what its buffer is given up front.</summary>
    private static long DecodedSizeBound(MimePart part)
    {
        var stream = part.Content?.Stream;
        if (stream is null || !stream.CanSeek)
        {
            return 0;
        }

        // Base64 decodes 4 characters to at most 3 bytes; quoted-printable, uuencode and the identity encodings never grow.
        return part.ContentTransferEncoding == ContentEncoding.Base64 ? (stream.Length / 4 * 3) + 3 : stream.Length;
    }

    private string TooLargeMessage() => $"It is larger than {Megabytes(Limits.MaxInputBytes)}, the most that is read of one attachment.";

    private static string Describe(Exception ex)
    {
        var message = ex.Message.ReplaceLineEndings(" ");
        return $"It could not be read: {(message.Length > 200 ? message[..200] + "…" : message)}";
    }

    internal static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB");

    private static string Seconds(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.###} s");
}
