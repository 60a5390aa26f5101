using System.Globalization;
using System.Text;

namespace Vault.Api.Export;

/// <summary>
/// Names inside an export that are safe on every file system a person may unpack it on: no <c>..</c>, no absolute path,
/// none of Windows' reserved characters (<c>&lt;&gt;:"/\|?*</c>, control characters) or device names (CON, NUL, COM1,
/// ...), no trailing dot or space, and at most <see cref="MaxSegmentBytes"/> UTF-8 bytes per segment (file systems allow 255).
/// Uniqueness comes from the running number every .eml name starts with, not from the subject.
/// </summary>
public static class ExportFileNames
{
    public const int MaxSegmentBytes = 120;

    private static readonly HashSet<string> Devices = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "CONIN$", "CONOUT$",
    };

    /// <summary>One folder's path inside the zip: each <c>/</c>-separated level made safe; empty levels dropped.</summary>
    public static string FolderPath(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var segments = folder.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => Segment(s)).ToList();
        return segments.Count == 0 ? "_" : string.Join('/', segments);
    }

    /// <summary><c>000042 Subject words.eml</c>: the number makes it unique within the export, the subject recognisable.</summary>
    public static string MessageFile(long number, string? subject)
    {
        var words = string.IsNullOrWhiteSpace(subject) ? "no subject" : subject;
        return $"{number.ToString("D6", CultureInfo.InvariantCulture)} {Segment(words, 60)}.eml";
    }

    /// <summary>A file name made of <paramref name="text"/> for a Content-Disposition header (the same rules).</summary>
    public static string Segment(string text, int maxBytes = MaxSegmentBytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        var bytes = 0;
        foreach (var rune in text.Trim().EnumerateRunes())
        {
            var c = rune.Value;
            var reserved = c < 0x20 || c == 0x7F || c is '<' or '>' or ':' or '"' or '/' or '\\' or '|' or '?' or '*'
                || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
            var width = reserved ? 1 : rune.Utf8SequenceLength;
            if (bytes + width > maxBytes)
            {
                break;
            }

            builder.Append(reserved ? "_" : rune.ToString());
            bytes += width;
        }

        var name = builder.ToString().TrimEnd('.', ' ');
        if (name.Length == 0 || name.All(c => c == '.'))
        {
            return "_";
        }

        var stem = name.Split('.')[0].TrimEnd(' ');
        return Devices.Contains(stem) ? "_" + name : name;
    }
}
