using System.Diagnostics;
using System.Security.Cryptography;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Sync;

public sealed class ImportKillTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Import_killed_three_times_ends_with_exactly_the_servers_messages()
    {
        await using var harness = await SyncHarness.CreateAsync("kill", cancellationToken: Token);
        var corpus = await TestDovecot.RunGeneratorAsync(2000, 42, Token);
        await harness.Dovecot.FillFromMaildirAsync(harness.User, corpus.Maildir, Token);

        long archived = 0;
        for (var kill = 0; kill < 3; kill++)
        {
            using var runner = StartRunner(harness);
            var target = archived + 50 + RandomNumberGenerator.GetInt32(400);
            await Deadline.UntilAsync(
                async () => runner.HasExited || await harness.Store.CountMessagesAsync(harness.SourceId, Token) >= target,
                TimeSpan.FromSeconds(60), "the runner archives something", Token);
            Assert.False(runner.HasExited, $"the runner ended before kill {kill + 1} (exit code {(runner.HasExited ? runner.ExitCode : 0)})");

            // Process.Kill is SIGKILL on Unix: no finally block, no flush, no LOGOUT.
            runner.Kill(entireProcessTree: true);
            await runner.WaitForExitAsync(Token);
            archived = await harness.Store.CountMessagesAsync(harness.SourceId, Token);
        }

        Assert.True(archived < 2000, "the import finished before the third kill");
        using (var last = StartRunner(harness))
        {
            await last.WaitForExitAsync(Token);
            Assert.Equal(0, last.ExitCode);
        }

        var served = await harness.ServedAsync(Token);
        var stored = await harness.ArchivedAsync(Token);
        foreach (var (folder, hashes) in served.Where(f => f.Value.Count > 0))
        {
            // Every served message once per folder location: nothing lost, nothing doubled.
            Assert.Equal(hashes.Order(), stored[folder].Order());
        }
    }

    internal static Process StartRunner(SyncHarness harness)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Vault.Ingestion.ImportRunner.dll"));
        start.ArgumentList.Add(harness.Data.Path);
        start.ArgumentList.Add(harness.SourceId);
        return Process.Start(start) ?? throw new InvalidOperationException("The import runner did not start.");
    }
}
