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
