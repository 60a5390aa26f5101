using System.Diagnostics;
using System.Security.Cryptography;
using MailKit.Net.Pop3;
using MailKit.Security;
using Vault.Archive.Pop3;
using Vault.Archive.Sources;
using Vault.Ingestion.Errors;
using Vault.Ingestion.Tests.Sync;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Pop3;

/// <summary>
/// POP3 sources over the test Dovecot's POP3 (ARCHITECTURE.md, "POP3 sources"): what RETR serves is what the archive
/// holds, nothing is ever deleted on the server, and POP3's own failures ([IN-USE], a cut mid-RETR) end exact.
/// </summary>
public sealed class Pop3SyncTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_generated_inbox_is_archived_exactly_as_retr_serves_it_and_the_server_keeps_every_message()
    {
        await using var harness = await SyncHarness.CreateAsync("pop3gen", protocol: MailProtocol.Pop3, cancellationToken: Token);
        var corpus = await TestDovecot.RunGeneratorAsync(2000, 42, Token);
        await harness.FillFolderAsync("INBOX", GeneratedFiles(corpus), Token);
        // The same bytes twice (two UIDLs): one archived message at two locations.
        var twice = SourceSynchronizerTests.Message("twice");
        await harness.Dovecot.AppendAsync(harness.User, "INBOX", twice, Token);
        await harness.Dovecot.AppendAsync(harness.User, "INBOX", twice, Token);
        var before = await ServedAsync(harness);

        var import = Stopwatch.StartNew();
        await harness.CreateSynchronizer().SyncOnceAsync(harness.SourceId, Token);
        import.Stop();

        var after = await ServedAsync(harness);
        Assert.Equal(2002, before.Count);
        Assert.Equal(before, after);
        var archived = (await harness.ArchivedAsync(Token))[Pop3Locations.Folder];
        Assert.Equal(before.Order(), archived.Order());
        Assert.Equal(2001, await harness.Store.CountMessagesAsync(harness.SourceId, Token));
        var source = (await harness.Store.GetSourceAsync(harness.SourceId, Token))!;
        Assert.Equal(SourceStatus.Active, source.Status);
        Assert.True(source.ImportCompleted);
        Assert.Equal(2002, source.Progress.MessagesOnServer);
        Assert.Equal(2002, (await harness.Store.ListPop3UidlsAsync(harness.SourceId, Token)).Count);

        // A second pass finds nothing new and fetches nothing.
        await harness.CreateSynchronizer().SyncOnceAsync(harness.SourceId, Token);
        Assert.Equal(2002, (await harness.ArchivedAsync(Token))[Pop3Locations.Folder].Count);

        // The same INBOX over IMAP, for the closing note's comparison.
        await using var imap = await SyncHarness.CreateAsync("pop3gen-imap", cancellationToken: Token);
        await imap.FillFolderAsync("INBOX", GeneratedFiles(corpus), Token);
        var imapImport = Stopwatch.StartNew();
        await imap.CreateSynchronizer().SyncOnceAsync(imap.SourceId, Token);
        imapImport.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"2,002-message INBOX: POP3 {import.Elapsed.TotalSeconds:F2} s ({2002 / import.Elapsed.TotalSeconds:F0} messages/s), " +
            $"IMAP {imapImport.Elapsed.TotalSeconds:F2} s ({2000 / imapImport.Elapsed.TotalSeconds:F0} messages/s)");
    }

    [Fact]
    public async Task New_mail_is_archived_within_a_poll_and_a_message_deleted_on_the_server_stays_archived_and_marked()
    {
        await using var harness = await SyncHarness.CreateAsync("pop3poll", protocol: MailProtocol.Pop3, sourcePollInterval: TimeSpan.FromSeconds(1), cancellationToken: Token);
        await harness.Dovecot.AppendAsync(harness.User, "INBOX", SourceSynchronizerTests.Message("first"), Token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = harness.CreateSynchronizer().RunAsync(harness.SourceId, stop.Token);
        await Deadline.UntilAsync(async () => await harness.Store.CountMessagesAsync(harness.SourceId, Token) == 1, TimeSpan.FromSeconds(30), "the first message is archived", Token);

        // Between polls Vault holds no session, so the maildrop is never left locked.
        await Deadline.UntilAsync(async () => await harness.Dovecot.SessionsAsync(harness.User, Token) == 0, TimeSpan.FromSeconds(10), "no POP3 session between polls", Token);
        await harness.Dovecot.AppendAsync(harness.User, "INBOX", SourceSynchronizerTests.Message("second"), Token);
        await Deadline.UntilAsync(async () => await harness.Store.CountMessagesAsync(harness.SourceId, Token) == 2, TimeSpan.FromSeconds(10), "new mail within a poll", Token);

        using (var client = await harness.ConnectAsync(Token))
        {
            var inbox = client.Inbox;
            await inbox.OpenAsync(MailKit.FolderAccess.ReadWrite, Token);
            await inbox.StoreAsync(0, new MailKit.StoreFlagsRequest(MailKit.StoreAction.Add, MailKit.MessageFlags.Deleted) { Silent = true }, Token);
            await inbox.ExpungeAsync(Token);
            await client.DisconnectAsync(true, Token);
        }

        await Deadline.UntilAsync(
            async () => (await harness.Store.ListPop3UidlsAsync(harness.SourceId, Token)).Any(u => u.GoneAt is not null),
            TimeSpan.FromSeconds(10), "the vanished UIDL is marked", Token);
        await stop.CancelAsync();
        await run;

        var messages = (await harness.Store.ListMessagesAsync(harness.SourceId, 1, 10, Token)).Items;
        Assert.Equal(2, messages.Count);
        Assert.Single(messages, m => m.DeletedOnServerAt is not null);
        Assert.Single(messages, m => m.DeletedOnServerAt is null);
    }

    [Fact]
    public async Task Import_killed_mid_way_and_restarted_ends_with_exactly_the_servers_messages()
    {
        await using var harness = await SyncHarness.CreateAsync("pop3kill", protocol: MailProtocol.Pop3, cancellationToken: Token);
        var corpus = await TestDovecot.RunGeneratorAsync(2000, 42, Token);
        await harness.FillFolderAsync("INBOX", GeneratedFiles(corpus).Take(1000).ToList(), Token);

        using (var runner = ImportKillTests.StartRunner(harness))
        {
            await Deadline.UntilAsync(
                async () => runner.HasExited || await harness.Store.CountMessagesAsync(harness.SourceId, Token) >= 100 + RandomNumberGenerator.GetInt32(300),
                TimeSpan.FromSeconds(60), "the runner archives something", Token);
            Assert.False(runner.HasExited, "the runner ended before the kill");
            runner.Kill(entireProcessTree: true);
            await runner.WaitForExitAsync(Token);
        }

        Assert.True(await harness.Store.CountMessagesAsync(harness.SourceId, Token) < 1000, "the import finished before the kill");
        // The POP3 lock dies with the killed session's process on the server side; the restart waits it out if needed.
        await Deadline.UntilAsync(async () => await harness.Dovecot.SessionsAsync(harness.User, Token) == 0, TimeSpan.FromSeconds(30), "the killed session is gone", Token);
        using (var last = ImportKillTests.StartRunner(harness))
        {
            await last.WaitForExitAsync(Token);
            Assert.Equal(0, last.ExitCode);
        }

        var served = await ServedAsync(harness);
        Assert.Equal(served.Order(), (await harness.ArchivedAsync(Token))[Pop3Locations.Folder].Order());
        Assert.Equal(1000, (await harness.Store.ListPop3UidlsAsync(harness.SourceId, Token)).Count);
    }

    [Fact]
    public async Task Bytes_handed_to_the_indexer_stay_exact_while_later_batches_reuse_the_pooled_arrays()
    {
        // Batches of 10: each batch's contents are disposed once committed and the next batch rents their arrays again.
        await using var harness = await SyncHarness.CreateAsync("pop3pool", o => o.BatchMaxMessages = 10, protocol: MailProtocol.Pop3, cancellationToken: Token);
        var corpus = await TestDovecot.RunGeneratorAsync(2000, 42, Token);
        await harness.FillFolderAsync("INBOX", GeneratedFiles(corpus).Take(200).ToList(), Token);
        using var indexer = new HoldingIndexer();

        await harness.CreateSynchronizer(indexer: indexer).SyncOnceAsync(harness.SourceId, Token);

        // What the indexer holds is still each message's bytes after 19 more batches went through the pool.
        Assert.Equal(200, indexer.Held.Count);
        Assert.All(indexer.Held, h => Assert.Equal(h.Sha256, Convert.ToHexStringLower(SHA256.HashData(h.Hold.Bytes.Span))));
        Assert.Equal((await ServedAsync(harness)).Order(), indexer.Held.Select(h => h.Sha256).Order());
    }

    /// <summary>Holds the bytes of every message committed, as the search indexer's hand-over does, until disposed.</summary>
    private sealed class HoldingIndexer : IIndexHandOver, IDisposable
    {
        public List<(string Sha256, Vault.Archive.Messages.MessageBytesHold Hold)> Held { get; } = [];

        public ValueTask EnqueueAsync(IReadOnlyList<string> messageIds, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask EnqueueAsync(Vault.Archive.Messages.MessageBatch batch, Vault.Archive.Messages.BatchResult result, CancellationToken cancellationToken)
        {
            foreach (var message in batch.Messages)
            {
                Held.Add((message.Content.Sha256, message.Content.Hold() ?? throw new InvalidOperationException("a fetched message is not in memory")));
            }

            return ValueTask.CompletedTask;
        }

        public void Dispose()
        {
            foreach (var (_, hold) in Held)
            {
                hold.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_connection_cut_in_the_middle_of_retr_causes_a_retry_not_a_gap()
    {
        var dovecot = TestDovecot.Require();
        await using var proxy = new CuttingProxy(dovecot.Host, dovecot.Pop3Port, cutAfterBytes: 3 * 1024 * 1024);
        await using var harness = await SyncHarness.CreateAsync("pop3cut", port: proxy.Port, protocol: MailProtocol.Pop3, cancellationToken: Token);
        var corpus = await TestDovecot.RunGeneratorAsync(2000, 42, Token);
        await harness.FillFolderAsync("INBOX", GeneratedFiles(corpus).Take(1000).ToList(), Token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = harness.CreateSynchronizer().RunAsync(harness.SourceId, stop.Token);

        await Deadline.UntilAsync(async () => (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.ImportCompleted, TimeSpan.FromSeconds(90), "import finished after the cut", Token);
        await stop.CancelAsync();
        await run;

        Assert.True(proxy.HasCut);
        var events = await harness.Store.ListEventsAsync(harness.SourceId, 100, Token);
        Assert.Contains(events, e => e.Kind == "reconnect");
        Assert.DoesNotContain(events, e => e.Kind == "error");
        var served = await ServedAsync(harness);
        Assert.Equal(served.Order(), (await harness.ArchivedAsync(Token))[Pop3Locations.Folder].Order());
    }

    [Fact]
    public async Task A_maildrop_locked_by_another_client_is_retried_until_it_is_free()
    {
        await using var harness = await SyncHarness.CreateAsync("pop3inuse", protocol: MailProtocol.Pop3, cancellationToken: Token);
        await harness.Dovecot.AppendAsync(harness.User, "INBOX", SourceSynchronizerTests.Message("locked"), Token);
        // Dovecot waits 10 s for the lock before it answers [IN-USE]: the timeout must outlast that.
        await LongerTimeoutAsync(harness, harness.User.Password);
        var time = new TimerCountingTimeProvider(DateTimeOffset.UtcNow);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        Task run;
        using (var holder = await ConnectAsync(harness))
        {
            // The test Dovecot has pop3_lock_session = yes: this session holds the maildrop.
            run = harness.CreateSynchronizer(time).RunAsync(harness.SourceId, stop.Token);
            await Deadline.UntilAsync(
                async () => (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Error is not null,
                TimeSpan.FromSeconds(30), "the locked maildrop is reported", Token);
            var error = (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Error!;
            Assert.Equal(ErrorCodes.TooManyConnections, error.Code);
            Assert.Contains("[IN-USE]", error.ServerResponse, StringComparison.Ordinal);
            Assert.NotNull(error.NextRetryAt);
            await holder.DisconnectAsync(quit: false, Token);
        }

        await Deadline.UntilAsync(async () => await harness.Dovecot.SessionsAsync(harness.User, Token) == 0, TimeSpan.FromSeconds(10), "the other client let go", Token);
        await Deadline.UntilAsync(() => Task.FromResult(time.TimersCreated >= 1), TimeSpan.FromSeconds(30), "the retry waits on its timer", Token);
        time.Advance(TimeSpan.FromHours(1));
        await Deadline.UntilAsync(async () => (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.ImportCompleted, TimeSpan.FromSeconds(30), "the retry imports", Token);
        await stop.CancelAsync();
        await run;
        Assert.Equal(1, await harness.Store.CountMessagesAsync(harness.SourceId, Token));
    }

    [Fact]
    public async Task A_wrong_password_stops_in_error_with_the_servers_words_and_is_not_retried()
    {
        await using var harness = await SyncHarness.CreateAsync("pop3badpass", protocol: MailProtocol.Pop3, cancellationToken: Token);
        // Dovecot delays a failed login by 2 s, more after recent failures: the timeout outlasts that.
        await LongerTimeoutAsync(harness, harness.User.Password + "-wrong");

        // RunAsync returns once a person must act: no retry is scheduled.
        await harness.CreateSynchronizer().RunAsync(harness.SourceId, Token);

        var source = (await harness.Store.GetSourceAsync(harness.SourceId, Token))!;
        Assert.Equal(SourceStatus.Error, source.Status);
        Assert.Equal(ErrorCodes.AuthenticationFailed, source.Error!.Code);
        Assert.Null(source.Error.NextRetryAt);
        Assert.Contains("[AUTH]", source.Error.ServerResponse, StringComparison.Ordinal);
    }

    private static async Task LongerTimeoutAsync(SyncHarness harness, string password)
    {
        var source = (await harness.Store.GetSourceAsync(harness.SourceId, Token))!;
        await harness.Store.UpdateSourceSettingsAsync(
            harness.SourceId, source.Settings with { Timeout = TimeSpan.FromSeconds(30) }, System.Text.Encoding.UTF8.GetBytes(password), Token);
    }

    private static Task<List<string>> ServedAsync(SyncHarness harness) => ServedMail.Pop3Sha256Async(harness.Dovecot, harness.User, Token);

    private static async Task<Pop3Client> ConnectAsync(SyncHarness harness)
    {
        var client = new Pop3Client();
        await client.ConnectAsync(harness.Dovecot.Host, harness.Dovecot.Pop3Port, SecureSocketOptions.None, Token);
        await client.AuthenticateAsync(harness.User.Name, harness.User.Password, Token);
        return client;
    }

    private static List<string> GeneratedFiles(GeneratedCorpus corpus) =>
        [.. Directory.EnumerateFiles(corpus.Maildir, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) is "cur" or "new")
            .Order(StringComparer.Ordinal)];
}
