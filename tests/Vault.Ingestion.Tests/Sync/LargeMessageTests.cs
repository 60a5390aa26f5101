using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Vault.Archive.Messages;
using Vault.Archive.Sources;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Sync;

[CollectionDefinition(nameof(LargeMessageTests), DisableParallelization = true)]
public sealed class LargeMessagesRunAlone;

/// <summary>
/// Issue 21: a message of hundreds of megabytes is fetched in pieces into a temp file, hashed as it arrives and written
/// to the store from there, so the process grows by about a piece, not by the message. The import runs in a child process
/// (tests/Vault.Ingestion.ImportRunner) whose peak working set measures one import alone, and which can be killed.
/// These tests move about a gigabyte through Dovecot between them: they run alone, not beside other tests' imports.
/// </summary>
[Collection(nameof(LargeMessageTests))]
public sealed class LargeMessageTests
{
    private const long Mib = 1024 * 1024;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_200_MB_message_costs_the_process_less_than_64_MiB_more_than_a_1_MB_one_and_is_archived_exactly()
    {
        await using var harness = await SyncHarness.CreateAsync("large", cancellationToken: Token);
        try
        {
            var small = await DeliverAsync(harness, 1 * Mib, seed: 1);
            using var runner = StartRunner(harness, "--memory");
            var errors = runner.StandardError.ReadToEndAsync(Token);
            // The runner archives the 1 MB message first, then waits: its peak so far is the baseline.
            var warm = await runner.StandardOutput.ReadLineAsync(Token);
            Assert.True(warm?.StartsWith("warm ", StringComparison.Ordinal) == true, $"the runner said '{warm}': {(runner.HasExited ? await errors : "")}");
            var message = await DeliverAsync(harness, 200 * Mib);
            await runner.StandardInput.WriteLineAsync();
            await runner.StandardInput.FlushAsync(Token);
            var report = await runner.StandardOutput.ReadLineAsync(Token);
            await WaitForExitAsync(runner, errors);

            Assert.Equal(2, await harness.Store.CountMessagesAsync(harness.SourceId, Token));
            Assert.NotNull(await harness.Store.FindBySha256Async(harness.SourceId, small.Sha256, Token));
            await AssertArchivedExactlyAsync(harness, message);
            var numbers = report!.Split(' ')[1..].Select(n => long.Parse(n, CultureInfo.InvariantCulture)).ToArray();
            var (peakBefore, peakAfter, allocated) = (numbers[0], numbers[1], numbers[2]);
            var growth = peakAfter - peakBefore;
            TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{message.Length / 1e6:F1} MB archived after a 1 MB one: peak working set {peakBefore / Mib} -> {peakAfter / Mib} MiB (+{growth / Mib} MiB), {allocated / 1e6:F0} MB allocated"));
            // Held whole (as MailKit hands over a FETCH literal), the message alone would have added 200 MiB.
            Assert.True(growth < 64 * Mib, $"the peak working set grew by {growth / Mib} MiB while a {message.Length / Mib} MiB message was archived");
        }
        finally
        {
            harness.Dovecot.DeleteUser(harness.User);
        }
    }

    [Fact]
    public async Task A_kill_in_the_middle_of_a_large_message_and_a_restart_archive_it_once_exactly()
    {
        await using var harness = await SyncHarness.CreateAsync("large-kill", cancellationToken: Token);
        try
        {
            var message = await DeliverAsync(harness, 200 * Mib);
            var temp = Path.Combine(harness.Data.Path, "tmp");

            using (var runner = StartRunner(harness))
            {
                // Mid-transfer: a quarter of the message is in its temp file, nothing is committed yet.
                await Deadline.UntilAsync(
                    () => Task.FromResult(runner.HasExited || SpilledBytes(temp) > message.Length / 4),
                    TimeSpan.FromSeconds(120), "the runner fetches a quarter of the message", Token);
                Assert.False(runner.HasExited, $"the runner ended before the kill (exit code {(runner.HasExited ? runner.ExitCode : 0)})");
                runner.Kill(entireProcessTree: true);
                await runner.WaitForExitAsync(Token);
            }

            Assert.Equal(0, await harness.Store.CountMessagesAsync(harness.SourceId, Token));
            Assert.True(SpilledBytes(temp) > 0, "the killed fetch left its temp file");

            using (var restarted = StartRunner(harness))
            {
                await WaitForExitAsync(restarted, restarted.StandardError.ReadToEndAsync(Token));
            }

            await AssertArchivedOnceExactlyAsync(harness, message);
            Assert.Equal(0, SpilledBytes(temp));
        }
        finally
        {
            harness.Dovecot.DeleteUser(harness.User);
        }
    }

