namespace Vault.Ingestion.Connections;

/// <summary>
/// ARCHITECTURE.md's folder names: decoded (MailKit already turns modified UTF-7 into Unicode), '/' as the hierarchy
/// separator whatever the server's delimiter, relative to the personal namespace (Courier's <c>INBOX.Archive.2022</c>
/// is <c>Archive/2022</c>; INBOX stays INBOX).
/// </summary>
public static class FolderDisplayName
{
    public static string Of(string fullName, char separator, string? namespacePath)
    {
        ArgumentNullException.ThrowIfNull(fullName);
        var name = fullName;
        if (!string.IsNullOrEmpty(namespacePath))
        {
            var prefix = namespacePath[^1] == separator ? namespacePath : namespacePath + separator;
            if (name.StartsWith(prefix, StringComparison.Ordinal) && name.Length > prefix.Length)
            {
                name = name[prefix.Length..];
            }
        }

        return separator is '\0' or '/' ? name : name.Replace(separator, '/');
    }
}
