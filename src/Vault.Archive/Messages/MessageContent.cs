using System.Buffers;
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

    public static MessageContent FromBytes(ReadOnlySpan<byte> bytes) => FromBytes(bytes.ToArray());

    private static MessageContent FromBytes(byte[] bytes) =>
        new(bytes, null, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));

    /// <summary>Copies <paramref name="source"/> to its end, hashing as it goes.</summary>
    public static async Task<MessageContent> CopyFromAsync(Stream source, string tempDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.CanSeek && source.Length - source.Position is var known and <= MemoryLimit)
        {
            // The usual case (MailKit hands over each fetched body as a seekable stream): one read into an exact array.
            var bytes = new byte[known];
            await source.ReadExactlyAsync(bytes, cancellationToken);
            return FromBytes(bytes);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        var memory = new MemoryStream();
        FileStream? file = null;
        string? path = null;
        try
        {
            long length = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                length += read;
                try
                {
                    if (file is null && length > MemoryLimit)
                    {
                        Directory.CreateDirectory(tempDirectory);
                        path = Path.Combine(tempDirectory, $"msg-{Guid.NewGuid():N}.tmp");
                        file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 81920, FileOptions.Asynchronous);
                        memory.Position = 0;
                        await memory.CopyToAsync(file, cancellationToken);
                        memory = new MemoryStream();
                    }

                    if (file is not null)
                    {
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    }
                    else
                    {
                        memory.Write(buffer, 0, read);
                    }
                }
                catch (IOException e)
                {
                    throw Spill(e, tempDirectory);
                }
            }

            var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (file is not null)
            {
                try
                {
                    await file.DisposeAsync();
                }
                catch (IOException e)
                {
                    throw Spill(e, tempDirectory);
                }

                file = null;
                return new MessageContent(null, path, length, sha);
            }

            return new MessageContent(memory.ToArray(), null, length, sha);
        }
        catch
        {
            if (file is not null)
            {
                await file.DisposeAsync();
            }

            if (path is not null)
            {
                File.Delete(path);
            }

            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Only the temp file's writes are the archive's failures; a read from the server that fails is the server's.</summary>
    private static ArchiveStorageException Spill(IOException exception, string tempDirectory) =>
        new($"Vault could not write a large message to {tempDirectory}: {exception.Message}", exception) { DiskFull = StorageFailures.IsDiskFull(exception) };

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
