using System.Globalization;

namespace Vault.Ingestion.Files;

/// <summary>Reads the date of an mbox <c>From sender date</c> line (RFC 4155 §2: asctime form, sometimes with a zone or without seconds).</summary>
public static class MboxFromLine
{
    private static readonly string[] Formats =
    [
        "ddd MMM d HH:mm:ss yyyy",
        "ddd MMM d HH:mm yyyy",
        "ddd MMM d HH:mm:ss yyyy zzz",
        "ddd MMM d HH:mm:ss zzz yyyy",
        "ddd MMM d HH:mm:ss 'GMT' yyyy",
        "ddd MMM d HH:mm:ss 'UTC' yyyy",
    ];

    public static DateTimeOffset? Date(string fromLine)
    {
        ArgumentNullException.ThrowIfNull(fromLine);
        var parts = fromLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3)
        {
            return null;
        }

        // "From" and the sender come first; the rest is the date, with the padding of single-digit days collapsed.
        var text = string.Join(' ', parts.Skip(2));
        return DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : null;
    }
}
