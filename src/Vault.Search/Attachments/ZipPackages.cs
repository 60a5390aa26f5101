using System.IO.Compression;

namespace Vault.Search.Attachments;

/// <summary>
/// What the zip-based formats share: telling Office Open XML from OpenDocument, and the zip-bomb guard. The guard reads
/// the central directory only: .NET's <see cref="ZipArchiveEntry"/> stops inflating at the size an entry declares, so
/// declared sizes within <see cref="AttachmentTextLimits.MaxUnpackedBytes"/> bound what can ever be unpacked.
/// </summary>
internal static class ZipPackages
{
    /// <summary>The end of central directory record ends a zip file, followed by at most a 65,535-byte comment (APPNOTE 4.3.16).</summary>
    private const int EndRecordSearch = 22 + 65_535;

    /// <summary>Office Open XML, OpenDocument, or <see cref="AttachmentFormat.None"/> for a plain zip (or no zip at all).</summary>
    public static AttachmentFormat KindOf(ArraySegment<byte> bytes, AttachmentTextLimits limits)
    {
        if (!HasEndRecord(bytes))
        {
            return AttachmentFormat.None;
        }

        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes.Array ?? [], bytes.Offset, bytes.Count, writable: false), ZipArchiveMode.Read);
            if (zip.Entries.Count > limits.MaxZipEntries)
            {
                // A document would have been recognised by its name or type; a huge plain zip is not worth a look.
                return AttachmentFormat.None;
            }

            // ODF 1.2 Part 3 §3.3: the first entry is "mimetype", stored, naming the document type.
            if (zip.GetEntry("mimetype") is not null && zip.GetEntry("content.xml") is not null)
            {
                return AttachmentFormat.OpenDocument;
            }

            return zip.GetEntry("[Content_Types].xml") is not null ? AttachmentFormat.OfficeOpenXml : AttachmentFormat.None;
        }
        catch (InvalidDataException)
        {
            // Only the first bytes said "zip": nothing a reader could be asked about.
            return AttachmentFormat.None;
        }
    }

    /// <summary>
    /// Throws <see cref="AttachmentTextException"/> (unreadable) for bytes that cannot be a whole zip file: a truncated
    /// download, or a file that only starts like one. Cheaper than letting <see cref="ZipArchive"/> find out.
    /// </summary>
    public static void RequireEndRecord(ArraySegment<byte> bytes)
    {
        if (!HasEndRecord(bytes))
        {
            throw new AttachmentTextException(AttachmentFailure.Unreadable, "It is not a complete zip file: its central directory is missing.");
        }
    }

    private static bool HasEndRecord(ArraySegment<byte> bytes)
    {
        var span = bytes.AsSpan();
        return span[Math.Max(0, span.Length - EndRecordSearch)..].LastIndexOf("PK\x05\x06"u8) >= 0;
    }

    /// <summary>Throws <see cref="AttachmentTextException"/> (too large) for a package with too many entries or too much to unpack.</summary>
    public static void Guard(ZipArchive zip, AttachmentTextLimits limits)
    {
        ArgumentNullException.ThrowIfNull(zip);
        if (zip.Entries.Count > limits.MaxZipEntries)
        {
            throw new AttachmentTextException(AttachmentFailure.TooLarge, $"It holds {zip.Entries.Count:N0} files; at most {limits.MaxZipEntries:N0} are read.");
        }

        long unpacked = 0;
        foreach (var entry in zip.Entries)
        {
            unpacked += entry.Length;
            if (unpacked > limits.MaxUnpackedBytes)
            {
                throw new AttachmentTextException(AttachmentFailure.TooLarge,
                    $"It unpacks to more than {AttachmentTextExtraction.Megabytes(limits.MaxUnpackedBytes)} (a zip bomb, or a very large document).");
            }
        }
    }
}
