using Microsoft.Data.Sqlite;

namespace Vault.Archive.Embedded;

/// <summary>
/// The compressed bytes of one message, read one <c>blob_chunks</c> row at a time over a connection it owns,
/// so a 50 MB message is never loaded whole. Decompression wraps this stream.
/// </summary>
internal sealed class ChunkedBlobStream : Stream
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _next;
    private readonly SqliteParameter _seq;
    private byte[] _chunk = [];
    private int _offset;
    private long _nextSeq;
    private bool _ended;

    public ChunkedBlobStream(SqliteConnection connection, long messageRowId)
    {
        _connection = connection;
        _next = connection.CreateCommand();
        _next.CommandText = "SELECT data FROM blob_chunks WHERE message_rowid = $m AND seq = $s";
        _next.Parameters.AddWithValue("$m", messageRowId);
        _seq = _next.Parameters.Add("$s", SqliteType.Integer);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_offset == _chunk.Length)
        {
            if (_ended || !LoadNextChunk())
            {
                return 0;
            }
        }

        var n = Math.Min(buffer.Length, _chunk.Length - _offset);
        _chunk.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    // Microsoft.Data.Sqlite runs every command synchronously (its async methods complete inline), so the
    // async overloads only honour cancellation before each chunk.
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private bool LoadNextChunk()
    {
        _seq.Value = _nextSeq;
        if (_next.ExecuteScalar() is not byte[] chunk)
        {
            _ended = true;
            return false;
        }

        _nextSeq++;
        _chunk = chunk;
        _offset = 0;
        return true;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _next.Dispose();
            _connection.Dispose();
        }

        base.Dispose(disposing);
    }
}
