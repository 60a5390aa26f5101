using System.Text.RegularExpressions;
using MailKit;
using Vault.Ingestion.Connections;

namespace Vault.Ingestion.Imap;

/// <summary>
/// Which folders a source archives, in which order, under which display name (<see cref="FolderDisplayName"/>;
/// INBOX stays INBOX in whatever case the server spells it, RFC 3501 §5.1).
/// </summary>
public static class FolderNames
{
    public const string Inbox = "INBOX";

    public static string DisplayName(IMailFolder folder, string? namespacePath)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return string.Equals(folder.FullName, Inbox, StringComparison.OrdinalIgnoreCase)
            ? Inbox
            : FolderDisplayName.Of(folder.FullName, folder.DirectorySeparator, namespacePath);
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
