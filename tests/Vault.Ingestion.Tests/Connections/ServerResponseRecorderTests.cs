using System.Text;
using Vault.Ingestion.Connections;

namespace Vault.Ingestion.Tests.Connections;

public sealed class ServerResponseRecorderTests
{
    [Fact]
    public void A_long_read_keeps_exactly_the_lines_a_line_by_line_reading_would_keep()
    {
        var body = string.Concat(Enumerable.Range(1, 5000).Select(i => $"body line {i}\r\n" + (i % 7 == 0 ? "\r\n" : "")));
        var reads = new[]
        {
            "* OK [CAPABILITY IMAP4rev1] ready\r\n",
            "* 1 FETCH (UID 7 BODY[] {123}\r\n" + body + ")\r\nA00000004 NO [UNAVAILABLE] Try ",
            "again later\r\n* BYE server shutting down\r\n",
        };

        var recorder = new ServerResponseRecorder();
        foreach (var read in reads)
        {
            var bytes = Encoding.ASCII.GetBytes(read);
            recorder.LogServer(bytes, 0, bytes.Length);
        }

        var expected = new ServerResponseRecorder();
        foreach (var b in Encoding.ASCII.GetBytes(string.Concat(reads)))
        {
            expected.LogServer([b], 0, 1);
        }

        // Body lines lose their first word like a tag would: the recorder cannot tell a literal from a response.
        var transcript = recorder.ToTranscript();
        Assert.Equal(expected.ToTranscript().LastLines, transcript.LastLines);
        Assert.Equal("* OK [CAPABILITY IMAP4rev1] ready", transcript.Greeting);
        Assert.Equal(["line 4998", "line 4999", "line 5000", ")", "NO [UNAVAILABLE] Try again later", "* BYE server shutting down"], transcript.LastLines.TakeLast(6));
    }

    [Fact]
    public void Any_cut_of_the_stream_into_reads_keeps_the_last_lines_and_the_greeting()
    {
        var random = new Random(20261130);
        for (var round = 0; round < 300; round++)
        {
            // Untagged lines ("* ..."), so the transcript shows them as they are: carriage returns anywhere, empty lines,
            // lines of only carriage returns, and lines longer than the 1,000 bytes kept.
            var stream = new StringBuilder();
            var lineCount = random.Next(0, 60);
            for (var i = 0; i < lineCount; i++)
            {
                var kind = random.Next(10);
                stream.Append(kind switch
                {
                    0 => string.Empty,
                    1 => new string('\r', random.Next(1, 3)),
                    2 => "* " + new string((char)('a' + random.Next(26)), random.Next(990, 2500)),
                    _ => "* " + RandomText(random, random.Next(0, 120)),
                });
                stream.Append(random.Next(4) == 0 ? "\n" : "\r\n");
            }

            stream.Append(RandomText(random, random.Next(0, 30)));
            var bytes = Encoding.ASCII.GetBytes(stream.ToString());

            var recorder = new ServerResponseRecorder();
            for (var offset = 0; offset < bytes.Length;)
            {
                var length = Math.Min(bytes.Length - offset, random.Next(3) == 0 ? random.Next(1, 8) : random.Next(1, 6000));
                recorder.LogServer(bytes, offset, length);
                offset += length;
            }

            var completed = stream.ToString().Split('\n')[..^1]
                .Select(line => line.Replace("\r", string.Empty, StringComparison.Ordinal))
                .Select(line => line.Length > 1000 ? line[..1000] : line)
                .Where(line => line.Length > 0)
                .ToList();
            var transcript = recorder.ToTranscript();
            Assert.Equal(completed.FirstOrDefault(), transcript.Greeting);
            Assert.Equal(completed.TakeLast(8), transcript.LastLines);
        }
    }

    private static string RandomText(Random random, int length)
    {
        const string characters = "abc xyz 0123 ()[]{}*+-\r";
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = characters[r.Next(characters.Length)];
            }
        });
    }

    [Fact]
    public void Lines_are_cut_at_1000_characters_and_bytes_outside_ascii_show_as_question_marks()
    {
        var recorder = new ServerResponseRecorder();
        var reads = new[]
        {
            Encoding.ASCII.GetBytes("* OK ready\r\n"),
            [.. Encoding.ASCII.GetBytes("A1 NO caf"), 0xC3, 0xA9, .. Encoding.ASCII.GetBytes(" closed\r\n")],
            Encoding.ASCII.GetBytes(new string('x', 5000) + "\r\n"),
        };
        foreach (var read in reads)
        {
            recorder.LogServer(read, 0, read.Length);
        }

        var transcript = recorder.ToTranscript();
        Assert.Equal("* OK ready", transcript.Greeting);
        Assert.Equal(["* OK ready", "NO caf?? closed", new string('x', 1000)], transcript.LastLines);
    }

    [Fact]
    public void Message_bodies_read_through_the_recorder_allocate_nothing()
    {
        var recorder = new ServerResponseRecorder();
        var greeting = Encoding.ASCII.GetBytes("* OK ready\r\n");
        recorder.LogServer(greeting, 0, greeting.Length);
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 200).Select(i => $"a line of a message body, number {i}\r\n")));

        void ReadBody()
        {
            for (var offset = 0; offset < body.Length; offset += 4096)
            {
                recorder.LogServer(body, offset, Math.Min(4096, body.Length - offset));
            }
        }

        // Once first, so nothing the runtime does the first time a path runs is counted.
        ReadBody();
        var before = GC.GetAllocatedBytesForCurrentThread();
        ReadBody();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        // Its first word goes as a tag would: the recorder cannot tell a literal from a response.
        Assert.Equal("line of a message body, number 200", recorder.ToTranscript().LastLines[^1]);
    }
}
