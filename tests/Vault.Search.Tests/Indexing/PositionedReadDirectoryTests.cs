using Lucene.Net.Store;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Search.Tests.Indexing;

public sealed class PositionedReadDirectoryTests
{
    /// <summary>Bytes no two positions share, so a read from the wrong place shows.</summary>
    private static byte At(long position) => (byte)((position * 7 + position / 251) % 256);

    [Fact]
    public void Reads_seeks_clones_and_large_reads_return_the_bytes_written()
    {
        using var data = new TempDirectory("vault-pread");
        const int size = 50_000;
        using var directory = new PositionedReadDirectory(data.Path);
        using (var output = directory.CreateOutput("f.doc", IOContext.DEFAULT))
        {
            for (long i = 0; i < size; i++)
            {
                output.WriteByte(At(i));
            }
        }

        using var input = directory.OpenInput("f.doc", IOContext.READ);
        Assert.Equal(size, input.Length);
        for (long i = 0; i < 3000; i++)
        {
            Assert.Equal(At(i), input.ReadByte());
        }

        // Backwards and forwards across buffers, and a read larger than the buffer (read straight into the caller's array).
        foreach (var position in new long[] { 40_000, 17, 4095, 4096, 49_999 })
        {
            input.Seek(position);
            Assert.Equal(At(position), input.ReadByte());
        }

        var large = new byte[20_000];
        input.Seek(12_345);
        input.ReadBytes(large, 0, large.Length);
        Assert.Equal(Enumerable.Range(12_345, large.Length).Select(i => At(i)), large);

        // A clone keeps its own position and survives its own disposal; the original still reads after it.
        var clone = (IndexInput)input.Clone();
        clone.Seek(30_000);
        input.Seek(100);
        Assert.Equal(At(30_000), clone.ReadByte());
        Assert.Equal(At(100), input.ReadByte());
        clone.Dispose();
        Assert.Equal(At(101), input.ReadByte());
    }

    [Fact]
    public void Reading_past_the_end_is_an_end_of_stream_error()
    {
        using var data = new TempDirectory("vault-pread");
        using var directory = new PositionedReadDirectory(data.Path);
        using (var output = directory.CreateOutput("f.tim", IOContext.DEFAULT))
        {
            output.WriteBytes(new byte[100], 100);
        }

        using var input = directory.OpenInput("f.tim", IOContext.READ);
        input.Seek(90);
        Assert.Throws<EndOfStreamException>(() => input.ReadBytes(new byte[20], 0, 20));
    }

    [Fact]
    public void Closing_the_input_closes_its_file()
    {
        using var data = new TempDirectory("vault-pread");
        using var directory = new PositionedReadDirectory(data.Path);
        using (var output = directory.CreateOutput("f.pos", IOContext.DEFAULT))
        {
            output.WriteByte(1);
        }

        var file = Path.Combine(data.Path, "f.pos");
        var input = directory.OpenInput("f.pos", IOContext.READ);
        Assert.Contains(file, OpenFiles());
        input.Dispose();
        Assert.DoesNotContain(file, OpenFiles());
    }

    private static List<string> OpenFiles() =>
        System.IO.Directory.EnumerateFiles("/proc/self/fd").Select(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget ?? "";
            }
            catch (IOException)
            {
                return "";
            }
        }).ToList();
}
