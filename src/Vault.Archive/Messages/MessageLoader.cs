using MimeKit;

namespace Vault.Archive.Messages;

/// <summary>
/// Parses a raw message with MimeKit (with <see cref="MimeParsing.Options"/>), once more past leading junk when the first
/// try fails, for every reader of stored messages (the index, the message view, the snippets): some exporters put a
/// blank or whitespace-only line (flanker's enclosed.eml, iphone.eml) or an mbox "From " envelope line before the headers.
/// </summary>
public static class MessageLoader
{
    private const int JunkScanBytes = 4096;

    /// <summary>
    /// The parsed message, or null when MimeKit cannot read it. A seekable <paramref name="raw"/> allows the retry, and is
    /// parsed with persistent content: each part is a window on <paramref name="raw"/> rather than a copy, so a 100 MB
    /// attachment is never in memory; <paramref name="raw"/> must then stay open while the message is used.
    /// </summary>
    public static MimeMessage? TryLoad(Stream raw, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var start = raw.CanSeek ? raw.Position : -1;
        MimeMessage? first = null;
        try
        {
            first = MimeMessage.Load(MimeParsing.Options, raw, persistent: raw.CanSeek, cancellationToken);
            if (first.Headers.Count > 0)
            {
                return first;
            }
        }
        catch (FormatException)
        {
            // Whitespace before the first header makes MimeKit refuse the header block.
        }

        if (start < 0)
        {
            return first;
        }

        // A leading empty line makes MimeKit read an empty header block and take the headers for body text.
        raw.Position = start;
        var skip = LeadingJunk(raw);
        if (skip == 0)
        {
            return first;
        }

        raw.Position = start + skip;
        try
        {
            return MimeMessage.Load(MimeParsing.Options, raw, persistent: true, cancellationToken);
        }
        catch (FormatException)
        {
            return first;
        }
    }

    private static int LeadingJunk(Stream raw)
    {
        var buffer = new byte[JunkScanBytes];
        var length = raw.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var offset = 0;
        var first = true;
        while (offset < length)
        {
            var end = Array.IndexOf(buffer, (byte)'\n', offset, length - offset);
            if (end < 0)
            {
                break;
            }

            var line = buffer.AsSpan(offset, end - offset);
            var blank = line.TrimEnd("\r \t"u8).IsEmpty;
            var envelope = first && line.StartsWith("From "u8);
            if (!blank && !envelope)
            {
                break;
            }

            offset = end + 1;
            first = false;
        }

        return offset;
    }
}
