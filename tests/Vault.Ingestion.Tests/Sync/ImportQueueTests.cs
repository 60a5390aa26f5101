using Microsoft.Extensions.Options;
using Vault.Archive.Sources;
using Vault.Ingestion.Sync;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Sync;

/// <summary>A source that cannot start its import at once says so, holds nothing, and starts when a slot frees.</summary>
public sealed class ImportQueueTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_source_without_an_import_slot_waits_visibly_holding_no_connection_then_imports()
    {
        var dovecot = TestDovecot.Require();
        await using var proxy = new CuttingProxy(dovecot.Host, dovecot.ImapPort, cutAfterBytes: long.MaxValue);
        await using var harness = await SyncHarness.CreateAsync("queued", o => o.MaxConcurrentImports = 1, port: proxy.Port, cancellationToken: Token);
        await harness.Dovecot.AppendAsync(harness.User, "INBOX", SourceSynchronizerTests.Message("queued"), Token);
        var slots = new ImportSlots(Options.Create(harness.Options));
        var other = slots.TryTake()!;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = harness.CreateSynchronizer(importSlots: slots).RunAsync(harness.SourceId, stop.Token);

        await Deadline.UntilAsync(async () => (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Progress.Waiting, TimeSpan.FromSeconds(10), "progress.waiting set", Token);
        var events = await harness.Store.ListEventsAsync(harness.SourceId, 10, Token);
        Assert.Contains(events, e => e.Kind == "queued" && e.Message.Contains("Vault:Sync:MaxConcurrentImports", StringComparison.Ordinal));
        Assert.Equal(SourceStatus.Importing, (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Status);
        Assert.Equal(0, proxy.Connections);

        other.Dispose();
        await Deadline.UntilAsync(async () => (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Status == SourceStatus.Active, TimeSpan.FromSeconds(30), "imported once the slot freed", Token);
        var source = (await harness.Store.GetSourceAsync(harness.SourceId, Token))!;
        Assert.False(source.Progress.Waiting);
        Assert.Equal(1, source.Progress.MessagesArchived);

        // The slot is given back after the import, while the source goes on idling.
        using var next = slots.TryTake();
        Assert.NotNull(next);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Slots_go_to_waiters_in_the_order_they_asked_and_a_cancelled_waiter_gives_its_turn_away()
    {
        var slots = new ImportSlots(Options.Create(new SyncOptions { MaxConcurrentImports = 1 }));
        var first = slots.TryTake()!;
        using var cancel = new CancellationTokenSource();
        var cancelled = slots.TakeAsync(cancel.Token);
        var second = slots.TakeAsync(Token);
        var third = slots.TakeAsync(Token);
        Assert.Null(slots.TryTake());

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        first.Dispose();
        first.Dispose();
        using (await second)
        {
            Assert.False(third.IsCompleted);
            Assert.Equal(1, slots.Running);
        }

        (await third).Dispose();
        Assert.Equal(0, slots.Running);
    }

    [Fact]
    public async Task Progress_is_recounted_from_the_store_when_a_crash_lost_its_last_writes()
    {
        await using var harness = await SyncHarness.CreateAsync("recount", cancellationToken: Token);
        for (var i = 0; i < 5; i++)
        {
            await harness.Dovecot.AppendAsync(harness.User, "INBOX", SourceSynchronizerTests.Message($"recount {i}"), Token);
        }

        await harness.CreateSynchronizer().SyncOnceAsync(harness.SourceId, Token);
        var totals = await harness.Store.GetSourceTotalsAsync(harness.SourceId, Token);
        Assert.Equal(5, totals.Messages);

        // Throttled progress writes that a kill -9 lost: the counters on disk are behind the store.
        var imported = (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Progress;
        await harness.Store.UpdateSourceProgressAsync(harness.SourceId, imported with { MessagesArchived = 2, BytesArchived = 10 }, null, Token);

        await harness.CreateSynchronizer().SyncOnceAsync(harness.SourceId, Token);

        var progress = (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Progress;
        Assert.Equal(totals.Messages, progress.MessagesArchived);
        Assert.Equal(totals.Bytes, progress.BytesArchived);
    }
}
