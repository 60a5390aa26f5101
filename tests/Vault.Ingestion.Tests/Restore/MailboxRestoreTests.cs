using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Vault.Archive.Jobs;
using Vault.Ingestion.Errors;
using Vault.Ingestion.Restore;
using Vault.Ingestion.Tests.Sync;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Restore;

/// <summary>Restores of an archived Dovecot user into a second Dovecot user, compared message by message over IMAP.</summary>
public sealed class MailboxRestoreTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<RestoreHarness> GeneratedAsync(string prefix, int count, int seed) =>
        await RestoreHarness.CreateAsync(prefix, async source =>
        {
            var corpus = await TestDovecot.RunGeneratorAsync(count, seed, Token);
            await source.Dovecot.FillFromMaildirAsync(source.User, corpus.Maildir, Token);
            await KeywordsAsync(source);
        }, Token);

    /// <summary>Keywords (RFC 3501 §2.3.2) on a few INBOX messages, which the generator's Maildir cannot carry.</summary>
    private static async Task KeywordsAsync(SyncHarness source)
    {
        using var client = await source.ConnectAsync(Token);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite, Token);
        var uids = (await client.Inbox.SearchAsync(MailKit.Search.SearchQuery.All, Token)).Take(3).ToList();
        await client.Inbox.StoreAsync(uids, new StoreFlagsRequest(StoreAction.Add, ["$Forwarded", "Project-X"]), Token);
        await client.DisconnectAsync(true, Token);
    }

    [Fact]
    public async Task Restore_into_another_user_gives_the_same_folders_bytes_flags_and_internaldate_and_a_rerun_appends_nothing()
    {
        await using var harness = await GeneratedAsync("restore", 400, 7);
        var restore = await harness.NewRestoreAsync(Token);

        var done = await harness.Restorer().RunAsync(restore.Id, Token);

        var source = await harness.SourceMailboxAsync(Token);
        var target = await harness.TargetMailboxAsync(Token);
        Assert.Equal(JobStatus.Completed, done!.Status);
        Assert.True(source.Count > 5, "the generated mailbox has several folders");
        Assert.Contains(source.Values.SelectMany(v => v), line => line.Contains("[$Forwarded Project-X]", StringComparison.Ordinal));
        Assert.Equal(source, target);
        var messages = MailboxSnapshot.Count(source);
        Assert.Equal((messages, messages, 0L, 0L, 0L), (done.MessagesTotal, done.MessagesRestored, done.MessagesSkipped, done.MessagesNormalized, done.MessagesFailed));
        Assert.True(done.BytesRestored > 0);
        Assert.Null(done.Error);

        // The same restore run again, and a second restore of the same source: each message is found, none appended.
        var again = await harness.Restorer().RunAsync((await harness.NewRestoreAsync(Token)).Id, Token);
        Assert.Equal((JobStatus.Completed, 0L, (long)messages), (again!.Status, again.MessagesRestored, again.MessagesSkipped));
        Assert.Equal(source, await harness.TargetMailboxAsync(Token));
    }

    [Fact]
    public async Task The_mime_corpus_is_restored_byte_for_byte_where_the_server_can_keep_it_and_a_rerun_appends_nothing()
    {
        var files = SharedFolder.CorpusMessages();
        await using var harness = await RestoreHarness.CreateAsync("restore-corpus", source => source.FillFolderAsync("Corpus", files, Token), Token);
        var restore = await harness.NewRestoreAsync(Token, change: r => r with { Target = r.Target with { FolderPrefix = "Restored/From Vault" } });

        var done = await harness.Restorer().RunAsync(restore.Id, Token);

        Assert.Equal(JobStatus.Completed, done!.Status);
        // Equal bytes are one archived message (dedup per source), so the served side counts each content once.
        var served = (await MailboxSnapshot.ContentsAsync(harness.Dovecot, harness.Source.User, "Corpus", Token)).DistinctBy(m => m.Exact).ToList();
        var restored = await MailboxSnapshot.ContentsAsync(harness.Dovecot, harness.Target, "Restored/From Vault/Corpus", Token);
        var restoredExact = restored.Select(m => m.Exact).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(served.Count, restored.Count);
        // Every message arrives once; all but a handful byte for byte.
        Assert.Equal(served.Select(m => m.LineEndFree).Order(StringComparer.Ordinal), restored.Select(m => m.LineEndFree).Order(StringComparer.Ordinal));
        var exact = served.Where(m => m.Representable).ToList();
        Assert.True(exact.Count > served.Count * 9 / 10, $"most of the corpus can be kept exactly ({exact.Count} of {served.Count})");
        Assert.All(exact, m => Assert.Contains(m.Exact, restoredExact));
        Assert.Equal(0L, done.MessagesFailed);
        Assert.InRange(done.MessagesNormalized, 1, served.Count - exact.Count);

        // The messages whose bytes changed on the way are recognised as well: nothing is appended twice.
        var again = await harness.Restorer().RunAsync((await harness.NewRestoreAsync(Token, change: r => r with { Target = r.Target with { FolderPrefix = "Restored/From Vault" } })).Id, Token);
        Assert.Equal((JobStatus.Completed, 0L, (long)served.Count), (again!.Status, again.MessagesRestored, again.MessagesSkipped));
        Assert.Equal(served.Count, (await MailboxSnapshot.ContentsAsync(harness.Dovecot, harness.Target, "Restored/From Vault/Corpus", Token)).Count);
    }

    [Fact]
    public async Task A_connection_cut_inside_an_append_is_retried_and_the_restore_ends_exact()
    {
        await using var harness = await GeneratedAsync("restore-cut", 300, 11);
        // About a third of the way into what the client uploads: inside one MULTIAPPEND's literals.
        await using var proxy = new CuttingProxy(harness.Dovecot.Host, harness.Dovecot.ImapPort, 3_000_000, countUpstream: true);
        var restore = await harness.NewRestoreAsync(Token, port: proxy.Port);

        var done = await harness.Restorer().RunAsync(restore.Id, Token);

        Assert.True(proxy.HasCut, "the proxy cut the connection");
        Assert.True(proxy.Connections >= 2, "the restore reconnected");
        Assert.Equal(JobStatus.Completed, done!.Status);
        var source = await harness.SourceMailboxAsync(Token);
        Assert.Equal(source, await harness.TargetMailboxAsync(Token));
        Assert.Equal(MailboxSnapshot.Count(source), done.MessagesRestored + done.MessagesSkipped);
    }

    [Fact]
    public async Task A_cut_that_outlasts_the_attempts_fails_with_a_classified_error_and_a_resume_ends_exact()
    {
        await using var harness = await GeneratedAsync("restore-resume", 300, 13);
        await using var proxy = new CuttingProxy(harness.Dovecot.Host, harness.Dovecot.ImapPort, 2_000_000, countUpstream: true);
        var restore = await harness.NewRestoreAsync(Token, port: proxy.Port);

        var failed = await harness.Restorer(new RestoreOptions { MaxAttempts = 1 }).RunAsync(restore.Id, Token);

        Assert.Equal(JobStatus.Failed, failed!.Status);
        Assert.Equal(ErrorCodes.ProtocolError, failed.Error!.Code);
        Assert.False(string.IsNullOrWhiteSpace(failed.Error.Message));
        Assert.False(string.IsNullOrWhiteSpace(failed.Error.Hint));
        Assert.Null(failed.Error.NextRetryAt);
        Assert.True(failed.MessagesRestored > 0, "something was restored before the cut");
        var total = failed.MessagesTotal;
        Assert.True(failed.MessagesRestored < total, "the cut came before the end");

        // Resume: Running again from the checkpoint; what the cut APPEND left (nothing, RFC 3502) or what landed after
        // the checkpoint is found on the target.
        await harness.Source.Store.SaveRestoreAsync(failed with { Status = JobStatus.Running, Error = null, FinishedAt = null }, Token);
        var done = await harness.Restorer().RunAsync(restore.Id, Token);

        Assert.Equal(JobStatus.Completed, done!.Status);
        var source = await harness.SourceMailboxAsync(Token);
        Assert.Equal(source, await harness.TargetMailboxAsync(Token));
        Assert.Equal(total, done.MessagesRestored + done.MessagesSkipped);
    }

    [Fact]
    public async Task A_restore_killed_three_times_and_resumed_holds_every_message_once()
    {
        await using var harness = await GeneratedAsync("restore-kill", 600, 17);
        var restore = await harness.NewRestoreAsync(Token);
        long restored = 0;
        for (var kill = 0; kill < 3; kill++)
        {
            using var runner = StartRunner(harness, restore.Id);
            var target = restored + 40;
            await Deadline.UntilAsync(
                async () => runner.HasExited || (await harness.Source.Store.GetRestoreAsync(restore.Id, Token))!.MessagesRestored >= target,
                TimeSpan.FromSeconds(90), "the runner restores something", Token);
            Assert.False(runner.HasExited, $"the runner ended before kill {kill + 1} (exit code {(runner.HasExited ? runner.ExitCode : 0)})");

            // SIGKILL: no finally, no LOGOUT, possibly between an APPEND and the checkpoint that covers it.
            runner.Kill(entireProcessTree: true);
            await runner.WaitForExitAsync(Token);
            restored = (await harness.Source.Store.GetRestoreAsync(restore.Id, Token))!.MessagesRestored;
        }

        using (var last = StartRunner(harness, restore.Id))
        {
            await last.WaitForExitAsync(Token);
            Assert.Equal(0, last.ExitCode);
        }

        var done = await harness.Source.Store.GetRestoreAsync(restore.Id, Token);
        Assert.Equal(JobStatus.Completed, done!.Status);
        var source = await harness.SourceMailboxAsync(Token);
        Assert.True(restored < MailboxSnapshot.Count(source), "the restore finished before the third kill");
        Assert.Equal(source, await harness.TargetMailboxAsync(Token));
    }

    [Fact]
    public async Task A_wrong_password_fails_at_once_as_AuthenticationFailed_without_retrying()
    {
        await using var harness = await GeneratedAsync("restore-auth", 20, 3);
        var restore = await harness.NewRestoreAsync(Token, password: "not-the-password");
        var watch = Stopwatch.StartNew();

        var failed = await harness.Restorer().RunAsync(restore.Id, Token);

        Assert.Equal(JobStatus.Failed, failed!.Status);
        Assert.Equal(ErrorCodes.AuthenticationFailed, failed.Error!.Code);
        Assert.Contains("username or password", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("start the restore again", failed.Error.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("source", failed.Error.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", failed.Error.Message + failed.Error.Hint + failed.Error.ServerResponse, StringComparison.Ordinal);
        Assert.Equal(0L, failed.MessagesRestored);
        // One login: five attempts with their backoff (2.5 s, 5 s, 10 s, 20 s at least) would take far longer.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"no retry of a credential error (took {watch.Elapsed})");
        Assert.Empty(await harness.TargetMailboxAsync(Token));
    }

    [Fact]
    public async Task Only_the_chosen_folders_are_restored_under_the_prefix()
    {
        await using var harness = await GeneratedAsync("restore-some", 200, 5);
        var source = await harness.SourceMailboxAsync(Token);
        var chosen = source.Keys.Where(k => k != "INBOX").Take(2).ToList();
        var restore = await harness.NewRestoreAsync(Token, change: r => r with { SelectedFolders = chosen, Target = r.Target with { FolderPrefix = "Old" } });

        var done = await harness.Restorer().RunAsync(restore.Id, Token);

        var target = await harness.TargetMailboxAsync(Token);
        Assert.Equal(JobStatus.Completed, done!.Status);
        Assert.Equal(chosen.Select(c => $"Old/{c}").Order(StringComparer.Ordinal), target.Keys);
        foreach (var folder in chosen)
        {
            Assert.Equal(source[folder], target[$"Old/{folder}"]);
        }

        Assert.Equal(chosen.Sum(c => source[c].Count), done.MessagesTotal);
    }

    private static Process StartRunner(RestoreHarness harness, string restoreId)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Vault.Ingestion.ImportRunner.dll"));
        start.ArgumentList.Add("restore");
        start.ArgumentList.Add(harness.Source.Data.Path);
        start.ArgumentList.Add(restoreId);
        return Process.Start(start) ?? throw new InvalidOperationException("The restore runner did not start.");
    }
}
