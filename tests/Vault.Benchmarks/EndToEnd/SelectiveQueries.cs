using MimeKit;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>
/// The queries whose latency is measured: the manifest's needles plus, from a fixed sample of the mailbox's own
/// headers, <c>from:</c> a sender, <c>subject:</c> a word and that word alone. Selective (few hits), as a person searches.
/// </summary>
public static class SelectiveQueries
{
    public static async Task<IReadOnlyList<string>> BuildAsync(string maildir, CorpusManifest manifest, int seed, CancellationToken cancellationToken)
    {
        var queries = new List<string>(manifest.NeedleQueries().Select(n => n.Query));
        var files = Directory.EnumerateFiles(maildir, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) is "cur" or "new")
            .Order(StringComparer.Ordinal)
            .ToList();
        // Every n-th file, starting at an offset from the seed: spread over folders and years, the same on every run.
        var stride = Math.Max(1, files.Count / 60);
        foreach (var file in files.Where((_, i) => i % stride == Math.Abs(seed) % stride).Take(60))
        {
            await using var stream = File.OpenRead(file);
            var headers = await new MimeParser(stream, MimeFormat.Entity).ParseHeadersAsync(cancellationToken);
            if (InternetAddressList.TryParse(headers[HeaderId.From] ?? "", out var from)
                && from.Mailboxes.FirstOrDefault()?.Address is { } address
                && !string.Equals(address, manifest.Sender, StringComparison.OrdinalIgnoreCase))
            {
                queries.Add($"from:{address}");
            }

            var word = (headers[HeaderId.Subject] ?? "")
                .Split([' ', '-', ':', ',', '.', '[', ']', '?', '!'], StringSplitOptions.RemoveEmptyEntries)
                .FirstOrDefault(w => w.Length >= 6 && w.All(char.IsAsciiLetterLower));
            if (word is not null)
            {
                queries.Add($"subject:{word}");
                queries.Add(word);
            }
        }

        return queries.Distinct(StringComparer.Ordinal).ToList();
    }
}
