namespace Vault.TestSupport;

/// <summary>
/// The read-only <c>../shared</c> folder beside the checkout (corpus, gen_corpus.py). A person's clone has none:
/// tests that need it skip there and fail under CI. <c>VAULT_SHARED_DIR</c> overrides the lookup.
/// </summary>
public static class SharedFolder
{
    public static string? Root { get; } = Find();

    public static string RequireRoot()
    {
        TestRequirements.Require(Root is not null, "../shared (corpus and generator) is not beside this checkout");
        return Root!;
    }

    public static string RequireCorpus() => Path.Combine(RequireRoot(), "corpus");

    public static string RequireGenerator() => Path.Combine(RequireRoot(), "bench", "gen_corpus.py");

    /// <summary>Every single-message file of the corpus (the 3,422 .eml files), in a stable order.</summary>
    public static IReadOnlyList<string> CorpusMessages()
    {
        var corpus = RequireCorpus();
        return Directory.EnumerateFiles(corpus, "*.eml", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static string? Find()
    {
        var overridden = Environment.GetEnvironmentVariable("VAULT_SHARED_DIR");
        if (!string.IsNullOrEmpty(overridden))
        {
            return Directory.Exists(overridden) ? Path.GetFullPath(overridden) : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared");
            if (File.Exists(Path.Combine(candidate, "ARCHITECTURE.md")) && Directory.Exists(Path.Combine(candidate, "corpus")))
            {
                return candidate;
            }
        }

        return null;
    }
}
