using System.Buffers;

namespace Vault.Archive.Messages;

/// <summary>
/// A read-only stream over an array rented from <see cref="ArrayPool{T}.Shared"/>, returned to the pool when the stream
/// is disposed. Used for a message read back whole from the store: the indexer reads every message once, and a new
/// array each (many of them on the large-object heap) kept the background collector busy. The array is never exposed
/// (<see cref="MemoryStream.GetBuffer"/> throws), and a disposed stream cannot be read, so nothing sees it after its return.
/// </summary>
internal sealed class PooledMemoryStream : MemoryStream
{
    private byte[]? _rented;

    /// <param name="rented">Rented from <see cref="ArrayPool{T}.Shared"/>; owned from here on.</param>
    /// <param name="length">How many of its first bytes are the content.</param>
    public PooledMemoryStream(byte[] rented, int length)
        : base(rented, 0, length, writable: false, publiclyVisible: false)
    {
        _rented = rented;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Interlocked.Exchange(ref _rented, null) is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
