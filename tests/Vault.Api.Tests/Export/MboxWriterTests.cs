using System.Text;
using Vault.Api.Export;
using Vault.Ingestion.Files;

namespace Vault.Api.Tests.Export;

public sealed class MboxWriterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task From_lines_are_quoted_by_mboxrd_rules_and_read_back_unquoted()
    {
        var message = "Subject: x\n\nFrom here\n>From there\n>>From far\nFromage\n From indented\n>Fro\nFrom";
        var output = new MemoryStream();

        await new MboxWriter(output).AddAsync("a@example.org", new DateTimeOffset(2023, 3, 1, 10, 1, 0, TimeSpan.Zero), new MemoryStream(Encoding.ASCII.GetBytes(message)), Ct);

        Assert.Equal(
            "From a@example.org Wed Mar  1 10:01:00 2023\nSubject: x\n\n>From here\n>>From there\n>>>From far\nFromage\n From indented\n>Fro\nFrom\n\n",
            Encoding.ASCII.GetString(output.ToArray()));
        var back = await ReadAllAsync(output.ToArray());
        Assert.Equal(message + "\n", Assert.Single(back));
    }

    [Fact]
    public async Task Quoting_holds_across_buffer_boundaries_and_crlf_messages_keep_crlf()
    {
        // 65,534 bytes of filler put a ">>From " line across the writer's and the reader's 64 KB buffers.
        var filler = new string('a', 65_534 - "Subject: y\r\n\r\n".Length - 2) + "\r\n";
        var message = "Subject: y\r\n\r\n" + filler + ">>From the edge\r\nFrom next\r\n";
        var output = new MemoryStream();
        var writer = new MboxWriter(output);

        await writer.AddAsync("b@example.org", DateTimeOffset.UnixEpoch, new MemoryStream(Encoding.ASCII.GetBytes(message)), Ct);
        await writer.AddAsync("c@example.org", DateTimeOffset.UnixEpoch, new MemoryStream(Encoding.ASCII.GetBytes("Subject: z\r\n\r\nlast\r\n")), Ct);

        var text = Encoding.ASCII.GetString(output.ToArray());
        Assert.StartsWith("From b@example.org Thu Jan  1 00:00:00 1970\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\n>>>From the edge\r\n>From next\r\n\r\nFrom c@example.org ", text, StringComparison.Ordinal);
        Assert.Equal([message, "Subject: z\r\n\r\nlast\r\n"], await ReadAllAsync(output.ToArray()));
    }

    [Fact]
    public async Task Messages_before_and_after_one_too_large_for_memory_read_back_exactly()
    {
        // The reader keeps one buffer for the message it reads and spills to a temp file past 1 MB; each message read is
        // disposed before the next (ReadAllAsync), so the next one reuses the buffer and the pooled arrays.
        var large = "Subject: large\n\n" + string.Concat(Enumerable.Range(0, 60_000).Select(i => $"line {i} of the large one\n"));
        string[] messages =
        [
            "Subject: first\n\n" + string.Concat(Enumerable.Range(0, 2_000).Select(i => $"first {i}\n")),
            large,
            "Subject: after\n\nshort\n",
            "Subject: last\n\n" + string.Concat(Enumerable.Range(0, 500).Select(i => $"last {i}\n")),
        ];
        Assert.True(Encoding.ASCII.GetByteCount(large) > Vault.Archive.Messages.MessageContent.MemoryLimit);
        var output = new MemoryStream();
        var writer = new MboxWriter(output);
        foreach (var message in messages)
        {
            await writer.AddAsync("d@example.org", DateTimeOffset.UnixEpoch, new MemoryStream(Encoding.ASCII.GetBytes(message)), Ct);
        }

        Assert.Equal(messages, await ReadAllAsync(output.ToArray()));
    }

    private static async Task<List<string>> ReadAllAsync(byte[] mbox)
    {
        var messages = new List<string>();
        await foreach (var message in MboxReader.ReadAsync(new MemoryStream(mbox), Path.GetTempPath(), cancellationToken: Ct))
        {
            using (message)
            {
                using var content = message.Content.OpenRead();
                using var reader = new StreamReader(content, Encoding.ASCII);
                messages.Add(await reader.ReadToEndAsync(Ct));
            }
        }

        return messages;
    }
}
