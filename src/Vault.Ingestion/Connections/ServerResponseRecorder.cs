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

    private readonly Queue<string> _lines = new();
    private readonly List<string> _alerts = [];
    private readonly StringBuilder _partial = new();
    private string? _greeting;

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    public Uri? WebAlertUrl { get; set; }

    public bool CertificateRejected { get; set; }

    public void AddAlert(string alert)
    {
        if (_alerts.Count < MaxLines)
        {
            _alerts.Add(alert);
        }
    }

    public ServerTranscript ToTranscript()
    {
        lock (_lines)
        {
            return new ServerTranscript(_greeting, [.. _lines], [.. _alerts], WebAlertUrl, CertificateRejected);
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
        lock (_lines)
        {
            var span = SkipLinesThatWouldBeDropped(buffer.AsSpan(offset, count));
            foreach (var b in span)
            {
                if (b == (byte)'\n')
                {
                    Complete();
                }
                else if (b != (byte)'\r' && _partial.Length < MaxLineLength)
                {
                    _partial.Append(b < 0x80 ? (char)b : '?');
                }
            }
        }
    }

    /// <summary>
    /// During a sync most of what the server sends is message bodies. Of one read only its last
    /// <see cref="MaxLines"/> non-empty lines can stay in the queue, so the lines before them are not decoded at all.
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
                _partial.Clear();
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
        var line = _partial.ToString();
        _partial.Clear();
        if (line.Length == 0)
        {
            return;
        }

        _greeting ??= line;
        if (!line.StartsWith('*') && !line.StartsWith('+') && line.IndexOf(' ', StringComparison.Ordinal) is > 0 and var space &&
            !line.StartsWith("+OK", StringComparison.Ordinal) && !line.StartsWith("-ERR", StringComparison.Ordinal))
        {
            // "A00000003 NO [AUTHENTICATIONFAILED] ..." -> "NO [AUTHENTICATIONFAILED] ...": the tag means nothing to a person.
            line = line[(space + 1)..];
        }

        _lines.Enqueue(line);
        while (_lines.Count > MaxLines)
        {
            _lines.Dequeue();
        }
    }
}
