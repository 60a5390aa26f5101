using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace Vault.TestSupport;

/// <summary>
/// A Maildir++ tree from gen_corpus.py, generated once per (count, seed) into the temp folder and reused,
/// with its manifest (needles and their exact counts).
/// </summary>
public sealed class GeneratedMailbox
{
    private static readonly SemaphoreSlim Generating = new(1, 1);

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
        var generator = SharedFolder.RequireGenerator();
        var root = Path.Combine(Path.GetTempPath(), $"vault-gen-corpus-{count}-{seed}");
        var manifest = root + ".manifest.json";
        await Generating.WaitAsync(cancellationToken);
        try
        {
            if (!File.Exists(manifest))
            {
                var staging = root + $".staging-{Environment.ProcessId}";
                if (Directory.Exists(staging))
                {
                    Directory.Delete(staging, recursive: true);
                }

                var start = new ProcessStartInfo("python3", ["-B", generator, "--out", staging, "--count", $"{count}", "--seed", $"{seed}", "--manifest", staging + ".manifest.json"])
                {
                    RedirectStandardOutput = true,
                };
                using var process = Process.Start(start)!;
                await process.StandardOutput.ReadToEndAsync(cancellationToken);
                await process.WaitForExitAsync(cancellationToken);
                Assert.Equal(0, process.ExitCode);
                if (Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true);
                }

                // The manifest appears last: its presence means the tree beside it is complete.
                Directory.Move(staging, root);
                File.Move(staging + ".manifest.json", manifest);
            }
        }
        finally
        {
            Generating.Release();
        }

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(manifest, cancellationToken));
        return new GeneratedMailbox(root, json.RootElement.Clone());
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
