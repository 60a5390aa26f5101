using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Vault.Api.Export;

/// <summary>
/// Writes a zip (PKWARE APPNOTE 6.3.x) of stored entries front to back, never seeking: an HTTP response body works.
/// Each entry's size and CRC-32 are known before its local header (the caller hashes first), so no data descriptors are
/// needed and every reader, streaming ones included, can read it. The central directory goes to a temp file as entries
/// are written and is copied out at the end, so memory stays the same for ten entries or a million. Zip64 records
/// (APPNOTE §4.5.3, §4.3.14) are added only where an offset or the entry count outgrows the classic fields.
/// Not <see cref="System.IO.Compression.ZipArchive"/>: in Create mode on an unseekable stream it keeps every entry in
/// memory until disposed and writes parts of each entry synchronously, which Kestrel refuses.
/// </summary>
public sealed class ZipStreamWriter : IAsyncDisposable
{
    private const uint LocalHeaderSignature = 0x04034b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint Zip64LocatorSignature = 0x07064b50;

    // APPNOTE §4.4.4: bit 11 says the name is UTF-8.
    private const ushort Utf8Flag = 0x0800;
    private const ushort Version20 = 20;
    private const ushort Version45 = 45;

    // Made by UNIX (3) so that readers honour the permission bits in the external attributes (0644, a regular file).
    private const ushort MadeByUnix = (3 << 8) | Version45;
    private const uint RegularFile644 = 0x81A4u << 16;

    private readonly Stream _output;
    private readonly FileStream _central;
    private long _position;
    private long _entries;
    private bool _finished;

