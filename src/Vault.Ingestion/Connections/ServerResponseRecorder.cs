using System.Text;
using MailKit;
using Vault.Ingestion.Errors;

namespace Vault.Ingestion.Connections;

/// <summary>
/// A MailKit protocol logger that keeps only the server's last few lines (tags stripped), so a failure can be
/// explained in the server's own words. Client lines are never looked at: they carry LOGIN and AUTHENTICATE
/// arguments. Bounded in lines and bytes, since during a sync the server sends message bodies.
/// </summary>
public sealed class ServerResponseRecorder : IProtocolLogger
{
    private const int MaxLines = 8;
    private const int MaxLineLength = 1000;

    /// <summary>
    /// The last <see cref="MaxLines"/> lines as the server sent them (up to <see cref="MaxLineLength"/> bytes each), oldest
    /// at <see cref="_oldest"/>; the slot after the newest collects the line being read. They become strings only when a
    /// transcript is asked for: during a sync each read of a message body ends in lines that the next read pushes out.
    /// </summary>
    private readonly byte[][] _slots = Enumerable.Range(0, MaxLines + 1).Select(_ => new byte[MaxLineLength]).ToArray();
    private readonly int[] _lengths = new int[MaxLines + 1];
    private readonly List<string> _alerts = [];
    private int _oldest;
    private int _count;
    private string? _greeting;

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    public Uri? WebAlertUrl { get; set; }

    public bool CertificateRejected { get; set; }

    private int Partial => (_oldest + _count) % _slots.Length;

    public void AddAlert(string alert)
    {
        if (_alerts.Count < MaxLines)
        {
            _alerts.Add(alert);
        }
    }

    public ServerTranscript ToTranscript()
    {
        lock (_slots)
        {
            var lines = new string[_count];
            for (var i = 0; i < _count; i++)
            {
                var slot = (_oldest + i) % _slots.Length;
                lines[i] = WithoutTag(Decode(_slots[slot].AsSpan(0, _lengths[slot])));
            }

            return new ServerTranscript(_greeting, lines, [.. _alerts], WebAlertUrl, CertificateRejected);
        }
    }

    public void LogConnect(Uri uri)
    {
    }

    public void LogClient(byte[] buffer, int offset, int count)
    {
    }

    public void LogServer(byte[] buffer, int offset, int count)
    {
        lock (_slots)
        {
            var span = SkipLinesThatWouldBeDropped(buffer.AsSpan(offset, count));
            while (span.IndexOf((byte)'\n') is var newline and >= 0)
            {
                Append(span[..newline]);
                Complete();
                span = span[(newline + 1)..];
            }

            Append(span);
        }
    }

    /// <summary>Adds a piece of the line being read, without its carriage returns, up to <see cref="MaxLineLength"/> bytes.</summary>
    private void Append(ReadOnlySpan<byte> piece)
    {
        var slot = Partial;
        var line = _slots[slot].AsSpan(_lengths[slot]);
        if (piece.IndexOf((byte)'\r') < 0)
        {
            var copied = Math.Min(piece.Length, line.Length);
            piece[..copied].CopyTo(line);
            _lengths[slot] += copied;
            return;
        }

        foreach (var b in piece)
        {
            if (b != (byte)'\r' && _lengths[slot] < MaxLineLength)
            {
                _slots[slot][_lengths[slot]++] = b;
            }
        }
    }

    /// <summary>
    /// During a sync most of what the server sends is message bodies. Of one read only its last
    /// <see cref="MaxLines"/> non-empty lines can stay, so the lines before them are not copied.
    /// </summary>
    private ReadOnlySpan<byte> SkipLinesThatWouldBeDropped(ReadOnlySpan<byte> span)
    {
        if (_greeting is null)
        {
            return span;
        }

        var end = span.Length;
        var kept = 0;
        while (span[..end].LastIndexOf((byte)'\n') is var newline and >= 0)
        {
            var line = span[(newline + 1)..end];
            if (!line.TrimEnd((byte)'\r').IsEmpty && ++kept > MaxLines)
            {
                // Everything up to and including this line's start is pushed out by the lines after it.
                _lengths[Partial] = 0;
                return span[(newline + 1)..];
            }

            end = newline;
        }

        return span;
    }

    public void Dispose()
    {
    }

    private void Complete()
    {
        var partial = Partial;
        if (_lengths[partial] == 0)
        {
            return;
        }

        _greeting ??= Decode(_slots[partial].AsSpan(0, _lengths[partial]));
        if (_count == MaxLines)
        {
            // The oldest line makes room: its slot collects the next line.
            _oldest = (_oldest + 1) % _slots.Length;
        }
        else
        {
            _count++;
        }

        _lengths[Partial] = 0;
    }

    /// <summary>ASCII as it is; any other byte becomes '?' (ASCII's replacement): a server's words are ASCII, a body's bytes are not text to show.</summary>
    private static string Decode(ReadOnlySpan<byte> line) => Encoding.ASCII.GetString(line);

    /// <summary>"A00000003 NO [AUTHENTICATIONFAILED] ..." -> "NO [AUTHENTICATIONFAILED] ...": the tag means nothing to a person.</summary>
    private static string WithoutTag(string line) =>
        !line.StartsWith('*') && !line.StartsWith('+') && line.IndexOf(' ', StringComparison.Ordinal) is > 0 and var space &&
        !line.StartsWith("+OK", StringComparison.Ordinal) && !line.StartsWith("-ERR", StringComparison.Ordinal)
            ? line[(space + 1)..]
            : line;
}
