using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vault.TestSupport;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>
/// The <c>large</c> command (issue 21): N Dovecot users each holding one generated message of M MB (a short text body and
/// one base64 attachment), N sources on one Vault process at once. Prints the process's RSS before, its peak (the
/// kernel's VmHWM) while they archive and index, and the peak while <c>/raw</c> streams one of them back (VmHWM reset
/// through <c>/proc/&lt;pid&gt;/clear_refs</c> first), with the time each took and whether the bytes came back exact.
/// </summary>
public static class LargeMessageBenchmark
{
    public static async Task<int> RunAsync(int sizeMb, int sources, CancellationToken cancellationToken)
    {
        var server = await MailboxServer.EnsureRunningAsync(cancellationToken);
        await VaultProcess.BuildAsync(cancellationToken);
        Directory.CreateDirectory(CorpusCache.Root);
        var path = Path.Combine(CorpusCache.Root, $"large-{sizeMb}mb-{Guid.NewGuid():N}.eml");
        var users = new List<TestUser>();
        try
        {
            var message = await LargeMessage.WriteAsync(path, sizeMb * 1024L * 1024, seed: 21, cancellationToken);
            for (var i = 0; i < sources; i++)
            {
                var user = server.Dovecot.CreateUser("bench-large");
                users.Add(user);
                await server.Dovecot.AppendFileAsync(user, "INBOX", path, cancellationToken);
            }

            File.Delete(path);
            Console.WriteLine($"dovecot: {sources} users, each with one {message.Length / 1e6:F1} MB message");

            await using var vault = await VaultProcess.StartAsync(TimeSpan.FromMinutes(5), cancellationToken);
            using var api = new VaultApiClient(vault.BaseAddress, vault.ApiKey);
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            var before = vault.ReadMemory() ?? default;
            ResetPeak(vault);

            var clock = Stopwatch.StartNew();
            var ids = new List<string>();
            foreach (var user in users)
            {
                ids.Add(await api.CreateImapSourceAsync(user.Name, server.Dovecot.Host, server.Dovecot.ImapPort, user.Name, user.Password, cancellationToken));
            }

            var (active, indexed) = await WaitSettledAsync(api, ids, TimeSpan.FromSeconds(60 + (sizeMb * sources / 5)), clock, cancellationToken);
            var archivePeak = vault.ReadMemory()?.PeakRss ?? 0;
            var (bodyHits, _) = await api.SearchAsync(message.BodyWord, cancellationToken);
            var (attachmentHits, _) = await api.SearchAsync($"attachment:{message.AttachmentName}", cancellationToken);

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var beforeRaw = vault.ReadMemory()?.Rss ?? 0;
            ResetPeak(vault);
            var messageId = await api.FirstMessageIdAsync(ids[0], cancellationToken);
            var raw = Stopwatch.StartNew();
            var (rawLength, rawSha) = await api.HashRawAsync(messageId, cancellationToken);
            raw.Stop();
            var rawPeak = vault.ReadMemory()?.PeakRss ?? 0;

            Console.WriteLine();
            Console.WriteLine($"| {sources} source(s), each archiving one {message.Length / 1e6:F0} MB message at once | value |");
            Console.WriteLine("|---|---|");
            Console.WriteLine($"| RSS before the sources | {Mib(before.Rss)} |");
            Console.WriteLine($"| peak RSS (VmHWM) while archiving and indexing | {Mib(archivePeak)} (+{Mib(archivePeak - before.Rss)}) |");
            Console.WriteLine($"| all Active after / all indexed after | {active.TotalSeconds:F1} s / {indexed.TotalSeconds:F1} s |");
            Console.WriteLine($"| search for the body word / the attachment name | {bodyHits} / {attachmentHits} hits (of {sources}) |");
            Console.WriteLine($"| GET /raw: bytes, exact | {rawLength / 1e6:F1} MB in {raw.Elapsed.TotalSeconds:F1} s, {(rawSha == message.Sha256 ? "exact" : "DIFFERENT")} |");
            Console.WriteLine($"| RSS before /raw / peak during it | {Mib(beforeRaw)} / {Mib(rawPeak)} (+{Mib(rawPeak - beforeRaw)}) |");
            return rawSha == message.Sha256 && bodyHits == sources && attachmentHits == sources ? 0 : 1;
        }
        catch (BenchmarkFailedException e)
        {
            Console.Error.WriteLine($"large failed: {e.Message}");
            return 1;
        }
        finally
        {
            File.Delete(path);
            foreach (var user in users)
            {
                server.Dovecot.DeleteUser(user);
            }
        }
    }

    /// <summary>Parses <c>[--size 200] [--sources 1]</c> (size in MB).</summary>
    public static (int SizeMb, int Sources)? Parse(ReadOnlySpan<string> args)
    {
        int size = 200, sources = 1;
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                switch (args[i])
                {
                    case "--size":
                        size = value;
                        continue;
                    case "--sources":
                        sources = value;
                        continue;
                }
            }

            Console.Error.WriteLine($"large: unknown or invalid argument '{args[i]}' (use --size MB --sources N)");
            return null;
        }

        return (size, sources);
    }

    private static async Task<(TimeSpan Active, TimeSpan Indexed)> WaitSettledAsync(VaultApiClient api, List<string> ids, TimeSpan deadline, Stopwatch clock, CancellationToken cancellationToken)
    {
        TimeSpan? active = null;
        while (clock.Elapsed < deadline)
        {
            var sources = (await api.ListSourcesAsync(cancellationToken)).EnumerateArray().Where(s => ids.Contains(s.GetProperty("id").GetString()!)).ToList();
            if (sources.FirstOrDefault(s => s.GetProperty("status").GetString() == "Error") is { ValueKind: JsonValueKind.Object } failed)
            {
                throw new BenchmarkFailedException($"a source failed: {failed.GetProperty("error")}");
            }

            var allActive = sources.Count == ids.Count && sources.All(s => s.GetProperty("status").GetString() == "Active");
            active ??= allActive ? clock.Elapsed : null;
            if (allActive && sources.All(s => s.GetProperty("progress").GetProperty("messagesIndexed").GetInt64() == 1))
            {
                return (active!.Value, clock.Elapsed);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        throw new BenchmarkFailedException($"Not all {ids.Count} sources were Active and indexed within {deadline.TotalSeconds:F0} s.");
    }

    /// <summary>Writing 5 to clear_refs resets the process's VmHWM to its current RSS (Linux 4.0+).</summary>
    private static void ResetPeak(VaultProcess vault) => File.WriteAllText($"/proc/{vault.ProcessId}/clear_refs", "5");

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024:F0} MiB");
}
