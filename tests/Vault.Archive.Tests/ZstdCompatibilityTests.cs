using System.Text;

namespace Vault.Archive.Tests;

/// <summary>
/// The embedded store compresses small messages with native zstd (ZstdNet) and large ones, and every archive written
/// before, with ZstdSharp: each must read the other's frames, byte-exact.
/// </summary>
public sealed class ZstdCompatibilityTests
{
    [Fact]
    public void Frames_of_either_library_decompress_with_the_other()
    {
        var message = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"Line {i}: the quick brown fox {i * 7919 % 1000}\r\n")));

        using var managed = new ZstdSharp.Compressor(1);
        var old = managed.Wrap(message).ToArray();
        using var nativeDecompressor = new ZstdNet.Decompressor();
        var fromOld = new byte[message.Length];
        Assert.Equal(message.Length, nativeDecompressor.Unwrap(old, fromOld));
        Assert.Equal(message, fromOld);

        using var native = new ZstdNet.Compressor(new ZstdNet.CompressionOptions(1));
        var compressed = new byte[ZstdSharp.Compressor.GetCompressBound(message.Length)];
        var written = native.Wrap(message, compressed);
        Assert.True(written < message.Length / 2);
        using var managedDecompressor = new ZstdSharp.Decompressor();
        Assert.Equal(message, managedDecompressor.Unwrap(compressed.AsSpan(0, written)).ToArray());
    }
}
