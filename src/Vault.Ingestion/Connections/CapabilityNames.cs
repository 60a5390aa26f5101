using MailKit.Net.Imap;
using MailKit.Net.Pop3;

namespace Vault.Ingestion.Connections;

/// <summary>Capability flags as the upper-case names a person knows from the protocol (IDLE, CONDSTORE, UIDL).</summary>
public static class CapabilityNames
{
    public static IReadOnlyList<string> Of(ImapCapabilities capabilities) =>
        [.. Enum.GetValues<ImapCapabilities>()
            .Where(flag => flag != ImapCapabilities.None && capabilities.HasFlag(flag))
            .Select(flag => flag.ToString().ToUpperInvariant())
            .Distinct()];

    public static IReadOnlyList<string> Of(Pop3Capabilities capabilities) =>
        [.. Enum.GetValues<Pop3Capabilities>()
            .Where(flag => flag != Pop3Capabilities.None && capabilities.HasFlag(flag))
            .Select(flag => flag.ToString().ToUpperInvariant())
            .Distinct()];
}
