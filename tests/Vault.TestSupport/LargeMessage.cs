using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vault.TestSupport;

/// <summary>
/// A large message written straight to a file, never held in memory: a short text/plain body that names
/// <see cref="BodyWord"/>, then one base64 attachment called <see cref="AttachmentName"/> of seeded random bytes filling
/// the message to about the size asked for. CRLF line ends throughout, so Dovecot serves these bytes exactly.
/// </summary>
public sealed class LargeMessage
{
    private const int LineBytes = 57; // 76 base64 characters a line (RFC 2045 §6.8)

    private LargeMessage(string path, string bodyWord, string attachmentName, long length, string sha256, string attachmentSha256)
    {
        AttachmentSha256 = attachmentSha256;
        Path = path;
        BodyWord = bodyWord;
        AttachmentName = attachmentName;
        Length = length;
        Sha256 = sha256;
    }

    public string Path { get; }

    /// <summary>A word found only in this message's text body.</summary>
    public string BodyWord { get; }

    /// <summary>The attachment's file name, e.g. <c>scan-1a2b3c4d.pdf</c>.</summary>
    public string AttachmentName { get; }

    public long Length { get; }

    /// <summary>Lowercase hex of the file's bytes.</summary>
    public string Sha256 { get; }

    /// <summary>Lowercase hex of the attachment's decoded bytes.</summary>
    public string AttachmentSha256 { get; }

    /// <summary>Writes the message to <paramref name="path"/> (about <paramref name="approximateBytes"/> long).</summary>
    public static async Task<LargeMessage> WriteAsync(string path, long approximateBytes, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var tag = random.Next().ToString("x8", CultureInfo.InvariantCulture);
        var bodyWord = $"zeppelin{tag}";
        var attachmentName = $"scan-{tag}.pdf";
        var boundary = $"=_large_{tag}";
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"""
            From: Scanner <scanner-{tag}@example.org>
            To: archive@example.com
            Subject: Large scan {tag}
            Date: Wed, 01 Mar 2023 10:00:00 +0000
            Message-ID: <large-{tag}@example.org>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="{boundary}"

            --{boundary}
            Content-Type: text/plain; charset=us-ascii

            The scanned document is attached: {bodyWord}.

            --{boundary}
            Content-Type: application/pdf; name="{attachmentName}"
            Content-Disposition: attachment; filename="{attachmentName}"
            Content-Transfer-Encoding: base64


            """).ReplaceLineEndings("\r\n"));
        var tail = Encoding.ASCII.GetBytes($"--{boundary}--\r\n");

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var attachmentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        long length = 0;
        async Task WriteAsync(ReadOnlyMemory<byte> bytes)
        {
            hash.AppendData(bytes.Span);
            length += bytes.Length;
            await file.WriteAsync(bytes, cancellationToken);
        }

        await WriteAsync(head);
        var lines = Math.Max(1, (approximateBytes - head.Length - tail.Length) / 78);
        const int LinesPerBlock = 1024;
        var raw = new byte[LineBytes * LinesPerBlock];
        var encoded = new byte[78 * LinesPerBlock];
        for (long written = 0; written < lines; written += LinesPerBlock)
        {
            var count = (int)Math.Min(LinesPerBlock, lines - written);
            random.NextBytes(raw);
            attachmentHash.AppendData(raw, 0, count * LineBytes);
            for (var i = 0; i < count; i++)
            {
                Base64.EncodeToUtf8(raw.AsSpan(i * LineBytes, LineBytes), encoded.AsSpan(i * 78, 76), out _, out _);
                encoded[(i * 78) + 76] = (byte)'\r';
                encoded[(i * 78) + 77] = (byte)'\n';
            }

            await WriteAsync(encoded.AsMemory(0, count * 78));
        }

        await WriteAsync(tail);
        return new LargeMessage(path, bodyWord, attachmentName, length, Convert.ToHexStringLower(hash.GetHashAndReset()), Convert.ToHexStringLower(attachmentHash.GetHashAndReset()));
    }
}
