namespace Vault.Ingestion.Restore;

/// <summary>
/// Reads another stream with every bare LF turned into CRLF: an IMAP message's lines end in CRLF (RFC 3501 §6.3.11
/// appends an RFC 5322 message, whose §2.3 allows CR and LF only together), and servers such as Cyrus refuse bare
/// newlines in APPEND. Mail that came from a server already has CRLF and passes through unchanged; bare CRs inside are
/// left as they are, as Dovecot keeps them, but a bare CR at the very end gains its LF: a trailing CR does not survive an
/// APPEND to Dovecot as it is (a raw APPEND loses it; through MailKit it came back as CRLF), so the bytes that go out
/// are at least known, and counted. <see cref="Repaired"/> counts the line ends changed. The inner stream is the caller's to dispose.
/// </summary>
internal sealed class CrlfStream(Stream inner) : Stream
{
    private readonly byte[] _input = new byte[1 << 16];
    private readonly byte[] _output = new byte[2 << 16];
    private int _outputStart;
    private int _outputEnd;
    private bool _previousWasCr;
    private bool _ended;

    public long Repaired { get; private set; }

    /// <summary>CRs inside the message that no LF follows (kept as they are; a server may not keep them).</summary>
    public long BareCrs { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_outputStart == _outputEnd && !Convert(inner.Read(_input)))
        {
            return 0;
        }

        return Drain(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_outputStart == _outputEnd && !Convert(await inner.ReadAsync(_input, cancellationToken)))
        {
            return 0;
        }

        return Drain(buffer.Span);
    }

    /// <returns>False at the end of the inner stream.</returns>
    private bool Convert(int read)
    {
        if (read == 0)
        {
            if (_ended || !_previousWasCr)
            {
                return false;
            }

            _ended = true;
            _output[0] = (byte)'\n';
            Repaired++;
            _outputStart = 0;
            _outputEnd = 1;
            return true;
        }

        var count = 0;
        foreach (var b in _input.AsSpan(0, read))
        {
            if (_previousWasCr && b != (byte)'\n')
            {
                BareCrs++;
            }

            if (b == (byte)'\n' && !_previousWasCr)
            {
                _output[count++] = (byte)'\r';
                Repaired++;
            }

            _output[count++] = b;
            _previousWasCr = b == (byte)'\r';
        }

        _outputStart = 0;
        _outputEnd = count;
        return true;
    }

    private int Drain(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _outputEnd - _outputStart);
        _output.AsSpan(_outputStart, count).CopyTo(buffer);
        _outputStart += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
