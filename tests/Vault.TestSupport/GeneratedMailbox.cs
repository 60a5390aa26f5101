using System.Text.Json;

namespace Vault.TestSupport;

/// <summary>
/// A Maildir++ tree from gen_corpus.py (<see cref="TestDovecot.RunGeneratorAsync(int, int, CancellationToken)"/>, cached per
/// count and seed) read as files: its messages with their folder names, and the manifest's needles and exact counts.
/// </summary>
public sealed class GeneratedMailbox
{
    private GeneratedMailbox(string root, JsonElement manifest)
    {
        Root = root;
        Manifest = manifest;
    }

    public string Root { get; }

    public JsonElement Manifest { get; }

    public string Needle(string name) => Manifest.GetProperty("needles").GetProperty(name).ToString();

    public int NeedleCount(string name) => Manifest.GetProperty("needle_counts").GetProperty(name).GetInt32();

    public static async Task<GeneratedMailbox> RequireAsync(int count, int seed, CancellationToken cancellationToken)
    {
        var corpus = await TestDovecot.RunGeneratorAsync(count, seed, cancellationToken);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(corpus.Manifest, cancellationToken));
        return new GeneratedMailbox(corpus.Maildir, json.RootElement.Clone());
    }

    /// <summary>Every message file with its folder: the root is INBOX, ".Archive.2022" is "Archive/2022", names mUTF-7 decoded.</summary>
    public IReadOnlyList<MailboxFile> Messages()
    {
        var files = new List<MailboxFile>();
        foreach (var dir in new[] { Root }.Concat(Directory.EnumerateDirectories(Root, ".*")).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            var folder = dir == Root ? "INBOX" : ModifiedUtf7.Decode(name[1..].Replace('.', '/'));
            foreach (var sub in new[] { "cur", "new" })
            {
                var path = Path.Combine(dir, sub);
                if (Directory.Exists(path))
                {
                    files.AddRange(Directory.EnumerateFiles(path).Order(StringComparer.Ordinal).Select(f => new MailboxFile(f, folder)));
                }
            }
        }

        return files;
    }
}
