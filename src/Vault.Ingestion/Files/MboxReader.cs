using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Vault.Archive.Messages;

namespace Vault.Ingestion.Files;

/// <summary>
/// Splits an mbox (RFC 4155) into messages as it streams: a line that starts with <c>From </c> begins the next message;
/// a line that starts with one or more <c>&gt;</c> then <c>From </c> loses one <c>&gt;</c> (mboxrd; for mboxo files the
/// same rule restores what the writer quoted); the empty line a writer puts before each <c>From </c> line is removed.
/// What mboxrd writes is read back byte for byte. Like MimeKit's mbox parser, a <c>From </c> line ends a message
/// even without an empty line before it (Netscape wrote those), and a <c>From </c> line that a writer left unquoted in a
/// body splits that message: without Content-Length (which this reader does not trust) no reader can tell.
/// Lines are never held whole: a 100 MB line streams through. A message is kept in memory up to
/// <see cref="MessageContent.MemoryLimit"/> and in a temp file beyond.
/// </summary>
public static class MboxReader
{
    private static readonly byte[] FromSpace = "From "u8.ToArray();
    private const int MaxFromLine = 1000;

    /// <param name="leadingJunk">Told how many bytes before the first <c>From </c> line were not white space (0: none).</param>
    public static async IAsyncEnumerable<MboxMessage> ReadAsync(
        Stream input, string temporaryDirectory, Action<long>? leadingJunk = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        var state = new State(temporaryDirectory);
        try
        {
            var first = true;
            int read;
            while ((read = await input.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
            {
                var start = 0;
                if (first)
                {
                    first = false;
                    // A UTF-8 byte order mark before the first From line (mimekit's unmunged.mbox has one).
                    if (read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
                    {
                        start = 3;
                        state.Offset = 3;
                    }
                }

                foreach (var message in await state.FeedAsync(buffer.AsMemory(start, read - start), cancellationToken))
                {
                    yield return message;
                }
            }

            if (await state.FinishAsync(cancellationToken) is { } last)
            {
                yield return last;
            }

            if (state.JunkBytes > 0)
            {
                leadingJunk?.Invoke(state.JunkBytes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            state.Dispose();
        }
    }

    private sealed class State(string temporaryDirectory) : IDisposable
    {
        private readonly StringBuilder _fromLine = new();
        /// <summary>The message being read while it fits in memory: one stream, emptied for each message, so its buffer is reused.</summary>
        private readonly MemoryStream _memory = new();
        private Stream? _message;
        private string _currentFromLine = string.Empty;
        private long _currentOffset;
        private int _number;
        private bool _atLineStart = true;
        private bool _deciding;
        private bool _inFromLine;
        private long _quotes;
        private int _matched;
        private long _lineStartOffset;
        private uint _tail;
        private long _written;

        public long Offset { get; set; }

        public long JunkBytes { get; private set; }

        public async Task<List<MboxMessage>> FeedAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
        {
            var done = new List<MboxMessage>();
            var i = 0;
            while (i < chunk.Length)
            {
                if (_inFromLine)
                {
                    var lf = chunk.Span[i..].IndexOf((byte)'\n');
                    var take = lf < 0 ? chunk.Length - i : lf + 1;
                    if (_fromLine.Length < MaxFromLine)
                    {
                        _fromLine.Append(Encoding.Latin1.GetString(chunk.Span.Slice(i, Math.Min(take, MaxFromLine - _fromLine.Length))));
                    }

                    i += take;
                    Offset += take;
                    if (lf >= 0)
                    {
                        if (await CompleteAsync(cancellationToken) is { } message)
                        {
                            done.Add(message);
                        }

                        _currentFromLine = _fromLine.ToString().TrimEnd('\r', '\n');
                        _fromLine.Clear();
                        _inFromLine = false;
                        _atLineStart = true;
                        _lineStartOffset = Offset;
                        _memory.SetLength(0);
                        _message = _memory;
                        _number++;
                    }

                    continue;
                }

                if (_atLineStart || _deciding)
                {
                    if (!_deciding)
                    {
                        _lineStartOffset = Offset;
                    }

                    var b = chunk.Span[i];
                    if (_matched == 0 && b == '>')
                    {
                        Take(ref i);
                        _quotes++;
                        continue;
                    }

                    if (b == FromSpace[_matched])
                    {
                        Take(ref i);
                        _matched++;
                        if (_matched == FromSpace.Length)
                        {
                            if (_quotes == 0)
                            {
                                // A separator: the rest of this line is the next message's From line.
                                _currentOffset = _lineStartOffset;
                                _fromLine.Append("From ");
                                _inFromLine = true;
                                _quotes = 0;
                                _matched = 0;
                                _deciding = false;
                                _atLineStart = false;
                            }
                            else
                            {
                                _quotes--;
                                await ReleaseAsync(cancellationToken);
                            }
                        }

                        continue;
                    }

                    await ReleaseAsync(cancellationToken);
                }

                var newline = chunk.Span[i..].IndexOf((byte)'\n');
                var length = newline < 0 ? chunk.Length - i : newline + 1;
                await EmitAsync(chunk.Slice(i, length), cancellationToken);
                i += length;
                Offset += length;
                _atLineStart = newline >= 0;
            }

            return done;
        }

        public async Task<MboxMessage?> FinishAsync(CancellationToken cancellationToken)
        {
            if (_deciding)
            {
                await ReleaseAsync(cancellationToken);
            }

            // A From line at the very end, without even a line break after it, starts no message.
            return await CompleteAsync(cancellationToken);
        }

        public void Dispose()
        {
            _message?.Dispose();
            _memory.Dispose();
        }

        private void Take(ref int i)
        {
            i++;
            Offset++;
            _atLineStart = false;
            _deciding = true;
        }

        /// <summary>Not a separator after all: what was held back is ordinary content.</summary>
        private async Task ReleaseAsync(CancellationToken cancellationToken)
        {
            while (_quotes > 0)
            {
                var n = (int)Math.Min(_quotes, Quotes.Length);
                await EmitAsync(Quotes.AsMemory(0, n), cancellationToken);
                _quotes -= n;
            }

            await EmitAsync(FromSpace.AsMemory(0, _matched), cancellationToken);
            _matched = 0;
            _deciding = false;
            _atLineStart = false;
        }

        private async Task EmitAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
        {
            if (bytes.IsEmpty)
            {
                return;
            }

            if (_message is null)
            {
                // Before the first From line: not part of any message; white space there is harmless.
                foreach (var b in bytes.Span)
                {
                    if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                    {
                        JunkBytes++;
                    }
                }

                return;
            }

            if (_message is MemoryStream memory && memory.Length + bytes.Length > MessageContent.MemoryLimit)
            {
                Directory.CreateDirectory(temporaryDirectory);
                var file = new FileStream(
                    Path.Combine(temporaryDirectory, $"mbox-{Guid.NewGuid():N}.tmp"),
                    FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                memory.Position = 0;
                await memory.CopyToAsync(file, cancellationToken);
                _message = file;
            }

            await _message.WriteAsync(bytes, cancellationToken);
            _written += bytes.Length;
            foreach (var b in bytes.Span[Math.Max(0, bytes.Length - 4)..])
            {
                _tail = (_tail << 8) | b;
            }
        }

        /// <summary>The message being read, without the empty line that separated it from the next From line.</summary>
        private async Task<MboxMessage?> CompleteAsync(CancellationToken cancellationToken)
        {
            var stream = _message;
            if (stream is null)
            {
                return null;
            }

            _message = null;
            // A spilled message's temp file is closed (and deleted) here; the reused memory stream stays open.
            await using (stream == _memory ? null : stream)
            {
                var length = _written;
                if (length >= 4 && _tail == 0x0D0A0D0A)
                {
                    length -= 2;
                }
                else if (length >= 2 && (_tail & 0xFFFF) == 0x0A0A)
                {
                    length -= 1;
                }

                _written = 0;
                _tail = 0;
                stream.SetLength(length);
                stream.Position = 0;
                // Pooled: the importer disposes each message once its batch is committed (the indexer holds what it was handed).
                var content = await MessageContent.CopyFromAsync(stream, temporaryDirectory, pooled: true, cancellationToken);
                return new MboxMessage(_number, _currentOffset, _currentFromLine, content);
            }
        }

        private static readonly byte[] Quotes = Enumerable.Repeat((byte)'>', 4096).ToArray();
    }
}
