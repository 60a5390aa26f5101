using System.Buffers;
using System.Security.Cryptography;
using MailKit;
using MimeKit;
using Vault.Archive.Messages;

namespace Vault.Ingestion.Restore;

/// <summary>
/// One archived message ready for APPEND, with the bytes that go on the wire known in advance. MailKit appends only a
/// <see cref="MimeMessage"/> and serializes it again, which changes bytes (a line end added at the end, MIME-Version
/// added, headers refolded); so the message is wrapped instead: its header block is one <see cref="StoredHeaderBlock"/>
/// and the rest a <see cref="StoredBody"/>, and MimeKit's only own byte, the line end it writes after the headers, is
/// the message's own blank line. The stored bytes go out exactly, except that bare LFs become CRLF (<see cref="CrlfStream"/>)
/// and a message that has no header line ended by CRLF gains one line end; <see cref="Exact"/> tells which.
/// </summary>
public sealed class AppendableMessage : IDisposable
{
    /// <summary>How much of a message's start is searched for the end of its header block.</summary>
    internal const int HeaderWindow = 1 << 20;

    private static ReadOnlySpan<byte> LineEnd => "\r\n"u8;

    private readonly MessageContent _content;

    private AppendableMessage(ArchivedMessage stored, MessageContent content, MimeMessage message, long length, string sha256, string lineEndFreeSha256, bool exact, bool fragile)
    {
        Fragile = fragile;
        LineEndFreeSha256 = lineEndFreeSha256;
        Stored = stored;
        _content = content;
        Message = message;
        Length = length;
        Sha256 = sha256;
        Exact = exact;
        MessageId = MessageIdKey.Of(stored.Headers.MessageIdHeader);
        Request = new AppendRequest(message, SystemFlags(stored.Flags), Keywords(stored.Flags)) { InternalDate = stored.InternalDate };
    }

    public ArchivedMessage Stored { get; }

    public MimeMessage Message { get; }

    /// <summary>The APPEND: the message with its flags and INTERNALDATE (RFC 3501 §6.3.11).</summary>
    public IAppendRequest Request { get; }

    /// <summary>How many bytes are appended.</summary>
    public long Length { get; }

    /// <summary>SHA-256 (lowercase hex) of the bytes appended; the stored SHA-256 when <see cref="Exact"/>.</summary>
    public string Sha256 { get; }

    /// <summary><see cref="LineEndFreeHash"/> of the message: the same for the stored and the appended bytes.</summary>
    public string LineEndFreeSha256 { get; }

    /// <summary>
    /// True when the server may keep other bytes than those appended (bytes this restore changed, or bare CRs, which
    /// Dovecot does not keep before a line end): the target is then searched by <see cref="LineEndFreeSha256"/> too,
    /// as its Message-ID may read differently there.
    /// </summary>
    public bool Fragile { get; }

    /// <summary>True when the bytes appended are the stored bytes exactly.</summary>
    public bool Exact { get; }

    /// <summary><see cref="MessageIdKey"/> of the message's Message-ID; empty when it has none.</summary>
    public string MessageId { get; }

    public static async Task<AppendableMessage> LoadAsync(ArchivedMessage stored, Stream raw, string temporaryDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        await using var crlf = new CrlfStream(raw);
        MessageContent content;
        // Sized for the stored bytes, which come out unchanged unless a line end is repaired: no growing copies.
        await using (var writer = new MessageContentWriter(temporaryDirectory, raw.CanSeek ? raw.Length - raw.Position : 0))
        {
            await writer.AppendAsync(crlf, cancellationToken);
            content = await writer.CompleteAsync();
        }

        try
        {
            var head = await ReadHeadAsync(content, cancellationToken);
            var (message, added) = Frame(content, head);
            string loose;
            await using (var read = content.OpenRead())
            {
                loose = await LineEndFreeHash.OfAsync(read, cancellationToken);
            }

            if (added == Addition.None)
            {
                return new AppendableMessage(stored, content, message, content.Length, content.Sha256, loose, crlf.Repaired == 0, crlf.Repaired > 0 || crlf.BareCrs > 0);
            }

            var sha = await HashAsync(content, added, cancellationToken);
            return new AppendableMessage(stored, content, message, content.Length + LineEnd.Length, sha, loose, exact: false, fragile: true);
        }
        catch
        {
            content.Dispose();
            throw;
        }
    }

