using MimeKit;
using MimeKit.Utils;

namespace Vault.Archive.Messages;

/// <summary>The header fields the API lists without opening the raw message.</summary>
public sealed record MessageHeaderSummary(
    string? Subject,
    string? From,
    string? To,
    DateTimeOffset? Date,
    string? MessageIdHeader)
{
    public static MessageHeaderSummary Empty { get; } = new(null, null, null, null, null);

    /// <summary>
    /// Reads only the header block. A message whose headers cannot be parsed yields <see cref="Empty"/>:
    /// it is still archived byte-exact and the indexer reads what it can.
    /// </summary>
    public static MessageHeaderSummary Read(Stream rawMessage)
    {
        ArgumentNullException.ThrowIfNull(rawMessage);
        HeaderList headers;
        try
        {
            headers = HeaderList.Load(MimeParsing.Options, rawMessage);
        }
        catch (FormatException)
        {
            return Empty;
        }

        return new MessageHeaderSummary(
            Trim(headers[HeaderId.Subject] is null ? null : DecodeText(headers, HeaderId.Subject)),
            Trim(AddressList(headers, HeaderId.From)),
            Trim(AddressList(headers, HeaderId.To)),
            ParseDate(headers[HeaderId.Date]),
            Trim(headers[HeaderId.MessageId]));
    }

    private static string? DecodeText(HeaderList headers, HeaderId id)
    {
        var header = headers.FirstOrDefault(h => h.Id == id);
        return header?.Value;
    }

    private static string? AddressList(HeaderList headers, HeaderId id)
    {
        var raw = headers[id];
        if (raw is null)
        {
            return null;
        }

        return InternetAddressList.TryParse(MimeParsing.Options, raw, out var list) ? list.ToString() : raw;
    }

    private static DateTimeOffset? ParseDate(string? value) =>
        value is not null && DateUtils.TryParse(value, out var date) ? date.ToUniversalTime() : null;

    // Keeps a hostile 1 MB subject line out of the listing rows; the full text is in the raw message.
    private static string? Trim(string? value) =>
        value is null ? null : value.Length <= 998 ? value.Trim() : value[..998].Trim();
}
