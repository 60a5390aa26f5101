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
}
