using System.Diagnostics;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Vault.TestSupport;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>The test Dovecot as the benchmark's mail server: started when it is not listening, one fresh user per run.</summary>
public sealed class MailboxServer
{
    private MailboxServer(TestDovecot dovecot) => Dovecot = dovecot;

    public TestDovecot Dovecot { get; }

    public static async Task<MailboxServer> EnsureRunningAsync(CancellationToken cancellationToken)
    {
        // start.sh and TestDovecot read the same variable, with the same default.
        var port = int.Parse(Environment.GetEnvironmentVariable("VAULT_DOVECOT_IMAP_PORT") is { Length: > 0 } configured ? configured : "10143", System.Globalization.CultureInfo.InvariantCulture);
        if (!await IsListeningAsync(port, cancellationToken))
        {
            var script = Path.Combine(RepositoryRoot.Path, "tests", "servers", "dovecot", "start.sh");
            if (!File.Exists(script))
            {
                throw new BenchmarkFailedException($"Dovecot is not listening on {port} and {script} does not exist.");
            }

            Console.WriteLine($"dovecot: starting ({script})");
            // The daemon inherits the script's stdout: a file, not our pipe, or reading its output would never end.
            var log = Path.Combine(CorpusCache.Root, "logs", "dovecot-start.log");
            Directory.CreateDirectory(Path.GetDirectoryName(log)!);
            var started = await ChildProcess.RunAsync(
                "bash", ["-c", "exec bash \"$0\" >\"$1\" 2>&1 </dev/null", script, log], RepositoryRoot.Path, TimeSpan.FromMinutes(5), cancellationToken);
            var output = File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken) : "";
            if (started.ExitCode != 0)
            {
                throw new BenchmarkFailedException($"tests/servers/dovecot/start.sh failed (exit {started.ExitCode}):\n{output}");
            }

            Console.Write(output);
        }

        try
        {
            return new MailboxServer(TestDovecot.Require());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // TestDovecot reports a missing server the xunit way (skip / fail); here it is simply a failed run.
            // xunit marks a dynamic skip with a prefix in the message; the reason follows it.
            var reason = e.Message.Replace("$XunitDynamicSkip$", "", StringComparison.Ordinal);
            throw new BenchmarkFailedException(
                $"The test Dovecot is not usable: {reason}\n(A Dovecot of another checkout on the same port? Give this one its own VAULT_DOVECOT_IMAP_PORT/IMAPS_PORT/POP3_PORT.)", e);
        }
    }

    /// <summary>A fresh user holding the mailbox, with Dovecot's own indexes built, so the first import measures Vault and not Dovecot's cold start.</summary>
    public async Task<TestUser> CreateFilledUserAsync(string maildir, int expectedCount, CancellationToken cancellationToken)
    {
        var user = Dovecot.CreateUser("bench");
        var started = Stopwatch.GetTimestamp();
        await Dovecot.FillFromMaildirAsync(user, maildir, cancellationToken);
        var onServer = await CountMessagesAsync(user, cancellationToken);
        if (onServer != expectedCount)
        {
            throw new BenchmarkFailedException($"Dovecot user {user.Name} holds {onServer} messages after filling, expected {expectedCount}.");
        }

        Console.WriteLine($"dovecot: user {user.Name} holds {onServer} messages (filled in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s)");
        return user;
    }

    public Task AppendAsync(TestUser user, byte[] message, CancellationToken cancellationToken) =>
        Dovecot.AppendAsync(user, "INBOX", message, cancellationToken);

    private async Task<int> CountMessagesAsync(TestUser user, CancellationToken cancellationToken)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(Dovecot.Host, Dovecot.ImapPort, SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(user.Name, user.Password, cancellationToken);
        var total = 0;
        var personal = client.GetFolder(client.PersonalNamespaces[0]);
        var folders = await personal.GetSubfoldersAsync(StatusItems.None, subscribedOnly: false, cancellationToken);
        var all = new List<IMailFolder> { client.Inbox };
        all.AddRange(await FlattenAsync(folders, cancellationToken));
        foreach (var folder in all.DistinctBy(f => f.FullName))
        {
            if (folder.Attributes.HasFlag(FolderAttributes.NoSelect) || folder.Attributes.HasFlag(FolderAttributes.NonExistent))
            {
                continue;
            }

            // STATUS makes Dovecot open (and index) every folder now rather than during the measured import.
            await folder.StatusAsync(StatusItems.Count, cancellationToken);
            total += folder.Count;
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
        return total;
    }

    private static async Task<List<IMailFolder>> FlattenAsync(IEnumerable<IMailFolder> folders, CancellationToken cancellationToken)
    {
        var all = new List<IMailFolder>();
        foreach (var folder in folders)
        {
            all.Add(folder);
            var children = await folder.GetSubfoldersAsync(StatusItems.None, subscribedOnly: false, cancellationToken);
            all.AddRange(await FlattenAsync(children, cancellationToken));
        }

        return all;
    }

    private static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
