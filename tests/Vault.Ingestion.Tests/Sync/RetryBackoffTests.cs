using Vault.Archive.Sources;
using Vault.Ingestion.Errors;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Sync;

/// <summary>
/// Retries that back off (issue: a connection cut at the same place every time was retried every few seconds forever,
/// because a successful login cleared the error). A fake clock steps through the delays; the proxy counts logins.
/// </summary>
public sealed class RetryBackoffTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_connection_cut_at_the_same_place_every_time_backs_off_and_logs_in_once_per_attempt()
    {
        await using var mailbox = await CutMailbox.CreateAsync("alwayscut");
        var (proxy, harness) = (mailbox.Proxy, mailbox.Harness);
        var time = new TimerCountingTimeProvider(DateTimeOffset.UtcNow);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = harness.CreateSynchronizer(time).RunAsync(harness.SourceId, stop.Token);

        // The first cut of a source that was running fine is a routine reconnect: no Error shown.
        await Deadline.UntilAsync(async () => (await EventsAsync(harness)).Any(e => e.Kind == "reconnect"), TimeSpan.FromSeconds(30), "the first cut is logged as a reconnect", Token);
        Assert.Equal(SourceStatus.Importing, (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Status);
        Assert.Equal(1, proxy.Connections);
        await AdvanceOnceWaitingAsync(time, timers: 1, RetryPolicy.BaseDelay);

        var delays = new List<TimeSpan>();
        for (var failures = 2; failures <= 7; failures++)
        {
            var expected = failures;
            await Deadline.UntilAsync(
                async () => (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Error?.ConsecutiveFailures == expected,
                TimeSpan.FromSeconds(30), $"failure {expected} recorded", Token);
            var source = (await harness.Store.GetSourceAsync(harness.SourceId, Token))!;
            var error = source.Error!;
            Assert.Equal(SourceStatus.Error, source.Status);
            Assert.Equal(ErrorCodes.ProtocolError, error.Code);
            Assert.Equal(failures, proxy.Connections);
            var delay = error.NextRetryAt!.Value - error.OccurredAt;
            var ceiling = RetryPolicy.BaseDelay * Math.Pow(2, failures - 1);
            Assert.InRange(delay, ceiling / 2, ceiling);
            delays.Add(delay);
            if (failures < 7)
            {
                await AdvanceOnceWaitingAsync(time, timers: failures, delay);
            }
        }

        await stop.CancelAsync();
        await run;
        Assert.Equal(0, await harness.Store.CountMessagesAsync(harness.SourceId, Token));
        Assert.Equal(proxy.Connections, proxy.Cuts);
        TestContext.Current.TestOutputHelper?.WriteLine($"logins: {proxy.Connections}; delays: {string.Join(", ", delays.Select(d => $"{d.TotalSeconds:F1} s"))}");
    }

    [Fact]
    public async Task A_source_in_error_shows_its_status_again_once_it_makes_progress()
    {
        await using var mailbox = await CutMailbox.CreateAsync("recovers");
        var (proxy, harness) = (mailbox.Proxy, mailbox.Harness);
        var time = new TimerCountingTimeProvider(DateTimeOffset.UtcNow);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = harness.CreateSynchronizer(time).RunAsync(harness.SourceId, stop.Token);

        await Deadline.UntilAsync(async () => (await EventsAsync(harness)).Any(e => e.Kind == "reconnect"), TimeSpan.FromSeconds(30), "first cut", Token);
        await AdvanceOnceWaitingAsync(time, timers: 1, RetryPolicy.BaseDelay);
        await Deadline.UntilAsync(async () => (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Error?.ConsecutiveFailures == 2, TimeSpan.FromSeconds(30), "second cut recorded as Error", Token);

        proxy.Cutting = false;
        await AdvanceOnceWaitingAsync(time, timers: 2, RetryPolicy.BaseDelay * 2);
        await Deadline.UntilAsync(async () => (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Status == SourceStatus.Active, TimeSpan.FromSeconds(30), "import finished once the cuts stopped", Token);

        var source = (await harness.Store.GetSourceAsync(harness.SourceId, Token))!;
        Assert.Null(source.Error);
        Assert.Equal(30, await harness.Store.CountMessagesAsync(harness.SourceId, Token));
        Assert.Contains(await EventsAsync(harness), e => e.Kind == "status" && e.Message.StartsWith("Error -> Importing: recovered from ProtocolError", StringComparison.Ordinal));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_source_in_error_waits_for_its_retry_time_after_a_restart_and_not_at_all_for_a_person()
    {
        var dovecot = TestDovecot.Require();
        await using var proxy = new CuttingProxy(dovecot.Host, dovecot.ImapPort, cutAfterBytes: long.MaxValue);
        await using var harness = await SyncHarness.CreateAsync("restart", port: proxy.Port, cancellationToken: Token);
        var time = new TimerCountingTimeProvider(DateTimeOffset.UtcNow);
        var now = time.GetUtcNow();

        await harness.Store.UpdateSourceStatusAsync(harness.SourceId, SourceStatus.Error,
            new SourceError(ErrorCodes.AuthenticationFailed, "rejected", "fix it", "NO", now, 1, NextRetryAt: null), null, Token);
        await harness.CreateSynchronizer(time).RunAsync(harness.SourceId, Token);
        Assert.Equal(0, proxy.Connections);

        await harness.Store.UpdateSourceStatusAsync(harness.SourceId, SourceStatus.Error,
            new SourceError(ErrorCodes.Timeout, "slow", "wait", null, now, 4, now + TimeSpan.FromMinutes(3)), null, Token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = harness.CreateSynchronizer(time).RunAsync(harness.SourceId, stop.Token);
        await AdvanceOnceWaitingAsync(time, timers: 1, TimeSpan.FromMinutes(2));
        Assert.False(run.IsCompleted);
        Assert.Equal(0, proxy.Connections);
        time.Advance(TimeSpan.FromMinutes(1));
        await Deadline.UntilAsync(async () => (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Status == SourceStatus.Active, TimeSpan.FromSeconds(30), "import after the retry time", Token);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_stop_while_a_failure_is_being_written_ends_the_run_quietly()
    {
        await using var mailbox = await CutMailbox.CreateAsync("stopwriting");
        var (proxy, harness) = (mailbox.Proxy, mailbox.Harness);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);

        // The stop comes while the cut's event is being written, as a shutdown can: the run ends, it does not throw.
        await harness.CreateSynchronizer(sources: StopWhileWritingEvents.Around(harness.Store, stop)).RunAsync(harness.SourceId, stop.Token);
        Assert.True(stop.IsCancellationRequested);
        Assert.Equal(1, proxy.Cuts);
    }

    /// <summary>Advances the clock once the retry has made its timer (the <paramref name="timers"/>th of the run).</summary>
    private static async Task AdvanceOnceWaitingAsync(TimerCountingTimeProvider time, int timers, TimeSpan by)
    {
        await Deadline.UntilAsync(() => Task.FromResult(time.TimersCreated >= timers), TimeSpan.FromSeconds(30), $"the retry's timer {timers} is made", Token);
        time.Advance(by);
    }

    private static async Task AppendAsync(SyncHarness harness, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var body = new string('x', 76) + "\r\n";
            var message = System.Text.Encoding.ASCII.GetBytes(
                $"From: a@example.com\r\nTo: b@example.com\r\nSubject: filler {i}\r\nMessage-ID: <{Guid.NewGuid():N}@example.com>\r\n\r\n{string.Concat(Enumerable.Repeat(body, 130))}");
            await harness.Dovecot.AppendAsync(harness.User, "INBOX", message, Token);
        }
    }

    private static Task<IReadOnlyList<SourceEvent>> EventsAsync(SyncHarness harness) => harness.Store.ListEventsAsync(harness.SourceId, 100, Token);

    /// <summary>
    /// A user with 30 messages of 10 KB (one batch of 300 KB) behind a proxy that cuts every connection after 64 KB, so no
    /// batch ever commits while it cuts.
    /// </summary>
    private sealed class CutMailbox : IAsyncDisposable
    {
        public required CuttingProxy Proxy { get; init; }

        public required SyncHarness Harness { get; init; }

        public static async Task<CutMailbox> CreateAsync(string name)
        {
            var dovecot = TestDovecot.Require();
            var proxy = new CuttingProxy(dovecot.Host, dovecot.ImapPort, cutAfterBytes: 64 * 1024, everyConnection: true);
            SyncHarness? harness = null;
            try
            {
                harness = await SyncHarness.CreateAsync(name, port: proxy.Port, cancellationToken: Token);
                await AppendAsync(harness, 30);
                return new CutMailbox { Proxy = proxy, Harness = harness };
            }
            catch
            {
                if (harness is not null)
                {
                    await harness.DisposeAsync();
                }

                await proxy.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Harness.DisposeAsync();
            await Proxy.DisposeAsync();
        }
    }

    /// <summary>The store's sources, except that writing a failure's event stops the run first and then sees the stop.</summary>
    public class StopWhileWritingEvents : System.Reflection.DispatchProxy
    {
        private ISourceStore _inner = null!;
        private CancellationTokenSource _stop = null!;

        public static ISourceStore Around(ISourceStore inner, CancellationTokenSource stop)
        {
            var proxy = Create<ISourceStore, StopWhileWritingEvents>();
            var self = (StopWhileWritingEvents)(object)proxy;
            self._inner = inner;
            self._stop = stop;
            return proxy;
        }

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(ISourceStore.AppendEventAsync) && args![0] is SourceEvent { Kind: "reconnect" or "error" })
            {
                _stop.Cancel();
                return Task.FromCanceled(_stop.Token);
            }

            return targetMethod.Invoke(_inner, args);
        }
    }
}
