using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using MimeKit;
using Vault.TestSupport;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>
/// One measured run: a fresh Dovecot user holding the mailbox, a fresh Vault process, one IMAP source, then every
/// number of ARCHITECTURE.md's table. Every wait has a deadline; a stuck phase ends the run with what it saw.
/// </summary>
public sealed class EndToEndRun(
    EndToEndOptions options, MailboxServer server, string maildir, CorpusManifest manifest, IReadOnlyList<string> queries,
    (string Maildir, CorpusManifest Manifest)? warm)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);
    private const int IdleProbes = 5;
    private const int MeasuredSearches = 200;
    private static readonly TimeSpan StatusPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan SearchPoll = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan IdleDeadline = TimeSpan.FromSeconds(30);

    public async Task<RunResult> ExecuteAsync(int run, CancellationToken cancellationToken)
    {
        var user = await server.CreateFilledUserAsync(maildir, manifest.Count, cancellationToken);
        var warmUser = warm is { } w ? await server.CreateFilledUserAsync(w.Maildir, w.Manifest.Count, cancellationToken) : null;
        try
        {
            return await MeasureAsync(run, user, warmUser, cancellationToken);
        }
        finally
        {
            // Each run's mailbox is a full copy (308 MB for 10,000 messages): repeated runs must not fill the disk.
            server.Dovecot.DeleteUser(user);
            if (warmUser is not null)
            {
                server.Dovecot.DeleteUser(warmUser);
            }
        }
    }

    private async Task<RunResult> MeasureAsync(int run, TestUser user, TestUser? warmUser, CancellationToken cancellationToken)
    {
        var result = new RunResult { Run = run, Messages = manifest.Count, MailboxBytes = manifest.Bytes };
        await using var vault = await VaultProcess.StartAsync(PollInterval, cancellationToken);
        await using var memory = new MemorySampler(vault);
        using var api = new VaultApiClient(vault.BaseAddress, vault.ApiKey);
        try
        {
            long warmDisk = 0, warmIndex = 0;
            if (warmUser is not null)
            {
                await WarmUpAsync(api, vault, warmUser, result, cancellationToken);
                var written = DiskUsage.Measure(vault.DataDirectory);
                (warmDisk, warmIndex) = (written.Total, written.Index ?? 0);
            }

            // Other work on the machine skews every number here; say how busy it was.
            result.Notes.Add($"load average before create (1/5/15 min): {string.Join(' ', (await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Split(' ').Take(3))}, {Environment.ProcessorCount} cores");
            var runtimeBefore = RuntimeCounters.Parse(await api.GetMetricsAsync(cancellationToken));
            var cpuBefore = vault.ReadCpuTime();
            var sourceId = await ImportAsync(api, vault, user, result, cancellationToken);
            memory.MarkImportDone();
            result.CpuSecondsToSearchable = (vault.ReadCpuTime() - cpuBefore)?.TotalSeconds;
            result.RuntimeToSearchable = RuntimeCounters.Parse(await api.GetMetricsAsync(cancellationToken)) is { } runtimeAfter && runtimeBefore is not null
                ? runtimeAfter.Since(runtimeBefore)
                : null;
            result.PeakRssDuringImportMiB = memory.ImportPeakRss / 1048576.0;

            await MeasureSearchLatencyAsync(api, result, cancellationToken);

            // At rest: a merge still running has its output and its inputs on disk at once (at 100,000 messages the index
            // measured 266-338 MB across runs). Less what the warm-up import had written (the breakdown is of it all).
            using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                quiet.CancelAfter(TimeSpan.FromMinutes(2));
                try
                {
                    await WaitForQuietAsync(vault, quiet.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    result.Notes.Add("Vault's CPU was not quiet within 2 minutes of the searches; disk measured while it worked");
                }
            }

            (result.QuietSearchP50Milliseconds, result.QuietSearchP95Milliseconds) = await MeasureQueriesAsync(api, "", cancellationToken);
            Console.WriteLine($"run {result.Run}: once quiet, search p50 {result.QuietSearchP50Milliseconds:F2} ms, p95 {result.QuietSearchP95Milliseconds:F2} ms");

            var (total, index, byEntry) = DiskUsage.Measure(vault.DataDirectory);
            result.DiskBytes = total - warmDisk;
            result.IndexBytes = index - warmIndex;
            foreach (var (name, bytes) in byEntry)
            {
                result.DiskBreakdown[name] = bytes;
            }

            await MeasureIdleAsync(api, user, sourceId, result, cancellationToken);

            var (passMilliseconds, passSource) = await SyncPassProbe.MeasureAsync(api, sourceId, PollInterval, cancellationToken);
            result.NoOpSyncPassMilliseconds = passMilliseconds;
            result.NoOpSyncPassSource = passSource;
        }
        catch (BenchmarkFailedException e)
        {
            result.Failure = e.Message;
        }
        finally
        {
            result.PeakRssMiB = (memory.KernelPeakRss() ?? memory.PeakRss) / 1048576.0;
            if (vault.HasExited)
            {
                result.Notes.Add($"Vault exited during the run; log {vault.LogPath}");
            }
        }

        return result;
    }

    /// <summary>Create the source, then watch status (every 50 ms) and search (as fast as it answers) until both are done.</summary>
    private async Task<string> ImportAsync(VaultApiClient api, VaultProcess vault, TestUser user, RunResult result, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.ImportDeadline);
        var created = Stopwatch.GetTimestamp();
        var sourceId = await api.CreateImapSourceAsync($"bench {user.Name}", server.Dovecot.Host, server.Dovecot.ImapPort, user.Name, user.Password, deadline.Token);
        Console.WriteLine($"run {result.Run}: source {sourceId} created; importing {manifest.Count} messages");

        var lastSource = default(JsonElement);
        var lastSearch = "no search answered yet";
        var searchableSeen = false;
        var active = WatchStatusAsync();
        var searchable = WatchSearchAsync();
        try
        {
            // Whichever ends first: a failure of either (Error status, duplicates) ends the import at once.
            await await Task.WhenAny(active, searchable);
            var activeAt = await active;
            result.TimeToActiveSeconds = activeAt.TotalSeconds;
            result.MessagesPerSecond = manifest.Count / activeAt.TotalSeconds;
            result.MegabytesPerSecond = manifest.Bytes / 1e6 / activeAt.TotalSeconds;
            Console.WriteLine($"run {result.Run}: Active after {activeAt.TotalSeconds:F2} s");
            var searchableAt = await searchable;
            result.TimeToSearchableSeconds = searchableAt.TotalSeconds;
            Console.WriteLine($"run {result.Run}: searchable after {searchableAt.TotalSeconds:F2} s");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new BenchmarkFailedException(
                $"Import not done within {options.ImportDeadline}: Active {(active.IsCompletedSuccessfully ? "reached" : "not reached")}, " +
                $"searchable {(searchable.IsCompletedSuccessfully ? "reached" : "not reached")}.\n" +
                $"  last source: {(lastSource.ValueKind == JsonValueKind.Undefined ? "none" : lastSource.GetRawText())}\n" +
                $"  last search: {lastSearch}\n  Vault log {vault.LogPath}:\n{vault.LogTail(20)}");
        }
        finally
        {
            await deadline.CancelAsync();
            await ((Task)Task.WhenAll(active, searchable)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return sourceId;

        async Task<TimeSpan> WatchStatusAsync()
        {
            string? reportedError = null;
            TimeSpan? activeAt = null;
            // Milestones: when each step of messages was archived, and searchable (progress.messagesIndexed), so growth shows.
            result.MilestoneStep = manifest.Count >= 20_000 ? 10_000 : 1_000;
            var archivedAt = new SortedDictionary<long, double>();
            var indexedAt = new SortedDictionary<long, double>();
            while (true)
            {
                deadline.Token.ThrowIfCancellationRequested();
                lastSource = await api.GetSourceAsync(sourceId, deadline.Token);
                var status = lastSource.GetProperty("status").GetString();
                var progress = lastSource.GetProperty("progress");
                var now = Stopwatch.GetElapsedTime(created).TotalSeconds;
                for (var step = (long)result.MilestoneStep; step <= progress.GetProperty("messagesArchived").GetInt64(); step += result.MilestoneStep)
                {
                    archivedAt.TryAdd(step, now);
                }

                for (var step = (long)result.MilestoneStep; step <= progress.GetProperty("messagesIndexed").GetInt64(); step += result.MilestoneStep)
                {
                    indexedAt.TryAdd(step, now);
                }

                if (status == "Active")
                {
                    activeAt ??= Stopwatch.GetElapsedTime(created);
                    if (progress.GetProperty("messagesIndexed").GetInt64() >= manifest.Count || Volatile.Read(ref searchableSeen))
                    {
                        result.Milestones.AddRange(archivedAt.Keys.Union(indexedAt.Keys).Order()
                            .Select(m => (m, archivedAt.TryGetValue(m, out var a) ? a : (double?)null, indexedAt.TryGetValue(m, out var i) ? i : (double?)null)));
                        return activeAt.Value;
                    }
                }

                if (status == "Error" && lastSource.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                {
                    // No retry planned means a person must act: waiting longer only hides the cause.
                    if (!error.TryGetProperty("nextRetryAt", out var retry) || retry.ValueKind == JsonValueKind.Null)
                    {
                        throw new BenchmarkFailedException($"Source went to Error with no retry planned: {error.GetRawText()}");
                    }

                    if (reportedError != error.GetRawText())
                    {
                        reportedError = error.GetRawText();
                        Console.WriteLine($"run {result.Run}: source in Error, retry planned: {reportedError}");
                    }
                }

                await Task.Delay(StatusPoll, deadline.Token);
            }
        }

        async Task<TimeSpan> WatchSearchAsync()
        {
            var all = $"source:{sourceId}";
            while (true)
            {
                // Searches start once the status poll (every 50 ms) shows every message indexed: searching all the time
                // while the import runs would load Vault with work that grows with the mailbox (at 100,000 messages
                // ~15% of its CPU), and the answer that ends the wait still comes from search.
                if (lastSource.ValueKind != JsonValueKind.Object
                    || lastSource.GetProperty("progress").GetProperty("messagesIndexed").GetInt64() < manifest.Count)
                {
                    await Task.Delay(SearchPoll, deadline.Token);
                    continue;
                }

                var total = await api.CountAsync(all, deadline.Token);
                lastSearch = $"{all} -> {total} of {manifest.Count}";
                if (total == manifest.Count)
                {
                    var mismatches = new List<string>();
                    foreach (var (name, query, expected) in manifest.NeedleQueries())
                    {
                        // Within the source: a warm-up mailbox (--warm) has the same needle words.
                        var found = await api.CountAsync($"{all} {query}", deadline.Token);
                        if (found != expected)
                        {
                            mismatches.Add($"{name} {query} -> {found}, manifest says {expected}");
                        }
                    }

                    if (mismatches.Count == 0)
                    {
                        Volatile.Write(ref searchableSeen, true);
                        return Stopwatch.GetElapsedTime(created);
                    }

                    lastSearch += "; needles: " + string.Join("; ", mismatches);
                }
                else if (total > manifest.Count)
                {
                    throw new BenchmarkFailedException($"{all} found {total} messages, more than the {manifest.Count} on the server: duplicates.");
                }

                await Task.Delay(SearchPoll, deadline.Token);
            }
        }
    }

    /// <summary>Until Vault's CPU is quiet: under 5% of a core over half a second (no import, indexing or merge running).</summary>
    private static async Task WaitForQuietAsync(VaultProcess vault, CancellationToken cancellationToken)
    {
        while (true)
        {
            var before = vault.ReadCpuTime();
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            if (vault.ReadCpuTime() - before < TimeSpan.FromMilliseconds(25))
            {
                return;
            }
        }
    }

    /// <summary>
    /// --warm: imports the warm-up mailbox until it is Active and indexed, then waits for Vault's CPU to go quiet, so the
    /// measured import starts in a process that has compiled its code paths.
    /// </summary>
    private async Task WarmUpAsync(VaultApiClient api, VaultProcess vault, TestUser warmUser, RunResult result, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        var count = warm!.Value.Manifest.Count;
        var started = Stopwatch.GetTimestamp();
        var sourceId = await api.CreateImapSourceAsync($"warm-up {warmUser.Name}", server.Dovecot.Host, server.Dovecot.ImapPort, warmUser.Name, warmUser.Password, deadline.Token);
        try
        {
            while (true)
            {
                var source = await api.GetSourceAsync(sourceId, deadline.Token);
                if (source.GetProperty("status").GetString() == "Active" && source.GetProperty("progress").GetProperty("messagesIndexed").GetInt64() >= count)
                {
                    break;
                }

                await Task.Delay(StatusPoll, deadline.Token);
            }

            var imported = Stopwatch.GetElapsedTime(started);
            await WaitForQuietAsync(vault, deadline.Token);

            result.Notes.Add($"warm-up: {count} messages imported and searchable in {imported.TotalSeconds:F2} s, CPU quiet {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s after create; disk and index exclude its data");
            Console.WriteLine($"run {result.Run}: warm-up of {count} messages done in {imported.TotalSeconds:F2} s");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new BenchmarkFailedException($"The warm-up import of {count} messages was not done within 2 minutes; Vault log {vault.LogPath}:\n{vault.LogTail(20)}");
        }
    }

    private async Task MeasureSearchLatencyAsync(VaultApiClient api, RunResult result, CancellationToken cancellationToken)
    {
        (result.SearchP50Milliseconds, result.SearchP95Milliseconds) = await MeasureQueriesAsync(api, "", cancellationToken);
        result.SearchSamples = MeasuredSearches;
        Console.WriteLine($"run {result.Run}: search p50 {result.SearchP50Milliseconds:F2} ms, p95 {result.SearchP95Milliseconds:F2} ms over {MeasuredSearches} queries ({queries.Count} distinct)");
        (result.FacetedSearchP50Milliseconds, result.FacetedSearchP95Milliseconds) = await MeasureQueriesAsync(api, "&facets=folder,year,from,source", cancellationToken);
        Console.WriteLine($"run {result.Run}: with facets p50 {result.FacetedSearchP50Milliseconds:F2} ms, p95 {result.FacetedSearchP95Milliseconds:F2} ms");
    }

    /// <summary>p50 and p95 of <see cref="MeasuredSearches"/> searches cycling through the queries, after one warm-up round.</summary>
    private async Task<(double P50, double P95)> MeasureQueriesAsync(VaultApiClient api, string parameters, CancellationToken cancellationToken)
    {
        // Warm-up: every query once, so the numbers are of a running service, not of JIT and cold caches.
        foreach (var query in queries)
        {
            await api.SearchAsync(query, parameters, cancellationToken);
        }

        var samples = new List<double>(MeasuredSearches);
        for (var i = 0; i < MeasuredSearches; i++)
        {
            var (_, elapsed) = await api.SearchAsync(queries[i % queries.Count], parameters, cancellationToken);
            samples.Add(elapsed.TotalMilliseconds);
        }

        samples.Sort();
        return (Percentile(samples, 0.50), Percentile(samples, 0.95));
    }

    /// <summary>APPEND a message carrying a fresh word to INBOX and time until search finds that word.</summary>
    private async Task MeasureIdleAsync(VaultApiClient api, TestUser user, string sourceId, RunResult result, CancellationToken cancellationToken)
    {
        for (var probe = 0; probe < IdleProbes; probe++)
        {
            var word = "idleprobe" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz", 12);
            await server.AppendAsync(user, ProbeMessage(word), cancellationToken);
            var appended = Stopwatch.GetTimestamp();
            double? seconds = null;
            while (Stopwatch.GetElapsedTime(appended) < IdleDeadline)
            {
                var (found, _) = await api.SearchAsync(word, cancellationToken);
                if (found > 0)
                {
                    seconds = Stopwatch.GetElapsedTime(appended).TotalSeconds;
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
            }

            result.IdleAppendToSearchableSeconds.Add(seconds);
            Console.WriteLine($"run {result.Run}: IDLE probe {probe + 1}: {(seconds is { } s ? $"{s:F3} s" : $"not searchable within {IdleDeadline.TotalSeconds} s")}");
        }

        var measured = result.IdleAppendToSearchableSeconds.OfType<double>().Order().ToList();
        if (measured.Count < IdleProbes)
        {
            result.Notes.Add($"{IdleProbes - measured.Count} of {IdleProbes} IDLE probes were not searchable within {IdleDeadline.TotalSeconds} s (counted as missing)");
        }

        // Missing probes count as +infinity for the median: a Vault that never notices new mail must not look fast.
        result.IdleAppendToSearchableMedianSeconds = measured.Count > IdleProbes / 2 ? measured[IdleProbes / 2] : null;

        var (total, _) = await api.SearchAsync($"source:{sourceId}", cancellationToken);
        if (total != manifest.Count + measured.Count)
        {
            result.Notes.Add($"after the IDLE probes source:{sourceId} finds {total}, expected {manifest.Count + measured.Count}");
        }
    }

    private static byte[] ProbeMessage(string word)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Bench Probe", "probe@example.com"));
        message.To.Add(new MailboxAddress("Bench User", "bench@example.com"));
        message.Subject = $"IDLE probe {word}";
        message.Date = TimeProvider.System.GetUtcNow();
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("bench.example.com");
        message.Body = new TextPart("plain") { Text = $"This message carries the word {word} and nothing else of note.\n" };
        using var buffer = new MemoryStream();
        message.WriteTo(buffer);
        return buffer.ToArray();
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
