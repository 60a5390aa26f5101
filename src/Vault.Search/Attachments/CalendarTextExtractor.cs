using System.Text;
using Vault.Search.Documents;

namespace Vault.Search.Attachments;

/// <summary>
/// iCalendar (RFC 5545): the SUMMARY, DESCRIPTION, LOCATION and COMMENT of each event, task or journal entry, and who
/// organises and attends (the CN parameter and the address). Long lines are unfolded (§3.1) and text values unescaped (§3.3.11).
/// </summary>
internal sealed class CalendarTextExtractor : IAttachmentTextExtractor
{
    private const int LinesPerCheck = 256;

    public void Extract(AttachmentContent attachment, AttachmentTextWriter text, CancellationToken cancellationToken)
    {
        var bytes = attachment.Bytes.AsSpan();
        using var reader = new StreamReader(attachment.OpenRead(), TextDecoding.Detect(bytes, attachment.Charset ?? "utf-8"), detectEncodingFromByteOrderMarks: true);
        var line = new StringBuilder();
        var lines = 0;
        while (!text.IsFull && reader.ReadLine() is { } raw)
        {
            if (++lines % LinesPerCheck == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            // §3.1: a line that starts with a blank or a tab continues the previous one.
            if (raw.Length > 0 && raw[0] is ' ' or '\t')
            {
                line.Append(raw, 1, raw.Length - 1);
                continue;
            }

            Property(line.ToString(), text);
            line.Clear().Append(raw);
        }

        Property(line.ToString(), text);
    }

    private static void Property(string line, AttachmentTextWriter text)
    {
        var colon = ValueStart(line);
        if (colon < 0)
        {
            return;
        }

        var nameAndParameters = line[..colon];
        var semicolon = nameAndParameters.IndexOf(';', StringComparison.Ordinal);
        var name = (semicolon < 0 ? nameAndParameters : nameAndParameters[..semicolon]).ToUpperInvariant();
        var value = line[(colon + 1)..];
        switch (name)
        {
            case "SUMMARY" or "DESCRIPTION" or "LOCATION" or "COMMENT":
                text.Append(Unescape(value));
                text.Break(TextBreak.Line);
                break;
            case "ATTENDEE" or "ORGANIZER":
                if (semicolon >= 0 && CommonName(nameAndParameters[(semicolon + 1)..]) is { } commonName)
                {
                    text.Append(commonName);
                    text.Break(TextBreak.Blank);
                }

                text.Append(value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? value[7..] : value);
                text.Break(TextBreak.Line);
                break;
        }
    }

    /// <summary>The colon that ends the parameters: the first one outside a quoted parameter value (§3.1, param-value).</summary>
    private static int ValueStart(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            switch (line[i])
            {
                case '"':
                    quoted = !quoted;
                    break;
                case ':' when !quoted:
                    return i;
            }
        }

        return -1;
    }

    private static string? CommonName(string parameters)
    {
        foreach (var parameter in parameters.Split(';'))
        {
            if (parameter.StartsWith("CN=", StringComparison.OrdinalIgnoreCase))
            {
                return parameter[3..].Trim('"');
            }
        }

        return null;
    }

    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                var next = value[++i];
                result.Append(next is 'n' or 'N' ? '\n' : next);
            }
            else
            {
                result.Append(value[i]);
            }
        }

        return result.ToString();
    }
}
