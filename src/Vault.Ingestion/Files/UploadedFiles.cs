namespace Vault.Ingestion.Files;

/// <summary>
/// Where an import's uploaded files wait until they are archived: <c>{DataDirectory}/imports/{sourceId}/NNN-name</c>,
/// numbered in the order they were uploaded. The number is each file's UIDVALIDITY in its messages' locations, and a
/// message's place in its file is its UID, so importing the same files again (a resume after a crash) changes nothing.
/// </summary>
public static class UploadedFiles
{
    public static string Directory(string dataDirectory, string sourceId) => Path.Combine(dataDirectory, "imports", sourceId);

    /// <summary><c>007-Sent.mbox</c> for the 7th file named <c>Sent.mbox</c> (any path in the name dropped, the rest made safe).</summary>
    public static string StoredName(int number, string uploadedName)
    {
        var name = Path.GetFileName((uploadedName ?? string.Empty).Replace('\\', '/'));
        var safe = new string(name.Select(c => char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c).ToArray()).Trim().TrimStart('.');
        if (safe.Length > 150)
        {
            safe = safe[^150..];
        }

        return $"{number:D3}-{(safe.Length == 0 ? "upload" : safe)}";
    }

    /// <summary>The file's number and the name it was uploaded with.</summary>
    public static (int Number, string Name) Parse(string path)
    {
        var file = Path.GetFileName(path);
        var dash = file.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && int.TryParse(file.AsSpan(0, dash), System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? (number, file[(dash + 1)..])
            : (0, file);
    }
}
