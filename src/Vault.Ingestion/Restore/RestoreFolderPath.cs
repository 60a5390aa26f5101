namespace Vault.Ingestion.Restore;

/// <summary>
/// Where an archived folder goes on the target: its levels (archive names are <c>/</c>-separated, relative to the personal
/// namespace, ARCHITECTURE.md "HTTP contract") under the folder prefix when one is given. INBOX without a prefix is the
/// target's INBOX (RFC 3501 §5.1: its name is case-insensitive); with a prefix it is a folder like any other. A level
/// that holds the target's own hierarchy separator (<c>v1.2</c> on a server whose separator is <c>.</c>) could not be
/// created as one level, so that character becomes <c>_</c>.
/// </summary>
public static class RestoreFolderPath
{
    public const string Inbox = "INBOX";

    /// <param name="separator">The target's hierarchy separator; <c>'\0'</c> for a server without hierarchy.</param>
    public static IReadOnlyList<string> Levels(string archiveFolder, string? folderPrefix, char separator)
    {
        ArgumentException.ThrowIfNullOrEmpty(archiveFolder);
        var levels = new List<string>();
        if (!string.IsNullOrWhiteSpace(folderPrefix))
        {
            levels.AddRange(Split(folderPrefix));
        }

        levels.AddRange(Split(archiveFolder));
        return levels.Select(level => separator is '\0' or '/' ? level : level.Replace(separator, '_')).ToList();
    }

    /// <summary>True when the levels name the target's INBOX itself.</summary>
    public static bool IsInbox(IReadOnlyList<string> levels, string? folderPrefix)
    {
        ArgumentNullException.ThrowIfNull(levels);
        return string.IsNullOrWhiteSpace(folderPrefix) && levels.Count > 0 && string.Equals(levels[0], Inbox, StringComparison.OrdinalIgnoreCase);
    }

    private static string[] Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
