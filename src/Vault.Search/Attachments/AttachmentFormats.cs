using System.Text;

namespace Vault.Search.Attachments;

/// <summary>
/// Chooses a format from the declared content type; where that is generic or says too little (<c>application/octet-stream</c>,
/// a legacy Office type on a .docx, <c>application/zip</c>) from the file name, and where the name says nothing either
/// from the first bytes (<see cref="Sniff"/>).
/// </summary>
internal static class AttachmentFormats
{
    /// <summary>How many leading bytes <see cref="Sniff"/> wants.</summary>
    public const int SniffLength = 1024;

    private static readonly Dictionary<string, AttachmentFormat> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["application/pdf"] = AttachmentFormat.Pdf,
        ["application/x-pdf"] = AttachmentFormat.Pdf,
        ["application/acrobat"] = AttachmentFormat.Pdf,
        ["application/rtf"] = AttachmentFormat.Rtf,
        ["application/x-rtf"] = AttachmentFormat.Rtf,
        ["text/rtf"] = AttachmentFormat.Rtf,
        ["text/html"] = AttachmentFormat.Html,
        ["application/xhtml+xml"] = AttachmentFormat.Html,
        ["text/calendar"] = AttachmentFormat.Calendar,
        ["text/x-vcalendar"] = AttachmentFormat.Calendar,
        ["application/ics"] = AttachmentFormat.Calendar,
        ["message/rfc822"] = AttachmentFormat.Message,
        ["message/global"] = AttachmentFormat.Message,
        ["application/ms-tnef"] = AttachmentFormat.Tnef,
        ["application/vnd.ms-tnef"] = AttachmentFormat.Tnef,
    };

    private static readonly Dictionary<string, AttachmentFormat> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = AttachmentFormat.Pdf,
        [".docx"] = AttachmentFormat.OfficeOpenXml,
        [".docm"] = AttachmentFormat.OfficeOpenXml,
        [".dotx"] = AttachmentFormat.OfficeOpenXml,
        [".dotm"] = AttachmentFormat.OfficeOpenXml,
        [".xlsx"] = AttachmentFormat.OfficeOpenXml,
        [".xlsm"] = AttachmentFormat.OfficeOpenXml,
        [".xltx"] = AttachmentFormat.OfficeOpenXml,
        [".xltm"] = AttachmentFormat.OfficeOpenXml,
        [".pptx"] = AttachmentFormat.OfficeOpenXml,
        [".pptm"] = AttachmentFormat.OfficeOpenXml,
        [".ppsx"] = AttachmentFormat.OfficeOpenXml,
        [".ppsm"] = AttachmentFormat.OfficeOpenXml,
        [".potx"] = AttachmentFormat.OfficeOpenXml,
        [".odt"] = AttachmentFormat.OpenDocument,
        [".ott"] = AttachmentFormat.OpenDocument,
        [".ods"] = AttachmentFormat.OpenDocument,
        [".ots"] = AttachmentFormat.OpenDocument,
        [".odp"] = AttachmentFormat.OpenDocument,
        [".otp"] = AttachmentFormat.OpenDocument,
        [".odg"] = AttachmentFormat.OpenDocument,
        [".rtf"] = AttachmentFormat.Rtf,
        [".txt"] = AttachmentFormat.Text,
        [".text"] = AttachmentFormat.Text,
        [".csv"] = AttachmentFormat.Text,
        [".tsv"] = AttachmentFormat.Text,
        [".log"] = AttachmentFormat.Text,
        [".md"] = AttachmentFormat.Text,
        [".htm"] = AttachmentFormat.Html,
        [".html"] = AttachmentFormat.Html,
        [".xhtml"] = AttachmentFormat.Html,
        [".ics"] = AttachmentFormat.Calendar,
        [".ifb"] = AttachmentFormat.Calendar,
        [".vcs"] = AttachmentFormat.Calendar,
        [".eml"] = AttachmentFormat.Message,
        [".tnef"] = AttachmentFormat.Tnef,
    };

    /// <summary>Types mail clients put on any file: only the name or the content can tell what it is.</summary>
    private static readonly HashSet<string> Generic = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/octet-stream", "application/x-octet-stream", "binary/octet-stream", "application/binary",
        "application/unknown", "application/x-unknown", "application/download", "application/x-download",
        "application/force-download", "application/save", "application/x-msdownload",
    };

    /// <summary>
    /// Types clients are known to put on Office Open XML files (Outlook on older Windows sends a .docx as application/msword,
    /// some webmail as application/zip): the name decides, and without a telling name there is no text to read.
    /// </summary>
    private static readonly HashSet<string> NameDecides = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint", "application/vnd.ms-office",
        "application/zip", "application/x-zip", "application/x-zip-compressed",
    };

    private static ReadOnlySpan<byte> TnefSignature => [0x78, 0x9F, 0x3E, 0x22];

    public static AttachmentFormat Of(string mimeType, string? fileName)
    {
        ArgumentNullException.ThrowIfNull(mimeType);
        if (Types.TryGetValue(mimeType, out var format))
        {
            return format;
        }

        if (mimeType.StartsWith("application/vnd.openxmlformats-officedocument.", StringComparison.OrdinalIgnoreCase)
            || mimeType.StartsWith("application/vnd.ms-word.", StringComparison.OrdinalIgnoreCase)
            || mimeType.StartsWith("application/vnd.ms-excel.", StringComparison.OrdinalIgnoreCase)
            || mimeType.StartsWith("application/vnd.ms-powerpoint.", StringComparison.OrdinalIgnoreCase))
        {
            return AttachmentFormat.OfficeOpenXml;
        }

        if (mimeType.StartsWith("application/vnd.oasis.opendocument.", StringComparison.OrdinalIgnoreCase))
        {
            return AttachmentFormat.OpenDocument;
        }

        var generic = Generic.Contains(mimeType);
        if (generic || NameDecides.Contains(mimeType))
        {
            var byName = OfName(fileName);
            return byName != AttachmentFormat.None ? byName : generic ? AttachmentFormat.Unknown : AttachmentFormat.None;
        }

        return mimeType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) ? AttachmentFormat.Text : AttachmentFormat.None;
    }

    /// <summary>What the leading bytes of a file of unknown kind show; <see cref="AttachmentFormat.None"/> for binary data.</summary>
    public static AttachmentFormat Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(TnefSignature))
        {
            return AttachmentFormat.Tnef;
        }

        if (head.StartsWith("PK\x03\x04"u8))
        {
            return AttachmentFormat.Zip;
        }

        // ISO 32000-1 §7.5.2 puts the header first, but readers accept it within the first 1024 bytes, and so do writers.
        if (head.IndexOf("%PDF-"u8) >= 0)
        {
            return AttachmentFormat.Pdf;
        }

        if (!LooksLikeText(head))
        {
            return AttachmentFormat.None;
        }

        var start = Encoding.Latin1.GetString(head[..Math.Min(head.Length, 64)]).TrimStart('\uFEFF', '\u00EF', '\u00BB', '\u00BF', ' ', '\t', '\r', '\n');
        if (start.StartsWith(@"{\rtf", StringComparison.Ordinal))
        {
            return AttachmentFormat.Rtf;
        }

        if (start.StartsWith("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase))
        {
            return AttachmentFormat.Calendar;
        }

        return start.StartsWith("<!DOCTYPE html", StringComparison.OrdinalIgnoreCase) || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
            ? AttachmentFormat.Html
            : AttachmentFormat.Text;
    }

    private static AttachmentFormat OfName(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName))
        {
            return AttachmentFormat.None;
        }

        // Outlook names the TNEF part winmail.dat (sometimes win.dat, or ATT00001.dat when forwarded); the other .dat files are sniffed.
        if (fileName.Equals("winmail.dat", StringComparison.OrdinalIgnoreCase) || fileName.Equals("win.dat", StringComparison.OrdinalIgnoreCase))
        {
            return AttachmentFormat.Tnef;
        }

        var dot = fileName.LastIndexOf('.');
        return dot >= 0 && Extensions.TryGetValue(fileName[dot..], out var format) ? format : AttachmentFormat.None;
    }

    /// <summary>No NUL and no control characters but tab, line breaks, form feed and escape: text in an ASCII-compatible charset.</summary>
    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return false;
        }

        foreach (var b in head)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C or 0x1B))
            {
                return false;
            }
        }

        return true;
    }
}
