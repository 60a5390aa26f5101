using Vault.Archive.Connectors;

namespace Vault.Api.Connectors;

/// <summary>
/// What a mailbox line must hold for its connector. Every line is checked before anything is created: a list is added
/// whole or not at all, and a user name the connector already has (or that appears twice) is an error on its line.
/// </summary>
public static class MailboxRules
{
    public const int MaxListSize = 100_000;
    private const int MaxAddressLength = 320;

    /// <summary>Every problem of every entry, as (entry index, field, message).</summary>
    public static List<(int Index, string Field, string Message)> Check(IReadOnlyList<MailboxEntry> entries, ConnectorSettings connector, IEnumerable<string> existingUsernames)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(connector);
        var problems = new List<(int, string, string)>();
        var taken = new HashSet<string>(existingUsernames, StringComparer.OrdinalIgnoreCase);
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? new MailboxEntry(null, null, null, null);
            foreach (var (field, message) in Check(entry, connector))
            {
                problems.Add((i, field, message));
            }

            var username = entry.Username?.Trim();
            if (string.IsNullOrEmpty(username))
            {
                continue;
            }

            if (taken.Contains(username))
            {
                problems.Add((i, "username", $"The connector already has a mailbox '{username}'."));
            }
            else if (!seen.TryAdd(username, i))
            {
                problems.Add((i, "username", $"'{username}' is in the list twice (first at entry {seen[username] + 1})."));
            }
        }

        return problems;
    }

    private static IEnumerable<(string Field, string Message)> Check(MailboxEntry entry, ConnectorSettings connector)
    {
        var username = entry.Username?.Trim();
        if (string.IsNullOrEmpty(username))
        {
            yield return ("username", "A user name is required.");
        }
        else if (username.Length > MaxAddressLength || username.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            yield return ("username", $"A user name has no spaces or control characters and at most {MaxAddressLength} characters.");
        }
        else if (connector.MasterUserSeparator is { Length: > 0 } separator && username.Contains(separator, StringComparison.Ordinal))
        {
            yield return ("username", $"A user name cannot contain the connector's master user separator '{separator}'.");
        }

        if (entry.Email is { } email && !IsAddress(email.Trim()))
        {
            yield return ("email", "The email is an address such as alice@example.com.");
        }

        if (entry.DisplayName is { } name && (name.Length > 200 || name.Any(char.IsControl)))
        {
            yield return ("displayName", "The display name is at most 200 characters, without control characters.");
        }

        if (connector.AuthMode == ConnectorAuthMode.PerUser && string.IsNullOrEmpty(entry.Password))
        {
            yield return ("password", "A perUser connector needs each mailbox's own password (or invite its owner with a self-service link).");
        }
        else if (connector.AuthMode != ConnectorAuthMode.PerUser && entry.Password is not null)
        {
            yield return ("password", connector.AuthMode == ConnectorAuthMode.MasterUser
                ? "A master user connector logs in with the admin's credentials: leave the password out."
                : "A magic password connector logs in with its one shared password: leave the password out.");
        }
    }

    private static bool IsAddress(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == text.LastIndexOf('@') && at < text.Length - 1 && text.Length <= MaxAddressLength
            && !text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
    }
}
