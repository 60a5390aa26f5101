using System.Buffers;

namespace Vault.Ingestion.Restore;

/// <summary>
/// Reads another stream with every bare LF turned into CRLF: an IMAP message's lines end in CRLF (RFC 3501 §6.3.11
/// appends an RFC 5322 message, whose §2.3 allows CR and LF only together), and servers such as Cyrus refuse bare
/// newlines in APPEND. Mail that came from a server already has CRLF and passes through unchanged; bare CRs inside are
/// left as they are, as Dovecot keeps them, but a bare CR at the very end gains its LF: a trailing CR does not survive an
/// APPEND to Dovecot as it is (a raw APPEND loses it; through MailKit it came back as CRLF), so the bytes that go out
/// are at least known, and counted. <see cref="Repaired"/> counts the line ends changed. The inner stream is the caller's to
/// dispose; disposing this one gives its buffers back to the shared pool (a restore reads one of these per message).
/// </summary>
internal sealed class CrlfStream(Stream inner) : Stream
{
    private const int InputSize = 1 << 16;

    private byte[] _input = ArrayPool<byte>.Shared.Rent(InputSize);

    /// <summary>Room for every input byte to be an LF that gains a CR.</summary>
    private byte[] _output = ArrayPool<byte>.Shared.Rent(2 * InputSize);
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
        ObjectDisposedException.ThrowIf(_input.Length == 0, this);
        if (_outputStart == _outputEnd && !Convert(inner.Read(_input.AsSpan(0, InputSize))))
        {
            return 0;
        }

        return Drain(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_input.Length == 0, this);
        if (_outputStart == _outputEnd && !Convert(await inner.ReadAsync(_input.AsMemory(0, InputSize), cancellationToken)))
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

        // Run by run: the bytes up to the next CR or LF are copied as they are.
        var input = _input.AsSpan(0, read);
        var output = _output.AsSpan();
        var count = 0;
        while (!input.IsEmpty)
        {
            var next = input.IndexOfAny((byte)'\r', (byte)'\n');
            var plain = next < 0 ? input : input[..next];
            if (!plain.IsEmpty)
            {
                if (_previousWasCr)
                {
                    BareCrs++;
                    _previousWasCr = false;
                }

                plain.CopyTo(output[count..]);
                count += plain.Length;
            }

            if (next < 0)
            {
                break;
            }

            if (input[next] == (byte)'\n')
            {
                if (!_previousWasCr)
                {
                    output[count++] = (byte)'\r';
                    Repaired++;
                }

                _previousWasCr = false;
            }
            else
            {
                if (_previousWasCr)
                {
                    BareCrs++;
                }

                _previousWasCr = true;
            }

            output[count++] = input[next];
            input = input[(next + 1)..];
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

    protected override void Dispose(bool disposing)
    {
        if (disposing && _input.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_input);
            ArrayPool<byte>.Shared.Return(_output);
            _input = [];
            _output = [];
            _outputStart = _outputEnd = 0;
            _ended = true;
        }

        base.Dispose(disposing);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
