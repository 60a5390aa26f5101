using System.Net;
using System.Net.Sockets;

namespace Vault.Api.Sources;

/// <summary>
/// What the <c>host</c> field may hold: a host name, an IPv4 address, or an IPv6 address with or without the brackets
/// of a URL (<c>::1</c>, <c>[::1]</c>). It is stored without brackets: MailKit puts the brackets in itself when it
/// builds its URI, and would fail (UriFormatException) on a host that already has them.
/// </summary>
public static partial class MailHost
{
    public static bool IsValid(string host) => Normalize(host) is not null;

    /// <summary>The host as stored and dialled, or null when it is neither a host name nor an IP address.</summary>
    public static string? Normalize(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bracketed = host.Length > 2 && host[0] == '[' && host[^1] == ']';
        var literal = bracketed ? host[1..^1] : host;
        if (literal.Contains(':', StringComparison.Ordinal))
        {
            // IPAddress.TryParse also takes "[::1]:143" and "[::1]": only the bare address may be left by now.
            return !literal.Contains('[', StringComparison.Ordinal) && !literal.Contains(']', StringComparison.Ordinal)
                && IPAddress.TryParse(literal, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? v6.ToString()
                : null;
        }

        if (bracketed)
        {
            return null;
        }

        // RFC 1123 host names (labels of letters, digits and hyphens), which also covers dotted IPv4 addresses.
        return host.Length <= 253 && HostNamePattern().IsMatch(host) ? host : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")]
    private static partial System.Text.RegularExpressions.Regex HostNamePattern();
}
