namespace Vault.Benchmarks.EndToEnd;

/// <summary>Bytes under the data directory (apparent file sizes), in total and per top-level entry.</summary>
public static class DiskUsage
{
    public static (long Total, long? Index, Dictionary<string, long> ByEntry) Measure(string dataDirectory)
    {
        var byEntry = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in new DirectoryInfo(dataDirectory).EnumerateFileSystemInfos())
        {
            byEntry[entry.Name] = entry switch
            {
                FileInfo file => SafeLength(file),
                DirectoryInfo directory => directory.EnumerateFiles("*", SearchOption.AllDirectories).Sum(SafeLength),
                _ => 0,
            };
        }

        long? index = byEntry.Where(e => e.Key.Contains("index", StringComparison.OrdinalIgnoreCase)).Select(e => (long?)e.Value).Sum();
        return (byEntry.Values.Sum(), byEntry.Keys.Any(k => k.Contains("index", StringComparison.OrdinalIgnoreCase)) ? index : null, byEntry);
    }

    private static long SafeLength(FileInfo file)
    {
        try
        {
            return file.Length;
        }
        catch (FileNotFoundException)
        {
            // Lucene deletes merged segments while we walk.
            return 0;
        }
    }
}
