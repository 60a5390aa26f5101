using MimeKit;
using Vault.Archive.Connectors;
using Vault.Archive.Invitations;
using Vault.Archive.Sources;

namespace Vault.Api.Onboarding;

/// <summary>What a list of addresses to invite must satisfy; each problem names the address's position in the list.</summary>
public static class InvitationRules
{
    public const int MaxListSize = 500;

    public static TimeSpan MinLifetime { get; } = TimeSpan.FromHours(1);

    public static TimeSpan MaxLifetime { get; } = TimeSpan.FromDays(90);

    /// <summary>Problems as (index, message); the connector's pending invitations and mailboxes count as taken.</summary>
    public static List<(int Index, string Message)> Check(
        IReadOnlyList<string?> emails, IEnumerable<Invitation> pending, IEnumerable<Source> mailboxes)
    {
        ArgumentNullException.ThrowIfNull(emails);
        var invited = new HashSet<string>(pending.Select(i => i.Email), StringComparer.OrdinalIgnoreCase);
        var archived = new HashSet<string>(
            mailboxes.SelectMany(m => new[] { m.Settings.Username, m.Settings.Email }).OfType<string>(), StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<(int, string)>();
        for (var i = 0; i < emails.Count; i++)
        {
            var email = emails[i]?.Trim();
            if (string.IsNullOrEmpty(email))
            {
                problems.Add((i, "An address is required."));
            }
            else if (!IsAddress(email))
            {
                problems.Add((i, $"'{email}' is not an email address (name@example.org)."));
            }
            else if (!seen.Add(email))
            {
                problems.Add((i, $"{email} is in the list twice."));
            }
            else if (invited.Contains(email))
            {
                problems.Add((i, $"{email} already has a pending invitation: send it again or revoke it first."));
            }
            else if (archived.Contains(email))
            {
                problems.Add((i, $"{email} is already a mailbox of this connector."));
            }
        }

        return problems;
    }

    /// <summary>A bare address (no display name, no group), with a dot in its domain.</summary>
    public static bool IsAddress(string value) =>
        value.Length <= 320
        && MailboxAddress.TryParse(value, out var address)
        && string.IsNullOrEmpty(address.Name)
        && string.Equals(address.Address, value, StringComparison.Ordinal)
        && address.Domain.Contains('.', StringComparison.Ordinal)
        && !address.Domain.StartsWith('.')
        && !address.Domain.EndsWith('.');

    public static string? CheckConnector(Connector connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        return connector.Settings.AuthMode == ConnectorAuthMode.PerUser
            ? null
            : "Only a perUser connector takes invitations: its mailboxes bring their own passwords. This connector logs in to every mailbox itself.";
    }
}
