using System.Buffers;
using System.Globalization;
using System.Text;

namespace Vault.Api.Export;

/// <summary>
/// Writes messages as one mboxrd file (RFC 4155 and its mboxrd variant): each message after a
/// <c>From &lt;envelope sender&gt; &lt;asctime date&gt;</c> line, every line that starts with zero or more <c>&gt;</c>
/// then <c>From </c> given one more <c>&gt;</c>, and one empty line after it. A reader that removes one <c>&gt;</c>
/// from such lines and the empty line before the next <c>From </c> gets the stored bytes back, except that a message
/// not ending in a line break gains one (mbox cannot say where such a message ends). The <c>From </c> line and the
/// separator use the message's own line break (CRLF or LF), so a CRLF archive stays CRLF throughout.
/// </summary>
public sealed class MboxWriter(Stream output)
{
    private static readonly byte[] FromSpace = "From "u8.ToArray();

    public long BytesWritten { get; private set; }

    /// <summary>Writes one message; <paramref name="content"/> is read to its end.</summary>
    public async Task AddAsync(string envelopeSender, DateTimeOffset date, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var input = ArrayPool<byte>.Shared.Rent(1 << 16);
        var escaper = new Escaper(output);
        try
        {
            var read = await content.ReadAsync(input.AsMemory(), cancellationToken);
            var newline = FirstLineBreak(input.AsSpan(0, read));
            await WriteRawAsync(Encoding.ASCII.GetBytes($"From {envelopeSender} {AscTime(date)}{newline}"), cancellationToken);
            while (read > 0)
            {
                await escaper.WriteAsync(input.AsMemory(0, read), cancellationToken);
                read = await content.ReadAsync(input.AsMemory(), cancellationToken);
            }

            await escaper.FlushAsync(cancellationToken);
            BytesWritten += escaper.Written;
            var tail = escaper.EndsWithLineBreak ? newline : newline + newline;
            await WriteRawAsync(Encoding.ASCII.GetBytes(tail), cancellationToken);
        }
        finally
        {
            escaper.Dispose();
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    /// <summary>The asctime() form mbox uses (<c>Wed Mar  1 10:01:00 2023</c>), in UTC.</summary>
    public static string AscTime(DateTimeOffset date)
    {
        var t = date.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{t:ddd} {t:MMM} {t.Day,2} {t:HH:mm:ss} {t:yyyy}");
    }

    private static string FirstLineBreak(ReadOnlySpan<byte> start)
    {
        var lf = start.IndexOf((byte)'\n');
        return lf > 0 && start[lf - 1] == '\r' ? "\r\n" : "\n";
    }

    private async Task WriteRawAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await output.WriteAsync(bytes, cancellationToken);
        BytesWritten += bytes.Length;
    }

    /// <summary>
    /// The mboxrd quoting as a streaming state machine: at each line start it counts <c>&gt;</c> characters and matches
    /// <c>From </c> across buffer boundaries without holding the line; once decided, it writes what it held back.
    /// </summary>
    private sealed class Escaper(Stream output) : IDisposable
    {
        private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        private int _used;
        private bool _atLineStart = true;
        private bool _deciding;
        private long _quotes;
        private int _matched;
        private byte _last;

        public long Written { get; private set; }

        public bool EndsWithLineBreak => Written == 0 || _last == '\n';

        public async Task WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
        {
            var i = 0;
            while (i < chunk.Length)
            {
                if (_atLineStart || _deciding)
                {
                    var b = chunk.Span[i];
                    if (_matched == 0 && b == '>')
                    {
                        _atLineStart = false;
                        _deciding = true;
                        _quotes++;
                        i++;
                        continue;
                    }

                    if (b == FromSpace[_matched])
                    {
                        _atLineStart = false;
                        _deciding = true;
                        _matched++;
                        i++;
                        if (_matched == FromSpace.Length)
                        {
                            await EmitHeldAsync(extraQuote: true, cancellationToken);
                        }

                        continue;
                    }

                    // Not a From line: what was held back goes out as it was, and this byte is an ordinary one.
                    await EmitHeldAsync(extraQuote: false, cancellationToken);
                }

                var rest = chunk.Span[i..];
                var lf = rest.IndexOf((byte)'\n');
                var take = lf < 0 ? rest.Length : lf + 1;
                await PutAsync(chunk.Slice(i, take), cancellationToken);
                i += take;
                _atLineStart = lf >= 0;
            }
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_deciding)
            {
                await EmitHeldAsync(extraQuote: false, cancellationToken);
            }

            if (_used > 0)
            {
                await output.WriteAsync(_buffer.AsMemory(0, _used), cancellationToken);
                _used = 0;
            }
        }

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

        /// <summary>Called at every line start; most lines held nothing back, and cost no async state machine.</summary>
        private ValueTask EmitHeldAsync(bool extraQuote, CancellationToken cancellationToken)
        {
            if (_quotes == 0 && _matched == 0 && !extraQuote)
            {
                _deciding = false;
                _atLineStart = false;
                return ValueTask.CompletedTask;
            }

            return new ValueTask(EmitQuotedAsync(extraQuote, cancellationToken));
        }

        private async Task EmitQuotedAsync(bool extraQuote, CancellationToken cancellationToken)
        {
            var quotes = _quotes + (extraQuote ? 1 : 0);
            while (quotes > 0)
            {
                var n = (int)Math.Min(quotes, 4096);
                await PutAsync(Quotes.AsMemory(0, n), cancellationToken);
                quotes -= n;
            }

            await PutAsync(FromSpace.AsMemory(0, _matched), cancellationToken);
            _quotes = 0;
            _matched = 0;
            _deciding = false;
            _atLineStart = false;
        }

        /// <summary>
        /// Called for every line: a line that fits the buffer is copied at once, without an async state machine (a Debug
        /// build allocates one per call); only a full buffer waits on the output.
        /// </summary>
        private ValueTask PutAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
        {
            if (bytes.IsEmpty)
            {
                return ValueTask.CompletedTask;
            }

            if (_used + bytes.Length > _buffer.Length)
            {
                return new ValueTask(PutAfterFlushAsync(bytes, cancellationToken));
            }

            Append(bytes.Span);
            return ValueTask.CompletedTask;
        }

        private async Task PutAfterFlushAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
        {
            await output.WriteAsync(_buffer.AsMemory(0, _used), cancellationToken);
            _used = 0;
            if (bytes.Length > _buffer.Length)
            {
                await output.WriteAsync(bytes, cancellationToken);
                Written += bytes.Length;
                _last = bytes.Span[^1];
            }
            else
            {
                Append(bytes.Span);
            }
        }

        private void Append(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer.AsSpan(_used));
            _used += bytes.Length;
            Written += bytes.Length;
            _last = bytes[^1];
        }

        private static readonly byte[] Quotes = Enumerable.Repeat((byte)'>', 4096).ToArray();
    }
}
