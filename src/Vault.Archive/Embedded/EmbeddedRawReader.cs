using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Vault.Archive.Messages;

namespace Vault.Archive.Embedded;

/// <summary>
/// Opens a message's stored bytes: a small message is decompressed in one call (with a pooled decompression
/// context of native zstd), a large one is streamed chunk by chunk through <see cref="ChunkedBlobStream"/>. Either is seekable.
/// </summary>
internal sealed class EmbeddedRawReader : IDisposable
{
    private readonly ConcurrentBag<ZstdNet.Decompressor> _decompressors = [];

    /// <summary>Takes ownership of <paramref name="connection"/>: it is disposed here, or by the returned stream.</summary>
    public async Task<Stream?> OpenAsync(SqliteConnection connection, string messageId, CancellationToken cancellationToken)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT rowid, size FROM messages WHERE id = $id";
            command.Parameters.AddWithValue("$id", messageId);
            (long RowId, long Size)? row = null;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    row = (reader.GetInt64(0), reader.GetInt64(1));
                }
            }

            if (row is not var (rowId, size))
            {
                await connection.DisposeAsync();
                return null;
            }

            if (size <= EmbeddedArchiveStore.SmallMessage)
            {
                await using (connection)
                {
                    return await ReadSmallAsync(connection, rowId, (int)size, cancellationToken);
                }
            }

            // The chunk stream owns the connection from here; disposing the raw stream disposes both.
            return new RawMessageStream(await ChunkedBlobStream.OpenAsync(connection, rowId, cancellationToken), size);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A message of at most <see cref="EmbeddedArchiveStore.SmallMessage"/> bytes, decompressed in one call into exactly its
    /// size. Both the compressed bytes and the message are in pooled arrays: the first is returned here, the second when
    /// the caller disposes the stream. Its rows are read through <see cref="RawStatement"/>: each row's bytes are copied
    /// from SQLite's memory straight into the pooled array, where <see cref="SqliteDataReader.GetBytes"/> first copies a
    /// row into an array of its own (200 MB allocated per 10,000 messages read back, a third of it large objects).
    /// </summary>
    private Task<Stream> ReadSmallAsync(SqliteConnection connection, long rowId, int size, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var compressed = ArrayPool<byte>.Shared.Rent(Math.Max(size / 2, 4096));
        var raw = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            var length = 0;
            var rows = 0;
            using (var select = new RawStatement(connection, "SELECT data FROM blob_chunks WHERE message_rowid = ?1 ORDER BY seq"))
            {
                select.Bind(1, rowId);
                while (select.Step())
                {
                    rows++;
                    var chunk = select.Blob(0);
                    if (length + chunk.Length > compressed.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(length + chunk.Length);
                        compressed.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(compressed);
                        compressed = larger;
                    }

                    chunk.CopyTo(compressed.AsSpan(length));
                    length += chunk.Length;
                }
            }

            if (rows == 0)
            {
                throw new InvalidDataException($"Message row {rowId} has no stored bytes.");
            }

            var written = Decompress(compressed.AsSpan(0, length), raw.AsSpan(0, size));
            if (written != size)
            {
                throw new InvalidDataException($"Message row {rowId} decompressed to {written} bytes, not {size}.");
            }

            Stream stream = new PooledMemoryStream(raw, size);
            raw = null;
            return Task.FromResult(stream);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
            if (raw is not null)
            {
                ArrayPool<byte>.Shared.Return(raw);
            }
        }
    }

    private int Decompress(ReadOnlySpan<byte> compressed, Span<byte> raw)
    {
        if (!_decompressors.TryTake(out var decompressor))
        {
            decompressor = new ZstdNet.Decompressor();
        }

        try
        {
            var written = decompressor.Unwrap(compressed, raw);
            _decompressors.Add(decompressor);
            return written;
        }
        catch
        {
            decompressor.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        while (_decompressors.TryTake(out var decompressor))
        {
            decompressor.Dispose();
        }
    }
}
