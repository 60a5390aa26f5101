using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Vault.TestSupport;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>
/// The <c>sources</c> command: what many idle sources cost. N Dovecot users with a few messages each, N sources on one
/// Vault process; once all are Active and indexed and the process has idled a while, its RSS and threads against the
/// same process before the sources, and the connections Dovecot counts.
/// </summary>
public static class IdleSourcesBenchmark
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync(int count, int messagesEach, bool connector, CancellationToken cancellationToken)
    {
        var server = await MailboxServer.EnsureRunningAsync(cancellationToken);
        await VaultProcess.BuildAsync(cancellationToken);
        var users = new List<TestUser>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var user = server.Dovecot.CreateUser("bench-idle");
                users.Add(user);
                for (var n = 1; n <= messagesEach; n++)
                {
                    await server.Dovecot.AppendAsync(user, "INBOX", Message(user, n), cancellationToken);
                }
            }

            await using var vault = await VaultProcess.StartAsync(TimeSpan.FromMinutes(5), cancellationToken);
            using var api = new VaultApiClient(vault.BaseAddress, vault.ApiKey);
            await Task.Delay(Settle, cancellationToken);
            var before = Sample(vault);
            var sessionsBefore = await server.Dovecot.AllSessionsAsync(cancellationToken, "bench-idle");

            using var sampling = new CancellationTokenSource();
            var sessionSamples = new List<int>();
            var sampler = SampleSessionsAsync(server.Dovecot, sessionSamples, sampling.Token);
            var created = Stopwatch.StartNew();
            if (connector)
            {
                var id = await api.CreateMasterUserConnectorAsync("bench " + users[0].Name, server.Dovecot.Host, server.Dovecot.ImapPort, server.Dovecot.MasterUser, server.Dovecot.MasterPassword, cancellationToken);
                await api.AddMailboxesCsvAsync(id, "username\n" + string.Join('\n', users.Select(u => u.Name)) + "\n", cancellationToken);
            }
            else
            {
                foreach (var user in users)
                {
                    await api.CreateImapSourceAsync(user.Name, server.Dovecot.Host, server.Dovecot.ImapPort, user.Name, user.Password, cancellationToken);
                }
            }

            var creating = created.Elapsed;
            var (active, indexed) = await WaitAllSettledAsync(api, count, messagesEach, created, cancellationToken);
            var peakDuringImport = vault.ReadMemory()?.PeakRss ?? 0;
            await sampling.CancelAsync();
            await sampler;

            await Task.Delay(Settle, cancellationToken);
            var idle = new List<(long Rss, int Threads)>();
            for (var i = 0; i < 10; i++)
            {
                idle.Add(Sample(vault));
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }

            var after = (Rss: Median(idle.Select(s => s.Rss)), Threads: (int)Median(idle.Select(s => (long)s.Threads)));
            var sessions = await server.Dovecot.AllSessionsAsync(cancellationToken, "bench-idle") - sessionsBefore;
            var perSource = (after.Rss - before.Rss) / (double)count;

            Console.WriteLine();
            Console.WriteLine($"| {count} idle {(connector ? "mailboxes of one master-user connector" : "sources")} ({messagesEach} messages each), one Vault process | value |");
            Console.WriteLine("|---|---|");
            Console.WriteLine($"| created over HTTP in | {creating.TotalSeconds:F1} s |");
            Console.WriteLine($"| all Active after | {active.TotalSeconds:F1} s |");
            Console.WriteLine($"| all indexed after | {indexed.TotalSeconds:F1} s |");
            Console.WriteLine($"| RSS before sources / idle with them | {Mib(before.Rss)} / {Mib(after.Rss)} |");
            Console.WriteLine($"| RSS per idle source | {perSource / 1024:F0} KiB |");
            Console.WriteLine($"| peak RSS (VmHWM) | {Mib(peakDuringImport)} |");
            Console.WriteLine($"| threads before / idle with them | {before.Threads} / {after.Threads} |");
            Console.WriteLine($"| IMAP sessions Dovecot counts for them, idle | {sessions} |");
            Console.WriteLine($"| most sessions seen during the import (doveadm who, {sessionSamples.Count} samples) | {(sessionSamples.Count == 0 ? 0 : sessionSamples.Max() - sessionsBefore)} |");
            return 0;
        }
        catch (BenchmarkFailedException e)
        {
            Console.Error.WriteLine($"sources failed: {e.Message}");
            return 1;
        }
        finally
        {
            foreach (var user in users)
            {
                server.Dovecot.DeleteUser(user);
            }
        }
    }

    private static async Task<(TimeSpan Active, TimeSpan Indexed)> WaitAllSettledAsync(VaultApiClient api, int count, int messagesEach, Stopwatch clock, CancellationToken cancellationToken)
    {
        TimeSpan? active = null;
        var deadline = TimeSpan.FromSeconds(60 + count);
        while (clock.Elapsed < deadline)
        {
            var sources = (await api.ListSourcesAsync(cancellationToken)).EnumerateArray().ToList();
            var allActive = sources.Count == count && sources.All(s => s.GetProperty("status").GetString() == "Active");
            active ??= allActive ? clock.Elapsed : null;
            if (allActive && sources.All(s => s.GetProperty("progress").GetProperty("messagesIndexed").GetInt64() == messagesEach))
            {
                return (active!.Value, clock.Elapsed);
            }

            var errors = sources.Where(s => s.GetProperty("status").GetString() == "Error").ToList();
            if (errors.Count > 0)
            {
                throw new BenchmarkFailedException($"{errors.Count} sources failed, e.g. {errors[0].GetProperty("error")}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        throw new BenchmarkFailedException($"Not all {count} sources were Active and indexed within {deadline.TotalSeconds} s.");
    }

    private static async Task SampleSessionsAsync(TestDovecot dovecot, List<int> samples, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                samples.Add(await dovecot.AllSessionsAsync(cancellationToken, "bench-idle"));
            }
        }
        catch (OperationCanceledException)
        {
            // Sampling ends when every source is Active.
        }
    }

    private static (long Rss, int Threads) Sample(VaultProcess vault) =>
        (vault.ReadMemory()?.Rss ?? 0, vault.ReadThreads() ?? 0);

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024:F0} MiB");

    private static byte[] Message(TestUser user, int n) => Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"From: a@example.org\r\nTo: {user.Name}@example.com\r\nSubject: idle {n}\r\nMessage-ID: <{user.Name}.{n}@example.org>\r\nDate: Wed, 01 Mar 2023 10:00:00 +0000\r\n\r\nbody {n}\r\n"));

    /// <summary>Parses <c>[--count N] [--messages M] [--connector]</c>.</summary>
    public static (int Count, int Messages, bool Connector)? Parse(ReadOnlySpan<string> args)
    {
        int count = 200, messages = 5;
        var connector = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--connector")
            {
                connector = true;
                continue;
            }

            if (i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                switch (args[i])
                {
                    case "--count":
                        count = value;
                        i++;
                        continue;
                    case "--messages":
                        messages = value;
                        i++;
                        continue;
                }
            }

            Console.Error.WriteLine($"sources: unknown or invalid argument '{args[i]}' (use --count N --messages M --connector)");
            return null;
        }

        return (count, messages, connector);
    }
}
