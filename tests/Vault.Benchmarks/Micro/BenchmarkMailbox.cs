using MimeKit;
using Vault.Benchmarks.EndToEnd;
using Vault.TestSupport;

namespace Vault.Benchmarks.Micro;

/// <summary>Real messages for the micro-benchmarks: a small gen_corpus.py mailbox (cached like the e2e one), grouped by MIME shape.</summary>
public static class BenchmarkMailbox
{
    private const int Count = 300;
    private const int Seed = 42;

    public static async Task<IReadOnlyList<byte[]>> LoadAsync(CancellationToken cancellationToken)
    {
        var generator = Path.Combine(SharedFolder.Root ?? Path.Combine(RepositoryRoot.Path, "..", "shared"), "bench", "gen_corpus.py");
        var (maildir, _) = await CorpusCache.EnsureAsync(generator, Count, Seed, cancellationToken);
        var messages = new List<byte[]>();
        foreach (var file in Directory.EnumerateFiles(maildir, "*", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) is "cur" or "new")
                     .Order(StringComparer.Ordinal))
        {
            messages.Add(await File.ReadAllBytesAsync(file, cancellationToken));
        }

        return messages;
    }

    /// <summary>The first message whose top-level Content-Type is <paramref name="mimeType"/> (text/plain, multipart/alternative, multipart/mixed).</summary>
    public static byte[] FirstOfType(IReadOnlyList<byte[]> messages, string mimeType)
    {
        foreach (var bytes in messages)
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var headers = HeaderList.Load(ParserOptions.Default, stream);
            var contentType = headers[HeaderId.ContentType] is { } value && ContentType.TryParse(value, out var parsed)
                ? parsed.MimeType
                : "text/plain";
            if (string.Equals(contentType, mimeType, StringComparison.OrdinalIgnoreCase))
            {
                return bytes;
            }
        }

        throw new InvalidOperationException($"No {mimeType} message in the benchmark mailbox.");
    }
}