    public void Dispose() => _content.Dispose();

    private enum Addition
    {
        None,
        LeadingLineEnd,
        TrailingLineEnd,
    }

    /// <summary>
    /// Splits the message where MimeKit's line end after the headers falls on a line end of the message itself: the
    /// blank line after the header block, else (a message that starts with its blank line) the first line end, else
    /// the first line end after a colon. A message with none of these gains a line end, the one change left.
    /// </summary>
    private static (MimeMessage Message, Addition Added) Frame(MessageContent content, byte[] head)
    {
        var message = new MimeMessage();
        message.Headers.Clear();
        var text = head.AsSpan();
        var blank = text.IndexOf("\r\n\r\n"u8);
        var colon = text.IndexOf((byte)':');
        var lineAfterColon = colon < 0 ? -1 : text[colon..].IndexOf(LineEnd);
        long body;
        var added = Addition.None;
        if (blank >= 0 && colon >= 0 && colon < blank)
        {
            message.Headers.Add(StoredHeaderBlock.Whole(text[..(blank + LineEnd.Length)], colon));
            body = blank + (2 * LineEnd.Length);
        }
        else if (text.StartsWith(LineEnd))
        {
            body = LineEnd.Length;
        }
        else if (lineAfterColon >= 0)
        {
            message.Headers.Add(StoredHeaderBlock.Line(text[..(colon + lineAfterColon)], colon));
            body = colon + lineAfterColon + LineEnd.Length;
        }
        else if (colon >= 0 && head.Length == content.Length)
        {
            // "Subject: x" with no line end at all: it goes out as "Subject: x" CRLF.
            message.Headers.Add(StoredHeaderBlock.Line(text, colon));
            body = content.Length;
            added = Addition.TrailingLineEnd;
        }
        else
        {
            // Not a header in sight (no colon): the whole message is the body of an empty header block.
            body = 0;
            added = Addition.LeadingLineEnd;
        }

        message.Body = new StoredBody(content, body);
        return (message, added);
    }

    private static async Task<byte[]> ReadHeadAsync(MessageContent content, CancellationToken cancellationToken)
    {
        var head = new byte[Math.Min(content.Length, HeaderWindow)];
        await using var stream = content.OpenRead();
        await stream.ReadExactlyAsync(head, cancellationToken);
        return head;
    }

    private static async Task<string> HashAsync(MessageContent content, Addition added, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (added == Addition.LeadingLineEnd)
        {
            hash.AppendData(LineEnd);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            await using var stream = content.OpenRead();
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (added == Addition.TrailingLineEnd)
        {
            hash.AppendData(LineEnd);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The flags APPEND can set (RFC 3501 §2.3.2): \Recent cannot be set by a client and other \-names are not flags.</summary>
    private static MessageFlags SystemFlags(IReadOnlyList<string> stored)
    {
        var flags = MessageFlags.None;
        foreach (var name in stored)
        {
            flags |= name.ToUpperInvariant() switch
            {
                "\\SEEN" => MessageFlags.Seen,
                "\\ANSWERED" => MessageFlags.Answered,
                "\\FLAGGED" => MessageFlags.Flagged,
                "\\DELETED" => MessageFlags.Deleted,
                "\\DRAFT" => MessageFlags.Draft,
                _ => MessageFlags.None,
            };
        }

        return flags;
    }

    private static HashSet<string> Keywords(IReadOnlyList<string> stored) =>
        stored.Where(name => name.Length > 0 && name[0] != '\\').ToHashSet(StringComparer.Ordinal);
}
