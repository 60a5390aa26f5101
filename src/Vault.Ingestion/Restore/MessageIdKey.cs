namespace Vault.Ingestion.Restore;

/// <summary>
/// A Message-ID as restores compare it: the msg-id between its angle brackets (RFC 5322 §3.6.4), with folding and
/// comments around it ignored; the text as it is when there are no brackets; empty when there is none.
/// </summary>
internal static class MessageIdKey
{
    public static string Of(string? headerValue)
    {
        if (string.IsNullOrWhiteSpace(headerValue))
        {
            return string.Empty;
        }

        var open = headerValue.IndexOf('<', StringComparison.Ordinal);
        var close = open < 0 ? -1 : headerValue.IndexOf('>', open + 1);
        return close > open + 1 ? headerValue[(open + 1)..close].Trim() : headerValue.Trim();
    }
}
