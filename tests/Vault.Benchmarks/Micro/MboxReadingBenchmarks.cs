using System.Text;
using BenchmarkDotNet.Attributes;
using Vault.Ingestion.Files;

namespace Vault.Benchmarks.Micro;

/// <summary>
/// The file import's mbox reader over the 300-message benchmark mailbox written as one mboxrd file: each message is
/// disposed as soon as it is read, as the importer disposes a batch once it is committed.
/// </summary>
[MemoryDiagnoser]
public class MboxReadingBenchmarks
{
    private byte[] mbox = [];
    private string temporaryDirectory = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var messages = await BenchmarkMailbox.LoadAsync(CancellationToken.None);
        using var file = new MemoryStream();
        foreach (var message in messages)
        {
            file.Write("From bench@example.com Thu Jan  1 00:00:00 2026\n"u8);
            // mboxrd: a line that starts with ">"s and "From " gets one more ">".
            var text = Encoding.Latin1.GetString(message);
            foreach (var line in text.Split('\n'))
            {
                var quotes = line.Length - line.TrimStart('>').Length;
                var quoted = line.AsSpan(quotes).StartsWith("From ", StringComparison.Ordinal) ? ">" + line : line;
                file.Write(Encoding.Latin1.GetBytes(quoted + "\n"));
            }
        }

        mbox = file.ToArray();
        temporaryDirectory = Path.Combine(Path.GetTempPath(), $"vault-bench-mbox-{Guid.NewGuid():N}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(temporaryDirectory))
        {
            Directory.Delete(temporaryDirectory, recursive: true);
        }
    }

    [Benchmark]
    public async Task<long> ReadMbox()
    {
        long bytes = 0;
        await foreach (var message in MboxReader.ReadAsync(new MemoryStream(mbox, writable: false), temporaryDirectory))
        {
            bytes += message.Content.Length;
            message.Dispose();
        }

        return bytes;
    }
}
