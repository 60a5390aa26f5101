using Lucene.Net.Codecs.Compressing;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace Vault.Search.Indexing;

/// <summary>
/// Stored-field chunks compressed with native zstd: each chunk is its compressed length and one zstd frame. Lucene.NET's
/// LZ4 reads a chunk byte by byte from the mapped file and was about a quarter of a search's CPU time; this reads the
/// chunk in one call and decompresses it natively, and it compresses the previews better than LZ4 too.
/// One instance: Lucene copies a segment's chunks unchanged in a merge only when the compression mode is the same object.
/// </summary>
public sealed class ZstdCompressionMode : CompressionMode
{
    /// <summary>zstd's default level: a chunk is small, so the cost is small, and the index is on disk for years.</summary>
    private const int Level = 3;

    public static ZstdCompressionMode Instance { get; } = new();

    private ZstdCompressionMode()
    {
    }

    public override Compressor NewCompressor() => new ZstdCompressor();

    public override Decompressor NewDecompressor() => new ZstdDecompressor();

    public override string ToString() => "ZSTD";

    /// <summary>
    /// Native contexts are not thread-safe and Lucene clones a decompressor per thread and segment; one context per thread,
    /// kept for the thread's life, serves them all without a native context per clone.
    /// </summary>
    private static class Contexts
    {
        [ThreadStatic]
        private static ZstdNet.Compressor? _compressor;

        [ThreadStatic]
        private static ZstdNet.Decompressor? _decompressor;

        [ThreadStatic]
        private static byte[]? _buffer;

        public static ZstdNet.Compressor Compressor => _compressor ??= new ZstdNet.Compressor(new ZstdNet.CompressionOptions(Level));

        public static ZstdNet.Decompressor Decompressor => _decompressor ??= new ZstdNet.Decompressor();

        public static byte[] Buffer(int size)
        {
            if (_buffer is null || _buffer.Length < size)
            {
                _buffer = new byte[ArrayUtil.Oversize(size, 1)];
            }

            return _buffer;
        }
    }

    private sealed class ZstdCompressor : Compressor
    {
        public override void Compress(byte[] bytes, int off, int len, DataOutput output)
        {
            var compressed = Contexts.Buffer(ZstdNet.Compressor.GetCompressBound(len));
            var written = Contexts.Compressor.Wrap(bytes.AsSpan(off, len), compressed);
            output.WriteVInt32(written);
            output.WriteBytes(compressed, 0, written);
        }
    }

    private sealed class ZstdDecompressor : Decompressor
    {
        public override void Decompress(DataInput input, int originalLength, int offset, int length, BytesRef bytes)
        {
            var size = input.ReadVInt32();
            if (size < 0 || size > ZstdNet.Compressor.GetCompressBound(originalLength))
            {
                // Damage, not data: never allocate what a corrupt length asks for.
                throw new CorruptIndexException($"A stored-fields chunk claims {size} compressed bytes for {originalLength}: {input}");
            }

            var compressed = Contexts.Buffer(size);
            input.ReadBytes(compressed, 0, size);
            if (bytes.Bytes.Length < originalLength)
            {
                bytes.Bytes = new byte[ArrayUtil.Oversize(originalLength, 1)];
            }

            var written = originalLength == 0 ? 0 : Contexts.Decompressor.Unwrap(compressed.AsSpan(0, size), bytes.Bytes.AsSpan(0, originalLength));
            if (written != originalLength)
            {
                throw new CorruptIndexException($"A stored-fields chunk decompressed to {written} bytes, not {originalLength}: {input}");
            }

            bytes.Offset = offset;
            bytes.Length = length;
        }

        public override object Clone() => new ZstdDecompressor();
    }
}
