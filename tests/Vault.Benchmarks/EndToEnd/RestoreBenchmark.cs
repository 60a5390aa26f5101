using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vault.TestSupport;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>
/// The <c>restore</c> command: restore throughput into Dovecot. The generated mailbox in one Dovecot user is archived by a
/// Vault process (Release), then <c>POST /api/sources/{id}/restore</c> puts it into a second, empty user; the restore's
/// own start and finish times give messages/s and MB/s (bytes appended), the process's VmRSS is sampled meanwhile.
/// A second restore into the same user then measures the pass that finds every message there and appends nothing.
/// </summary>
public static class RestoreBenchmark
{
    public static async Task<int> RunAsync(int count, int seed, CancellationToken cancellationToken)
    {
        var users = new List<TestUser>();
        MailboxServer? server = null;
        try
        {
            var generator = Path.Combine(SharedFolder.Root ?? Path.Combine(RepositoryRoot.Path, "..", "shared"), "bench", "gen_corpus.py");
            if (!File.Exists(generator))
            {
                throw new BenchmarkFailedException($"The corpus generator {generator} is missing (set VAULT_SHARED_DIR to the shared folder).");
            }

            var (maildir, manifest) = await CorpusCache.EnsureAsync(generator, count, seed, cancellationToken);
            server = await MailboxServer.EnsureRunningAsync(cancellationToken);
            await VaultProcess.BuildAsync(cancellationToken);
            var owner = await server.CreateFilledUserAsync(maildir, manifest.Count, cancellationToken);
            users.Add(owner);
            var target = server.Dovecot.CreateUser("bench-restore-to");
            users.Add(target);

            await using var vault = await VaultProcess.StartAsync(TimeSpan.FromMinutes(5), cancellationToken);
            using var api = new VaultApiClient(vault.BaseAddress, vault.ApiKey);
            using var http = new HttpClient { BaseAddress = vault.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", vault.ApiKey);
            var sourceId = await api.CreateImapSourceAsync("restore bench", server.Dovecot.Host, server.Dovecot.ImapPort, owner.Name, owner.Password, cancellationToken);
            await WaitArchivedAsync(api, sourceId, manifest.Count, cancellationToken);
            Console.WriteLine($"vault: archived {manifest.Count} messages; restoring into {target.Name}");

            var first = await RestoreAsync(http, vault, sourceId, server.Dovecot, target, cancellationToken);
            var again = await RestoreAsync(http, vault, sourceId, server.Dovecot, target, cancellationToken);

            Console.WriteLine();
            Console.WriteLine($"| restore of the {manifest.Count:N0}-message generated mailbox ({manifest.Bytes / 1e6:F0} MB) into an empty Dovecot user, plain IMAP on loopback | value |");
            Console.WriteLine("|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| restored / skipped | {first.Restored:N0} / {first.Skipped:N0} in {first.Elapsed.TotalSeconds:F1} s |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| throughput | {first.Restored / first.Elapsed.TotalSeconds:F0} messages/s, {first.Bytes / 1e6 / first.Elapsed.TotalSeconds:F1} MB/s |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Vault RSS before / peak during the restore | {Mib(first.RssBefore)} / {Mib(first.PeakRss)} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Vault CPU time during the restore (the rest is Dovecot and waiting) | {first.Cpu.TotalSeconds:F1} s |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| second restore (all found, none appended): restored / skipped | {again.Restored:N0} / {again.Skipped:N0} in {again.Elapsed.TotalSeconds:F1} s ({again.Skipped / again.Elapsed.TotalSeconds:F0} messages/s) |"));
            return 0;
        }
        catch (BenchmarkFailedException e)
        {
            Console.Error.WriteLine($"restore failed: {e.Message}");
            return 1;
        }
        finally
        {
            foreach (var user in users)
            {
                server?.Dovecot.DeleteUser(user);
            }
        }
    }

    private sealed record Result(long Restored, long Skipped, long Bytes, TimeSpan Elapsed, long RssBefore, long PeakRss, TimeSpan Cpu);

    private static async Task<Result> RestoreAsync(HttpClient http, VaultProcess vault, string sourceId, TestDovecot dovecot, TestUser target, CancellationToken cancellationToken)
    {
        var rssBefore = vault.ReadMemory()?.Rss ?? 0;
        var cpuBefore = vault.ReadCpuTime() ?? TimeSpan.Zero;
        using var started = await http.PostAsJsonAsync(
            new Uri($"/api/sources/{sourceId}/restore", UriKind.Relative),
            new { host = dovecot.Host, port = dovecot.ImapPort, tls = false, username = target.Name, password = target.Password },
            cancellationToken);
        var body = await started.Content.ReadAsStringAsync(cancellationToken);
        if (!started.IsSuccessStatusCode)
        {
            throw new BenchmarkFailedException($"POST restore answered {(int)started.StatusCode}: {body}");
        }

        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        long peak = rssBefore;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(30))
        {
            peak = Math.Max(peak, vault.ReadMemory()?.Rss ?? 0);
            using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/restores/{id}", UriKind.Relative), cancellationToken));
            var restore = document.RootElement;
            switch (restore.GetProperty("status").GetString())
            {
                case "Completed":
                    var elapsed = restore.GetProperty("finishedAt").GetDateTimeOffset() - restore.GetProperty("createdAt").GetDateTimeOffset();
                    return new Result(restore.GetProperty("messagesRestored").GetInt64(), restore.GetProperty("messagesSkipped").GetInt64(),
                        restore.GetProperty("bytesRestored").GetInt64(), elapsed, rssBefore, peak, (vault.ReadCpuTime() ?? TimeSpan.Zero) - cpuBefore);
                case "Failed":
                    throw new BenchmarkFailedException($"The restore failed: {restore.GetProperty("error")}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        throw new BenchmarkFailedException("The restore did not finish within 30 minutes.");
    }

    private static async Task WaitArchivedAsync(VaultApiClient api, string sourceId, int count, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            var source = await api.GetSourceAsync(sourceId, cancellationToken);
            if (source.GetProperty("status").GetString() == "Active" && source.GetProperty("progress").GetProperty("messagesIndexed").GetInt64() >= count)
            {
                return;
            }

            if (source.GetProperty("status").GetString() == "Error")
            {
                throw new BenchmarkFailedException($"The source failed: {source.GetProperty("error")}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        throw new BenchmarkFailedException("The source was not archived within 10 minutes.");
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F0} MiB");
}
