using System.Text;
using MimeKit;
using Vault.Archive.Messages;

namespace Vault.Ingestion.Restore;

/// <summary>
/// A stored message's header block carried as one MimeKit header, so that MimeKit writes it back byte for byte:
/// <see cref="MimeMessage"/> writes each header as its raw field, a colon and its raw value, so the block is split at
/// its first colon. Only <see cref="AppendableMessage"/> makes these.
/// </summary>
internal sealed class StoredHeaderBlock : Header
{
    private StoredHeaderBlock(byte[] field, byte[] value)
        : base(MimeParsing.Options, HeaderId.Unknown, Encoding.Latin1.GetString(field), field, value)
    {
    }

    /// <summary>
    /// The block up to and including the line end before the blank line. Its raw value ends with a line end, so it is
    /// set as an explicit raw value: MimeKit then never re-encodes it, not even for a UTF8=ONLY server (RFC 6855).
    /// </summary>
    public static StoredHeaderBlock Whole(ReadOnlySpan<byte> block, int colon)
    {
        var header = new StoredHeaderBlock(block[..colon].ToArray(), block[(colon + 1)..].ToArray());
        header.SetRawValue(block[(colon + 1)..].ToArray());
        return header;
    }

    /// <summary>
    /// Text up to (not including) a line end, for messages without a blank line. MimeKit keeps such a raw value as it is
    /// unless the server is UTF8=ONLY (RFC 6855), when it would re-encode a header it does not know.
    /// </summary>
    public static StoredHeaderBlock Line(ReadOnlySpan<byte> text, int colon) =>
        new(text[..colon].ToArray(), text[(colon + 1)..].ToArray());
}
