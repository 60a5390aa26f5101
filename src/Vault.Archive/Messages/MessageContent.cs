using System.Security.Cryptography;

namespace Vault.Archive.Messages;

/// <summary>
/// The raw bytes of one fetched message with their SHA-256, held in memory up to
/// <see cref="MemoryLimit"/> and spilled to a temp file beyond it, so a 50 MB message
/// never sits whole on the heap. Dispose deletes the temp file.
/// </summary>
public sealed class MessageContent : IAsyncDisposable, IDisposable
{
    public const int MemoryLimit = 1024 * 1024;

    private readonly byte[]? _bytes;
    private readonly string? _path;

    private MessageContent(byte[]? bytes, string? path, long length, string sha256)
    {
        _bytes = bytes;
        _path = path;
        Length = length;
        Sha256 = sha256;
    }

    public long Length { get; }

    /// <summary>Lowercase hex.</summary>
    public string Sha256 { get; }

    /// <summary>The bytes when they are held in memory (up to <see cref="MemoryLimit"/>); null for a message spilled to a file.</summary>
    public ReadOnlyMemory<byte>? InMemory => _bytes is null ? default(ReadOnlyMemory<byte>?) : _bytes.AsMemory();

    public static MessageContent FromBytes(ReadOnlySpan<byte> bytes) => FromBytes(bytes.ToArray());

    private static MessageContent FromBytes(byte[] bytes) =>
        new(bytes, null, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));

    /// <summary>Copies <paramref name="source"/> to its end, hashing as it goes.</summary>
    public static async Task<MessageContent> CopyFromAsync(Stream source, string tempDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var known = source.CanSeek ? source.Length - source.Position : 0;
        if (source.CanSeek && known <= MemoryLimit)
        {
            // The usual case (MailKit hands over each fetched body as a seekable stream): one read into an exact array.
            var bytes = new byte[known];
            await source.ReadExactlyAsync(bytes, cancellationToken);
            return FromBytes(bytes);
        }

        await using var writer = new MessageContentWriter(tempDirectory, known);
        await writer.AppendAsync(source, cancellationToken);
        return await writer.CompleteAsync();
    }

    /// <summary>Takes <paramref name="bytes"/> as they are (no copy), with their hash already computed.</summary>
    internal static MessageContent Owning(byte[] bytes, string sha256) => new(bytes, null, bytes.Length, sha256);

    /// <summary>Takes over the temp file at <paramref name="path"/>: disposing the content deletes it.</summary>
    internal static MessageContent Spilled(string path, long length, string sha256) => new(null, path, length, sha256);

    public Stream OpenRead() =>
        _bytes is not null
            ? new MemoryStream(_bytes, writable: false)
            : new FileStream(_path!, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public void Dispose()
    {
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
