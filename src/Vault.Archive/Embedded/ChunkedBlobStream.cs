using Microsoft.Data.Sqlite;

namespace Vault.Archive.Embedded;

/// <summary>
/// The compressed bytes of one message, its <c>blob_chunks</c> rows end to end, over a connection it owns. Each row is
/// read in place through SQLite's incremental blob I/O (<see cref="SqliteBlob"/>), so neither a 200 MB message nor one of
/// its rows is ever loaded whole; seekable, for <see cref="Messages.RawMessageStream"/> to start over.
/// </summary>
internal sealed class ChunkedBlobStream : Stream
{
    private readonly SqliteConnection _connection;
    private readonly long[] _rowIds;
    private readonly long[] _starts;
    private readonly long _length;
    private SqliteBlob? _blob;
    private int _chunk = -1;
    private long _position;

    private ChunkedBlobStream(SqliteConnection connection, long[] rowIds, long[] starts, long length)
    {
        _connection = connection;
        _rowIds = rowIds;
        _starts = starts;
        _length = length;
    }

    /// <summary>Lists the message's rows (their ids and lengths only; SQLite reads a blob's length without its content).</summary>
    public static async Task<ChunkedBlobStream> OpenAsync(SqliteConnection connection, long messageRowId, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid, length(data) FROM blob_chunks WHERE message_rowid = $m ORDER BY seq";
        command.Parameters.AddWithValue("$m", messageRowId);
        var rowIds = new List<long>();
        var starts = new List<long>();
        long length = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rowIds.Add(reader.GetInt64(0));
                starts.Add(length);
                length += reader.GetInt64(1);
            }
        }

        if (rowIds.Count == 0)
        {
            throw new InvalidDataException($"Message row {messageRowId} has no stored bytes.");
        }

        return new ChunkedBlobStream(connection, [.. rowIds], [.. starts], length);
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _position >= _length)
        {
            return 0;
        }

        var chunk = ChunkAt(_position);
        if (chunk != _chunk)
        {
            _blob?.Dispose();
            _blob = new SqliteBlob(_connection, "blob_chunks", "data", _rowIds[chunk], readOnly: true);
            _chunk = chunk;
        }

        _blob!.Position = _position - _starts[chunk];
        var read = _blob.Read(buffer);
        _position += read;
        return read;
    }

    // Microsoft.Data.Sqlite's blob I/O is synchronous; the async overloads only honour cancellation before each read.
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        _position = target;
        return _position;
    }

    /// <summary>The row holding compressed byte <paramref name="position"/>.</summary>
    private int ChunkAt(long position)
    {
        var index = Array.BinarySearch(_starts, position);
        return index >= 0 ? index : ~index - 1;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _blob?.Dispose();
            _connection.Dispose();
        }

        base.Dispose(disposing);
    }
}
