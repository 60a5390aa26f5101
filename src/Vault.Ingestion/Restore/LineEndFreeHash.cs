using System.Buffers;
using System.Security.Cryptography;

namespace Vault.Ingestion.Restore;

/// <summary>
/// SHA-256 (lowercase hex) of a message's bytes with every CR and LF left out: the same for two copies of a message that
/// differ only in line ends. A restore cannot always put the stored bytes on the target exactly: Dovecot stores LF and
/// gives CRLF back, so a bare CR before a CRLF or at the end does not survive an APPEND, and a message without a header
/// block gains a blank line. Comparing this hash as well as the exact one lets a rerun recognise such a message as
/// already there instead of appending it again.
/// </summary>
internal static class LineEndFreeHash
{
    public static async Task<string> OfAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
            {
                Append(hash, buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Adds <paramref name="bytes"/> without their CRs and LFs, moved together in place first (so the buffer is
    /// overwritten): one call into the hash per buffer, not one per line.
    /// </summary>
    public static void Append(IncrementalHash hash, Span<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var written = 0;
        var rest = bytes;
        while (rest.IndexOfAny((byte)'\r', (byte)'\n') is var end and >= 0)
        {
            rest[..end].CopyTo(bytes[written..]);
            written += end;
            rest = rest[(end + 1)..];
        }

        rest.CopyTo(bytes[written..]);
        hash.AppendData(bytes[..(written + rest.Length)]);
    }
}
