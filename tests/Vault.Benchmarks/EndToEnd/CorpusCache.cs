using System.Diagnostics;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>
/// The generated mailbox, kept under <c>$TMPDIR/vault-bench/&lt;count&gt;-&lt;seed&gt;</c> between runs: generating 10,000
/// messages takes longer than importing them. The manifest is written last, so its presence marks a complete mailbox.
/// </summary>
public static class CorpusCache
{
    public static string Root => Path.Combine(Path.GetTempPath(), "vault-bench");

    public static async Task<(string Maildir, CorpusManifest Manifest)> EnsureAsync(string generator, int count, int seed, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Root, $"{count}-{seed}");
        var maildir = Path.Combine(folder, "m");
        var manifestPath = Path.Combine(folder, "m.manifest.json");
        if (File.Exists(manifestPath) && Directory.Exists(maildir))
        {
            Console.WriteLine($"mailbox: reusing {maildir}");
            return (maildir, CorpusManifest.Load(manifestPath));
        }

        // A half-written mailbox from an interrupted generation: the generator refuses a non-empty folder.
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        Console.WriteLine($"mailbox: generating {count} messages (seed {seed}) into {maildir}");
        var started = Stopwatch.GetTimestamp();
        var generated = await ChildProcess.RunAsync(
            "python3",
            [generator, "--out", maildir, "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--manifest", manifestPath],
            workingDirectory: folder,
            timeout: TimeSpan.FromMinutes(20),
            cancellationToken);
        if (generated.ExitCode != 0 || !File.Exists(manifestPath))
        {
            throw new BenchmarkFailedException($"gen_corpus.py failed (exit {generated.ExitCode}):\n{generated.Output}");
        }

        Console.WriteLine($"mailbox: generated in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
        return (maildir, CorpusManifest.Load(manifestPath));
    }
}
