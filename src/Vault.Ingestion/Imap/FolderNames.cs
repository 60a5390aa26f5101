using System.Text.RegularExpressions;
using MailKit;

namespace Vault.Ingestion.Imap;

/// <summary>
/// Folder display names (ARCHITECTURE.md, "Contract details"): decoded from modified UTF-7 (MailKit does that),
/// '/' as the separator whatever the server's delimiter, relative to the personal namespace; INBOX stays INBOX.
/// </summary>
internal static class FolderNames
{
    public const string Inbox = "INBOX";

    public static string DisplayName(IMailFolder folder, FolderNamespace? personal)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var fullName = folder.FullName;
        if (string.Equals(fullName, Inbox, StringComparison.OrdinalIgnoreCase))
        {
            return Inbox;
        }

        // Courier and Cyrus put the personal namespace under "INBOX." (RFC 2342 §5); the person sees it as the root.
        var prefix = personal?.Path ?? string.Empty;
        if (prefix.Length > 0 && fullName.StartsWith(prefix, StringComparison.Ordinal) && fullName.Length > prefix.Length)
        {
            fullName = fullName[prefix.Length..];
        }

        var delimiter = folder.DirectorySeparator;
        if (delimiter != '\0' && delimiter != '/')
        {
            fullName = fullName.Replace(delimiter, '/');
        }

        return fullName.Trim('/');
    }

    /// <summary>True when the folder is archived: it matches an include pattern (or there is none) and no exclude pattern.</summary>
    public static bool IsSelected(string displayName, IReadOnlyList<string> include, IReadOnlyList<string> exclude)
    {
        ArgumentNullException.ThrowIfNull(include);
        ArgumentNullException.ThrowIfNull(exclude);
        var included = include.Count == 0 || include.Any(p => Matches(displayName, p));
        return included && !exclude.Any(p => Matches(displayName, p));
    }

    /// <summary>INBOX, then Sent, then the rest by name, Junk and Trash last.</summary>
    public static int Rank(string displayName, IMailFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (displayName == Inbox)
        {
            return 0;
        }

        if (folder.Attributes.HasFlag(FolderAttributes.Sent) || displayName.Equals("Sent", StringComparison.OrdinalIgnoreCase))
        {
            return 1;
        }

        return folder.Attributes.HasFlag(FolderAttributes.Junk) || folder.Attributes.HasFlag(FolderAttributes.Trash) ? 3 : 2;
    }

    private static bool Matches(string name, string pattern)
    {
        var regex = "^" + Regex.Escape(pattern.Trim('/')).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(name, regex, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100));
    }
}
