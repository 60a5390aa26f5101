using System.Security.Cryptography;
using Vault.Ingestion.Restore;

namespace Vault.Ingestion.Tests.Restore;

/// <summary>
/// CrlfStream and LineEndFreeHash against the rules written out byte by byte: random bytes heavy in CR and LF, read in
/// pieces of random size (inner reads that end between a CR and its LF included).
/// </summary>
public sealed class LineEndTests
{
    [Fact]
    public async Task CrlfStream_turns_bare_LFs_into_CRLF_and_counts_as_a_byte_by_byte_reading_would()
    {
        var random = new Random(20261130);
        for (var round = 0; round < 400; round++)
        {
            var input = RandomMailBytes(random, random.Next(0, round % 10 == 0 ? 300_000 : 2_000));
            var (expected, repaired, bareCrs) = ByteByByte(input);

            await using var inner = new ChunkedStream(input, random);
            await using var crlf = new CrlfStream(inner);
            using var output = new MemoryStream();
            var buffer = new byte[random.Next(1, 100_000)];
            int read;
            while ((read = round % 2 == 0 ? await crlf.ReadAsync(buffer, TestContext.Current.CancellationToken) : crlf.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, read);
            }

            Assert.Equal(expected, output.ToArray());
            Assert.Equal(repaired, crlf.Repaired);
            Assert.Equal(bareCrs, crlf.BareCrs);
        }
    }

    [Fact]
    public void A_disposed_CrlfStream_refuses_to_read()
    {
        var crlf = new CrlfStream(new MemoryStream([(byte)'a', (byte)'\n']));
        crlf.Dispose();
        crlf.Dispose();
        Assert.Throws<ObjectDisposedException>(() => crlf.Read(new byte[10]));
    }

    [Fact]
    public void LineEndFreeHash_is_the_hash_of_the_bytes_without_CR_and_LF_however_they_are_cut()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var input = RandomMailBytes(random, random.Next(0, 20_000));
            var expected = SHA256.HashData(input.Where(b => b is not ((byte)'\r' or (byte)'\n')).ToArray());

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var copy = input.ToArray();
            for (var offset = 0; offset < copy.Length;)
            {
                var length = Math.Min(copy.Length - offset, random.Next(1, 5_000));
                LineEndFreeHash.Append(hash, copy.AsSpan(offset, length));
                offset += length;
            }

            Assert.Equal(expected, hash.GetHashAndReset());
        }
    }

    private static byte[] RandomMailBytes(Random random, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = random.Next(8) switch
            {
                0 => (byte)'\r',
                1 => (byte)'\n',
                2 => (byte)random.Next(256),
                _ => (byte)('a' + random.Next(26)),
            };
        }

        return bytes;
    }

    /// <summary>The rules of CrlfStream, one byte at a time.</summary>
    private static (byte[] Output, long Repaired, long BareCrs) ByteByByte(byte[] input)
    {
        var output = new List<byte>();
        long repaired = 0, bareCrs = 0;
        var previousWasCr = false;
        foreach (var b in input)
        {
            if (previousWasCr && b != (byte)'\n')
            {
                bareCrs++;
            }

            if (b == (byte)'\n' && !previousWasCr)
            {
                output.Add((byte)'\r');
                repaired++;
            }

            output.Add(b);
            previousWasCr = b == (byte)'\r';
        }

        if (previousWasCr)
        {
            output.Add((byte)'\n');
            repaired++;
        }

        return ([.. output], repaired, bareCrs);
    }

    /// <summary>Gives its bytes back in pieces of random size, as a network or a decompressing stream may.</summary>
    private sealed class ChunkedStream(byte[] bytes, Random random) : MemoryStream(bytes, writable: false)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, random.Next(1, 70_000))]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, random.Next(1, 70_000))], cancellationToken);
    }
}