    /// <param name="temporaryDirectory">Where the central directory waits until the end (deleted on dispose).</param>
    public ZipStreamWriter(Stream output, string temporaryDirectory)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        Directory.CreateDirectory(temporaryDirectory);
        _central = new FileStream(
            Path.Combine(temporaryDirectory, $"zip-central-{Guid.NewGuid():N}.tmp"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
    }

    public long BytesWritten => _position;

    /// <summary>Writes one stored entry: its local header, then exactly <paramref name="size"/> bytes copied from <paramref name="content"/>.</summary>
    /// <exception cref="InvalidDataException">The content is not <paramref name="size"/> bytes long.</exception>
    public async Task AddAsync(string name, long size, uint crc32, DateTimeOffset modified, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(content);
        ObjectDisposedException.ThrowIf(_finished, this);
        if (size >= uint.MaxValue)
        {
            throw new InvalidDataException($"{name} is {size} bytes; a message this large cannot be exported.");
        }

        var nameBytes = Encoding.UTF8.GetBytes(name);
        var (time, date) = DosTime(modified);
        var offset = _position;

        var local = new byte[30 + nameBytes.Length];
        var span = local.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, LocalHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], Version20);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], Utf8Flag);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], 0); // stored
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], time);
        BinaryPrimitives.WriteUInt16LittleEndian(span[12..], date);
        BinaryPrimitives.WriteUInt32LittleEndian(span[14..], crc32);
        BinaryPrimitives.WriteUInt32LittleEndian(span[18..], (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(span[22..], (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(span[26..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[28..], 0);
        nameBytes.CopyTo(span[30..]);
        await WriteAsync(local, cancellationToken);

        var copied = await CopyExactlyAsync(content, size, cancellationToken);
        if (copied != size)
        {
            throw new InvalidDataException($"{name}: the store gave {copied} bytes, not the {size} it records.");
        }

        await WriteCentralRecordAsync(nameBytes, size, crc32, time, date, offset, cancellationToken);
        _entries++;
    }

    /// <summary>Writes the central directory and the end records. The archive is complete when this returns.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        var centralOffset = _position;
        var centralSize = _central.Length;
        _central.Position = 0;
        await _central.CopyToAsync(_output, 1 << 16, cancellationToken);
        _position += centralSize;

        var zip64 = _entries >= ushort.MaxValue || centralOffset >= uint.MaxValue || centralSize >= uint.MaxValue;
        if (zip64)
        {
            var zip64End = _position;
            var record = new byte[56 + 20];
            var span = record.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(span, Zip64EndSignature);
            BinaryPrimitives.WriteUInt64LittleEndian(span[4..], 44);
            BinaryPrimitives.WriteUInt16LittleEndian(span[12..], MadeByUnix);
            BinaryPrimitives.WriteUInt16LittleEndian(span[14..], Version45);
            BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(span[20..], 0);
            BinaryPrimitives.WriteUInt64LittleEndian(span[24..], (ulong)_entries);
            BinaryPrimitives.WriteUInt64LittleEndian(span[32..], (ulong)_entries);
            BinaryPrimitives.WriteUInt64LittleEndian(span[40..], (ulong)centralSize);
            BinaryPrimitives.WriteUInt64LittleEndian(span[48..], (ulong)centralOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(span[56..], Zip64LocatorSignature);
            BinaryPrimitives.WriteUInt32LittleEndian(span[60..], 0);
            BinaryPrimitives.WriteUInt64LittleEndian(span[64..], (ulong)zip64End);
            BinaryPrimitives.WriteUInt32LittleEndian(span[72..], 1);
            await WriteAsync(record, cancellationToken);
        }

        var end = new byte[22];
        var e = end.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(e, EndSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(e[8..], (ushort)Math.Min(_entries, ushort.MaxValue));
        BinaryPrimitives.WriteUInt16LittleEndian(e[10..], (ushort)Math.Min(_entries, ushort.MaxValue));
        BinaryPrimitives.WriteUInt32LittleEndian(e[12..], (uint)Math.Min(centralSize, uint.MaxValue));
        BinaryPrimitives.WriteUInt32LittleEndian(e[16..], (uint)Math.Min(centralOffset, uint.MaxValue));
        await WriteAsync(end, cancellationToken);
        await _output.FlushAsync(cancellationToken);
    }

    /// <summary>CRC-32 (the zip polynomial) of a whole stream, for the pass before an entry is written.</summary>
    public static async Task<(uint Crc32, long Length)> HashAsync(Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var crc = new Crc32();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            long length = 0;
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
            {
                crc.Append(buffer.AsSpan(0, read));
                length += read;
            }

            return (crc.GetCurrentHashAsUInt32(), length);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async ValueTask DisposeAsync() => await _central.DisposeAsync();

    private async Task WriteCentralRecordAsync(byte[] nameBytes, long size, uint crc32, ushort time, ushort date, long offset, CancellationToken cancellationToken)
    {
        var zip64 = offset >= uint.MaxValue;
        var extra = zip64 ? 12 : 0;
        var record = new byte[46 + nameBytes.Length + extra];
        var span = record.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, CentralHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], MadeByUnix);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], zip64 ? Version45 : Version20);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], Utf8Flag);
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(span[12..], time);
        BinaryPrimitives.WriteUInt16LittleEndian(span[14..], date);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], crc32);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(span[28..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[30..], (ushort)extra);
        BinaryPrimitives.WriteUInt32LittleEndian(span[38..], RegularFile644);
        BinaryPrimitives.WriteUInt32LittleEndian(span[42..], zip64 ? uint.MaxValue : (uint)offset);
        nameBytes.CopyTo(span[46..]);
        if (zip64)
        {
            // APPNOTE §4.5.3: only the fields set to 0xFFFFFFFF appear, here the local header offset.
            var x = span[(46 + nameBytes.Length)..];
            BinaryPrimitives.WriteUInt16LittleEndian(x, 0x0001);
            BinaryPrimitives.WriteUInt16LittleEndian(x[2..], 8);
            BinaryPrimitives.WriteUInt64LittleEndian(x[4..], (ulong)offset);
        }

        await _central.WriteAsync(record, cancellationToken);
    }

    private async Task<long> CopyExactlyAsync(Stream content, long size, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            long copied = 0;
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - copied + 1)), cancellationToken)) > 0)
            {
                if (copied + read > size)
                {
                    return copied + read;
                }

                await WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                copied += read;
            }

            return copied;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _output.WriteAsync(bytes, cancellationToken);
        _position += bytes.Length;
    }

    /// <summary>MS-DOS date and time (APPNOTE §4.4.6), 1980 to 2107, two-second steps; out of range is clamped.</summary>
    private static (ushort Time, ushort Date) DosTime(DateTimeOffset value)
    {
        var t = value.UtcDateTime;
        if (t.Year < 1980)
        {
            t = new DateTime(1980, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        }
        else if (t.Year > 2107)
        {
            t = new DateTime(2107, 12, 31, 23, 59, 58, DateTimeKind.Utc);
        }

        var time = (ushort)((t.Hour << 11) | (t.Minute << 5) | (t.Second / 2));
        var date = (ushort)(((t.Year - 1980) << 9) | (t.Month << 5) | t.Day);
        return (time, date);
    }
}
