using System.Text;

namespace Vault.Search.Attachments;

/// <summary>
/// The encoding of a text file: a byte order mark wins, then the declared charset, then UTF-8 when the bytes are valid
/// UTF-8, else windows-1252 (what mislabelled Western mail almost always is, and every byte decodes).
/// </summary>
internal static class TextDecoding
{
    private const int ValidationBytes = 64 * 1024;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Encoding Detect(ReadOnlySpan<byte> bytes, string? charset)
    {
        if (bytes.StartsWith("\xEF\xBB\xBF"u8))
        {
            return Encoding.UTF8;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode;
        }

        if (!string.IsNullOrWhiteSpace(charset))
        {
            try
            {
                // Code pages (windows-1252, koi8-r, ...) are registered by MessageLoader before any message is parsed.
                return Encoding.GetEncoding(charset.Trim().Trim('"'));
            }
            catch (ArgumentException)
            {
                // An unknown or misspelt charset ("utf8x", "x-unknown"): guess as if none were declared.
            }
        }

        return IsUtf8(bytes[..Math.Min(bytes.Length, ValidationBytes)]) ? Encoding.UTF8 : Encoding.GetEncoding(1252);
    }

    /// <summary>Valid UTF-8, allowing a sequence cut off at the end of the sample.</summary>
    private static bool IsUtf8(ReadOnlySpan<byte> sample)
    {
        try
        {
            var decoder = StrictUtf8.GetDecoder();
            Span<char> chars = stackalloc char[1024];
            while (!sample.IsEmpty)
            {
                var take = Math.Min(sample.Length, 1024);
                decoder.Convert(sample[..take], chars, flush: false, out var used, out _, out _);
                sample = sample[used..];
            }

            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>Decodes <paramref name="bytes"/> in chunks into <paramref name="text"/> until it is full, checking the budget between chunks.</summary>
    public static void AppendTo(AttachmentTextWriter text, ReadOnlySpan<byte> bytes, Encoding encoding, CancellationToken cancellationToken)
    {
        if (bytes.StartsWith(encoding.Preamble))
        {
            bytes = bytes[encoding.Preamble.Length..];
        }

        var decoder = encoding.GetDecoder();
        var chars = new char[16 * 1024];
        while (!bytes.IsEmpty && !text.IsFull)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var take = Math.Min(bytes.Length, 16 * 1024);
            decoder.Convert(bytes[..take], chars, flush: take == bytes.Length, out var used, out var produced, out _);
            text.Append(chars.AsSpan(0, produced));
            bytes = bytes[used..];
        }
    }
}
