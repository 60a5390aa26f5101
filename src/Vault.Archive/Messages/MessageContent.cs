using System.Buffers;
using System.Security.Cryptography;

namespace Vault.Archive.Messages;

/// <summary>
/// The raw bytes of one fetched message with their SHA-256, held in memory up to
/// <see cref="MemoryLimit"/> and spilled to a temp file beyond it, so a 50 MB message
/// never sits whole on the heap. Dispose deletes the temp file. Bytes copied in with <c>pooled</c> sit in an array
/// rented from the shared pool, returned when the content and every <see cref="Hold"/> on it are disposed.
/// </summary>
public sealed class MessageContent : IAsyncDisposable, IDisposable
{
    public const int MemoryLimit = 1024 * 1024;

    private readonly string? _path;
    private readonly bool _pooled;
    private byte[]? _bytes;

    /// <summary>The content itself and each live <see cref="Hold"/>: the pooled array goes back when this reaches 0.</summary>
    private int _holds = 1;
    private int _disposed;

    private MessageContent(byte[]? bytes, string? path, long length, string sha256, bool pooled = false)
    {
        _bytes = bytes;
        _path = path;
        _pooled = pooled;
        Length = length;
        Sha256 = sha256;
    }

    public long Length { get; }

    /// <summary>Lowercase hex.</summary>
    public string Sha256 { get; }

    /// <summary>The bytes when they are held in memory (up to <see cref="MemoryLimit"/>); null for a message spilled to a file.</summary>
    public ReadOnlyMemory<byte>? InMemory => Volatile.Read(ref _bytes) is { } bytes ? bytes.AsMemory(0, (int)Length) : default(ReadOnlyMemory<byte>?);

    public static MessageContent FromBytes(ReadOnlySpan<byte> bytes) => FromBytes(bytes.ToArray());

    private static MessageContent FromBytes(byte[] bytes) =>
        new(bytes, null, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));

    /// <summary>Copies <paramref name="source"/> to its end, hashing as it goes.</summary>
    public static Task<MessageContent> CopyFromAsync(Stream source, string tempDirectory, CancellationToken cancellationToken) =>
        CopyFromAsync(source, tempDirectory, pooled: false, cancellationToken);

    /// <summary>
    /// Copies <paramref name="source"/> to its end, hashing as it goes. With <paramref name="pooled"/> a message that fits in
    /// memory goes into an array from the shared pool: for a caller that disposes the content as soon as it is stored
    /// (the IMAP fetch: a batch at a time), so the next batch reuses the arrays instead of allocating a new one per message.
    /// </summary>
    public static async Task<MessageContent> CopyFromAsync(Stream source, string tempDirectory, bool pooled, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var known = source.CanSeek ? source.Length - source.Position : 0;
        if (source.CanSeek && known <= MemoryLimit)
        {
            // The usual case (MailKit hands over each fetched body as a seekable stream): one read into an array.
            var length = (int)known;
            if (!pooled || length == 0)
            {
                var bytes = new byte[length];
                await source.ReadExactlyAsync(bytes, cancellationToken);
                return FromBytes(bytes);
            }

            var rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                await source.ReadExactlyAsync(rented.AsMemory(0, length), cancellationToken);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(rented);
                throw;
            }

            return new(rented, null, length, Convert.ToHexStringLower(SHA256.HashData(rented.AsSpan(0, length))), pooled: true);
        }

        await using var writer = new MessageContentWriter(tempDirectory, known);
        await writer.AppendAsync(source, cancellationToken);
        return await writer.CompleteAsync();
    }

    /// <summary>Takes <paramref name="bytes"/> as they are (no copy), with their hash already computed.</summary>
    internal static MessageContent Owning(byte[] bytes, string sha256) => new(bytes, null, bytes.Length, sha256);

    /// <summary>Takes over the temp file at <paramref name="path"/>: disposing the content deletes it.</summary>
    internal static MessageContent Spilled(string path, long length, string sha256) => new(null, path, length, sha256);

    public Stream OpenRead()
    {
        if (Volatile.Read(ref _bytes) is { } bytes)
        {
            return new MemoryStream(bytes, 0, (int)Length, writable: false);
        }

        ObjectDisposedException.ThrowIf(_path is null, this);
        return new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
    }

    /// <summary>
    /// Keeps the bytes in memory valid after this content is disposed, until the hold is disposed: the indexer's hand-over
    /// reads them after the sync engine is done with the batch. Null for a message spilled to a file, or one already gone.
    /// </summary>
    public MessageBytesHold? Hold()
    {
        int holds;
        byte[]? bytes;
        do
        {
            holds = Volatile.Read(ref _holds);
            bytes = Volatile.Read(ref _bytes);
            if (holds == 0 || bytes is null)
            {
                return null;
            }
        }
        while (Interlocked.CompareExchange(ref _holds, holds + 1, holds) != holds);

        return new MessageBytesHold(this, bytes.AsMemory(0, (int)Length));
    }

    /// <summary>One holder is done: the last one gives a pooled array back.</summary>
    internal void Release()
    {
        if (Interlocked.Decrement(ref _holds) == 0 && _pooled && Interlocked.Exchange(ref _bytes, null) is { } bytes)
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Release();
        if (_path is not null && File.Exists(_path))
        {
            File.Delete(_path);
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
