using Vault.Ingestion.Sync;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Sync;

public sealed class InFlightBudgetTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reservations_within_the_budget_are_granted_and_the_rest_wait_for_bytes_to_come_back()
    {
        var budget = new InFlightBudget(10);
        var first = await budget.ReserveAsync(6, Token);
        var second = await budget.ReserveAsync(4, Token);
        Assert.Equal(10, budget.InUse);

        var third = budget.ReserveAsync(5, Token);
        Assert.False(third.IsCompleted);
        Assert.Equal(1, budget.Waiting);

        second.Dispose();
        Assert.False(third.IsCompleted, "4 bytes free are not 5");
        first.Dispose();
        first.Dispose();
        using var granted = await third.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(5, budget.InUse);
    }

    [Fact]
    public async Task A_large_reservation_is_served_before_smaller_ones_that_asked_after_it()
    {
        var budget = new InFlightBudget(10);
        var held = await budget.ReserveAsync(6, Token);
        var large = budget.ReserveAsync(8, Token);
        // It would fit beside the 6 held, but the 8 asked first: served in order, or a stream of small batches starves it.
        var small = budget.ReserveAsync(3, Token);
        Assert.False(small.IsCompleted);

        held.Dispose();
        var granted = await large.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.False(small.IsCompleted, "8 + 3 exceed the budget");
        granted.Dispose();
        using var last = await small.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(3, budget.InUse);
    }

    [Fact]
    public async Task A_reservation_above_the_whole_budget_takes_all_of_it_once_everything_is_free()
    {
        var budget = new InFlightBudget(10);
        var held = await budget.ReserveAsync(1, Token);
        var huge = budget.ReserveAsync(150, Token);
        Assert.False(huge.IsCompleted);

        held.Dispose();
        using var granted = await huge.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(10, granted.Bytes);
        Assert.Equal(10, budget.InUse);
    }

    [Fact]
    public async Task A_cancelled_waiter_no_longer_blocks_those_behind_it()
    {
        var budget = new InFlightBudget(10);
        using var held = await budget.ReserveAsync(5, Token);
        using var cancel = new CancellationTokenSource();
        var blocked = budget.ReserveAsync(8, cancel.Token);
        var behind = budget.ReserveAsync(5, Token);
        Assert.False(behind.IsCompleted);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        using var granted = await behind.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(10, budget.InUse);
        Assert.Equal(0, budget.Waiting);
    }

    [Fact]
    public async Task An_import_waits_for_the_process_budget_that_other_sources_hold_then_archives()
    {
        await using var harness = await SyncHarness.CreateAsync("in-flight", cancellationToken: Token);
        await harness.Dovecot.AppendAsync(harness.User, "INBOX", SourceSynchronizerTests.Message("waits for the budget"), Token);
        var budget = new InFlightBudget(harness.Options.MaxInFlightBytes);
        var others = await budget.ReserveAsync(budget.Capacity, Token);

        var sync = harness.CreateSynchronizer(inFlight: budget).SyncOnceAsync(harness.SourceId, Token);
        await Deadline.UntilAsync(() => Task.FromResult(budget.Waiting == 1 || sync.IsCompleted), TimeSpan.FromSeconds(30), "the batch asks for its bytes", Token);
        Assert.False(sync.IsCompleted);
        Assert.Equal(0, await harness.Store.CountMessagesAsync(harness.SourceId, Token));

        others.Dispose();
        await sync.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.Equal(1, await harness.Store.CountMessagesAsync(harness.SourceId, Token));
        Assert.Equal(0, budget.InUse);
    }
}
