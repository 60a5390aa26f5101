using System.Buffers;
using System.Security.Cryptography;

namespace Vault.Archive.Messages;

/// <summary>
/// Receives one message's bytes as they arrive, in as many pieces as the server sends (an IMAP partial fetch, a RETR),
/// hashing them as they come: up to <see cref="MessageContent.MemoryLimit"/> in memory, the rest in a temp file, so a
/// 200 MB message costs a copy buffer, not 200 MB. <see cref="Complete"/> hands the bytes over as a
/// <see cref="MessageContent"/>; disposing an unfinished writer deletes its temp file.
/// </summary>
public sealed class MessageContentWriter : IAsyncDisposable
{
    private const int CopyBufferSize = 81920;

    private readonly string _tempDirectory;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private MemoryStream? _memory;
    private FileStream? _file;
    private string? _path;
    private bool _completed;

    /// <param name="expectedLength">What the server announced (RFC822.SIZE, LIST): beyond the memory limit the bytes go straight to a file.</param>
    public MessageContentWriter(string tempDirectory, long expectedLength = 0)
    {
        _tempDirectory = tempDirectory;
        if (expectedLength <= MessageContent.MemoryLimit)
        {
            _memory = new MemoryStream((int)Math.Max(expectedLength, 0));
        }
    }

    public long Length { get; private set; }

    /// <summary>
    /// Deletes the temp files of fetches that never finished (a kill -9 mid-message leaves one behind; its batch was never
    /// committed and the message is fetched again). Only for a process start, before anything fetches.
    /// </summary>
    /// <returns>How many files were deleted.</returns>
    public static int DeleteLeftovers(string tempDirectory)
    {
        if (!Directory.Exists(tempDirectory))
        {
            return 0;
        }

        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(tempDirectory, "msg-*.tmp"))
        {
            File.Delete(file);
            deleted++;
        }

        return deleted;
    }

    /// <summary>Appends <paramref name="source"/> to its end; returns how many bytes it held.</summary>
    public async Task<long> AppendAsync(Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(_completed, this);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            long appended = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken)) > 0)
            {
                await WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                appended += read;
            }

            return appended;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The bytes received so far, hashed; the writer is done with them (and its temp file, now the content's).</summary>
    public async Task<MessageContent> CompleteAsync()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        var sha = Convert.ToHexStringLower(_hash.GetHashAndReset());
        if (_file is null)
        {
            var memory = _memory ?? new MemoryStream();
            _memory = null;
            return MessageContent.Owning(memory.Length == memory.Capacity ? memory.GetBuffer() : memory.ToArray(), sha);
        }

        try
        {
            await _file.DisposeAsync();
        }
        catch (IOException e)
        {
            throw Spill(e);
        }

        _file = null;
        var path = _path!;
        _path = null;
        return MessageContent.Spilled(path, Length, sha);
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        _hash.AppendData(bytes.Span);
        Length += bytes.Length;
        try
        {
            if (_file is null && (_memory is null || Length > MessageContent.MemoryLimit))
            {
                Directory.CreateDirectory(_tempDirectory);
                _path = Path.Combine(_tempDirectory, $"msg-{Guid.NewGuid():N}.tmp");
                _file = new FileStream(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, CopyBufferSize, FileOptions.Asynchronous);
                if (_memory is { Length: > 0 })
                {
                    await _file.WriteAsync(_memory.GetBuffer().AsMemory(0, (int)_memory.Length), cancellationToken);
                }

                _memory = null;
            }

            if (_file is not null)
            {
                await _file.WriteAsync(bytes, cancellationToken);
            }
            else
            {
                _memory!.Write(bytes.Span);
            }
        }
        catch (IOException e)
        {
            // Only the temp file's writes are the archive's failures; a read from the server that fails is the server's.
            throw Spill(e);
        }
    }

    private ArchiveStorageException Spill(IOException exception) =>
        new($"Vault could not write a large message to {_tempDirectory}: {exception.Message}", exception) { DiskFull = StorageFailures.IsDiskFull(exception) };

    public async ValueTask DisposeAsync()
    {
        _hash.Dispose();
        if (_file is not null)
        {
            await _file.DisposeAsync();
            _file = null;
        }

        if (_path is not null)
        {
            File.Delete(_path);
            _path = null;
        }
    }
}
