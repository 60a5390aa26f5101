using System.Buffers;
using ZstdSharp;

namespace Vault.Archive.Messages;

/// <summary>
/// A stored message's raw bytes, decompressed as they are read from its seekable compressed stream (chunk rows, a
/// GridFS file), never held whole. It is seekable so that MimeKit can parse it with persistent content (each part a
/// window on this stream rather than a copy in memory): a seek forward decompresses and discards up to the target, a
/// seek backward starts the decompression over from the first compressed byte. MimeKit reads parts in the order they
/// appear, so a parse and a walk over the parts cost about two decompressions of the message, whatever its size.
/// </summary>
internal sealed class RawMessageStream : Stream
{
    private const int SkipBufferSize = 64 * 1024;

    private readonly Stream _compressed;
    private readonly long _length;
    private DecompressionStream _zstd;
    private long _position;

    /// <param name="compressed">Owned, and disposed with this stream; must be seekable.</param>
    /// <param name="length">The raw size, as recorded when the message was stored.</param>
    public RawMessageStream(Stream compressed, long length)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        if (!compressed.CanSeek)
        {
            throw new ArgumentException("The compressed stream must be seekable.", nameof(compressed));
        }

        _compressed = compressed;
        _length = length;
        _zstd = new DecompressionStream(_compressed, leaveOpen: true);
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
        var read = _zstd.Read(buffer);
        _position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _zstd.ReadAsync(buffer, cancellationToken);
        _position += read;
        return read;
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
        if (target < _position)
        {
            _zstd.Dispose();
            _compressed.Position = 0;
            _zstd = new DecompressionStream(_compressed, leaveOpen: true);
            _position = 0;
        }

        if (target > _position)
        {
            var skip = ArrayPool<byte>.Shared.Rent(SkipBufferSize);
            try
            {
                while (_position < target && Read(skip.AsSpan(0, (int)Math.Min(SkipBufferSize, target - _position))) > 0)
                {
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(skip);
            }
        }

        return _position;
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
            _zstd.Dispose();
            _compressed.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _zstd.DisposeAsync();
        await _compressed.DisposeAsync();
        await base.DisposeAsync();
    }
}
