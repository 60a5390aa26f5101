using System.Text.Json;
using Vault.TestSupport;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>The <c>e2e</c> command: prerequisites once, then N runs, a table per run (and of the medians), and JSON.</summary>
public static class EndToEndBenchmark
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(EndToEndOptions options, CancellationToken cancellationToken)
    {
        var results = new List<RunResult>();
        try
        {
            var generator = Path.Combine(SharedFolder.Root ?? Path.Combine(RepositoryRoot.Path, "..", "shared"), "bench", "gen_corpus.py");
            if (!File.Exists(generator))
            {
                throw new BenchmarkFailedException($"The corpus generator {generator} is missing (set VAULT_SHARED_DIR to the shared folder).");
            }

            var (maildir, manifest) = await CorpusCache.EnsureAsync(generator, options.Count, options.Seed, cancellationToken);
            var server = await MailboxServer.EnsureRunningAsync(cancellationToken);
            await VaultProcess.BuildAsync(cancellationToken);
            var queries = await SelectiveQueries.BuildAsync(maildir, manifest, options.Seed, cancellationToken);
            // Another seed: the warm-up mailbox's messages are not the measured one's (the needles are the same words,
            // so the measured run counts them within its own source).
            (string Maildir, CorpusManifest Manifest)? warm = options.Warm ? await CorpusCache.EnsureAsync(generator, EndToEndOptions.WarmCount, options.Seed + 1, cancellationToken) : null;
            var run = new EndToEndRun(options, server, maildir, manifest, queries, warm);
            for (var i = 1; i <= options.Runs; i++)
            {
                var result = await run.ExecuteAsync(i, cancellationToken);
                results.Add(result);
                Console.WriteLine();
                Console.WriteLine(ResultTable.Render($"run {i} of {options.Runs}", result));
            }

            var median = results.Count > 1 ? Median(results) : null;
            if (median is not null)
            {
                Console.WriteLine(ResultTable.Render($"median of {results.Count} runs", median));
            }

            if (options.JsonPath is not null)
            {
                await using var file = File.Create(options.JsonPath);
                await JsonSerializer.SerializeAsync(file, new { options.Count, options.Seed, manifest.Bytes, runs = results, median }, Json, cancellationToken);
                Console.WriteLine($"json: {options.JsonPath}");
            }

            return results.All(r => r.Failure is null) ? 0 : 1;
        }
        catch (BenchmarkFailedException e)
        {
            Console.Error.WriteLine($"e2e failed: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("e2e interrupted.");
            return 130;
        }
        catch (Exception e)
        {
            // The command's boundary: an unexpected failure (a refused login, an HTTP timeout) ends it readably,
            // after the using blocks below it have killed Vault and removed its data directory.
            Console.Error.WriteLine($"e2e failed: {e}");
            return 1;
        }
    }

    private static RunResult Median(List<RunResult> runs)
    {
        var median = new RunResult
        {
            Run = 0,
            Messages = runs[0].Messages,
            MailboxBytes = runs[0].MailboxBytes,
            TimeToActiveSeconds = Of(r => r.TimeToActiveSeconds),
            TimeToSearchableSeconds = Of(r => r.TimeToSearchableSeconds),
            MessagesPerSecond = Of(r => r.MessagesPerSecond),
            MegabytesPerSecond = Of(r => r.MegabytesPerSecond),
            CpuSecondsToSearchable = Of(r => r.CpuSecondsToSearchable),
            RuntimeToSearchable = runs.All(r => r.RuntimeToSearchable is not null)
                ? new RuntimeCounters(
                    Of(r => r.RuntimeToSearchable!.JitSeconds)!.Value,
                    (long)Of(r => r.RuntimeToSearchable!.JitMethods)!.Value,
                    Of(r => r.RuntimeToSearchable!.GcPauseSeconds)!.Value,
                    (long)Of(r => r.RuntimeToSearchable!.Gen0)!.Value,
                    (long)Of(r => r.RuntimeToSearchable!.Gen1)!.Value,
                    (long)Of(r => r.RuntimeToSearchable!.Gen2)!.Value,
                    (long)Of(r => r.RuntimeToSearchable!.AllocatedBytes)!.Value)
                : null,
            PeakRssDuringImportMiB = Of(r => r.PeakRssDuringImportMiB),
            PeakRssMiB = Of(r => r.PeakRssMiB),
            DiskBytes = (long?)Of(r => r.DiskBytes),
            IndexBytes = (long?)Of(r => r.IndexBytes),
            SearchSamples = runs.Sum(r => r.SearchSamples),
            SearchP50Milliseconds = Of(r => r.SearchP50Milliseconds),
            SearchP95Milliseconds = Of(r => r.SearchP95Milliseconds),
            FacetedSearchP50Milliseconds = Of(r => r.FacetedSearchP50Milliseconds),
            FacetedSearchP95Milliseconds = Of(r => r.FacetedSearchP95Milliseconds),
            QuietSearchP50Milliseconds = Of(r => r.QuietSearchP50Milliseconds),
            QuietSearchP95Milliseconds = Of(r => r.QuietSearchP95Milliseconds),
            IdleAppendToSearchableMedianSeconds = Of(r => r.IdleAppendToSearchableMedianSeconds),
            NoOpSyncPassMilliseconds = Of(r => r.NoOpSyncPassMilliseconds),
            NoOpSyncPassSource = runs[0].NoOpSyncPassSource,
        };
        if (runs.Any(r => r.Failure is not null))
        {
            median.Notes.Add($"{runs.Count(r => r.Failure is not null)} of {runs.Count} runs failed; medians are of the numbers they produced");
        }

        return median;

        double? Of(Func<RunResult, double?> pick)
        {
            var values = runs.Select(pick).OfType<double>().Order().ToList();
            return values.Count == 0 ? null : values[values.Count / 2];
        }
    }
}
