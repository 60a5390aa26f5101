using System.Text;
using BenchmarkDotNet.Attributes;
using Vault.Ingestion.Connections;

namespace Vault.Benchmarks.Micro;

/// <summary>
/// What the protocol logger that keeps the server's last lines costs during an import: one operation is every message of
/// the benchmark mailbox, sent as an IMAP FETCH response, handed to <see cref="ServerResponseRecorder"/> in MailKit's
/// 4 KB reads.
/// </summary>
[MemoryDiagnoser]
public class ProtocolLogBenchmarks
{
    private const int ReadSize = 4096;

    private readonly ServerResponseRecorder recorder = new();
    private byte[] responses = [];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        using var stream = new MemoryStream();
        var greeting = Encoding.ASCII.GetBytes("* OK [CAPABILITY IMAP4rev1] ready\r\n");
        recorder.LogServer(greeting, 0, greeting.Length);
        var uid = 0;
        foreach (var message in await BenchmarkMailbox.LoadAsync(CancellationToken.None))
        {
            stream.Write(Encoding.ASCII.GetBytes($"* {++uid} FETCH (UID {uid} BODY[] {{{message.Length}}}\r\n"));
            stream.Write(message);
            stream.Write(")\r\n"u8);
        }

        responses = stream.ToArray();
        Console.WriteLine($"// {uid} messages, {responses.Length} bytes");
    }

    [Benchmark]
    public int LogServer()
    {
        for (var offset = 0; offset < responses.Length; offset += ReadSize)
        {
            recorder.LogServer(responses, offset, Math.Min(ReadSize, responses.Length - offset));
        }

        return recorder.ToTranscript().LastLines.Count;
    }
}