    [Fact]
    public async Task A_connection_cut_in_the_middle_of_a_large_message_fetches_it_again_from_its_start()
    {
        var dovecot = TestDovecot.Require();
        // Pieces of 4 MiB: the cut falls in the fourth piece of the message.
        await using var proxy = new CuttingProxy(dovecot.Host, dovecot.ImapPort, cutAfterBytes: 14 * Mib);
        await using var harness = await SyncHarness.CreateAsync("large-cut", port: proxy.Port, cancellationToken: Token);
        try
        {
            var message = await DeliverAsync(harness, 40 * Mib);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
            var run = harness.CreateSynchronizer().RunAsync(harness.SourceId, stop.Token);

            await Deadline.UntilAsync(async () => (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.ImportCompleted, TimeSpan.FromSeconds(120), "the import finishes after the cut", Token);
            await stop.CancelAsync();
            await run;

            Assert.Equal(1, proxy.Cuts);
            Assert.True(proxy.Connections >= 2, "the engine reconnected after the cut");
            await AssertArchivedOnceExactlyAsync(harness, message);
            var inbox = (await harness.Store.ListFolderStatesAsync(harness.SourceId, Token)).Single(f => f.Folder == "INBOX");
            Assert.Empty(inbox.RetryList);
        }
        finally
        {
            harness.Dovecot.DeleteUser(harness.User);
        }
    }

    [Fact]
    public async Task A_pop3_message_larger_than_the_in_flight_budget_is_archived_exactly()
    {
        // MailKit holds a whole RETR in memory; a message above the budget takes all of it (and is archived whole).
        await using var harness = await SyncHarness.CreateAsync(
            "large-pop3", options => options.MaxInFlightBytes = 8 * Mib, protocol: MailProtocol.Pop3, cancellationToken: Token);
        try
        {
            var message = await DeliverAsync(harness, 24 * Mib);
            await harness.Dovecot.AppendAsync(harness.User, "INBOX", SourceSynchronizerTests.Message("small after large"), Token);

            await harness.CreateSynchronizer().SyncOnceAsync(harness.SourceId, Token);

            Assert.Equal(2, await harness.Store.CountMessagesAsync(harness.SourceId, Token));
            var stored = await harness.Store.FindBySha256Async(harness.SourceId, message.Sha256, Token);
            Assert.NotNull(stored);
            Assert.Equal(message.Sha256, await StoredSha256Async(harness, stored.Id));
        }
        finally
        {
            harness.Dovecot.DeleteUser(harness.User);
        }
    }

    private static async Task<LargeMessage> DeliverAsync(SyncHarness harness, long bytes, int seed = 21)
    {
        using var folder = new TempDirectory("vault-large");
        var message = await LargeMessage.WriteAsync(Path.Combine(folder.Path, "large.eml"), bytes, seed, Token);
        await harness.Dovecot.AppendFileAsync(harness.User, "INBOX", message.Path, Token);
        return message;
    }

    private static async Task AssertArchivedOnceExactlyAsync(SyncHarness harness, LargeMessage message)
    {
        Assert.Equal(1, await harness.Store.CountMessagesAsync(harness.SourceId, Token));
        await AssertArchivedExactlyAsync(harness, message);
    }

    private static async Task AssertArchivedExactlyAsync(SyncHarness harness, LargeMessage message)
    {
        var stored = await harness.Store.FindBySha256Async(harness.SourceId, message.Sha256, Token);
        Assert.NotNull(stored);
        Assert.Equal(message.Length, stored.Size);
        Assert.Equal(["INBOX"], stored.Folders);
        Assert.Equal(message.Sha256, await StoredSha256Async(harness, stored.Id));
    }

    /// <summary>The stored bytes hashed as they are read back, not as the store recorded them.</summary>
    private static async Task<string> StoredSha256Async(SyncHarness harness, string id)
    {
        await using var raw = await harness.Store.OpenRawAsync(id, Token);
        Assert.NotNull(raw);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(raw, Token));
    }

    private static long SpilledBytes(string temp) =>
        Directory.Exists(temp) ? new DirectoryInfo(temp).EnumerateFiles("msg-*.tmp").Sum(f => f.Length) : 0;

    private static async Task WaitForExitAsync(Process runner, Task<string> errors)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(TimeSpan.FromMinutes(3));
        await runner.WaitForExitAsync(deadline.Token);
        Assert.True(runner.ExitCode == 0, $"the runner exited with {runner.ExitCode}: {await errors}");
    }

    private static Process StartRunner(SyncHarness harness, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Vault.Ingestion.ImportRunner.dll"));
        start.ArgumentList.Add(harness.Data.Path);
        start.ArgumentList.Add(harness.SourceId);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The import runner did not start.");
    }
}
