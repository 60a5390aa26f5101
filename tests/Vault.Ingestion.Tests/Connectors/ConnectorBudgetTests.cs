using Vault.Ingestion.Connectors;

namespace Vault.Ingestion.Tests.Connectors;

/// <summary>A connector's connections: never more than its budget, handed out in the order asked, IDLE slots given back.</summary>
public sealed class ConnectorBudgetTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Connections_go_to_waiters_in_the_order_they_asked_and_a_cancelled_waiter_holds_none()
    {
        var budget = new ConnectorBudget(maxConnections: 2, maxConcurrentImports: 1);
        var first = await budget.AcquireAsync(Token);
        var second = await budget.AcquireAsync(Token);
        using var cancel = new CancellationTokenSource();
        var cancelled = budget.AcquireAsync(cancel.Token);
        var third = budget.AcquireAsync(Token);
        var fourth = budget.AcquireAsync(Token);
        Assert.Equal(2, budget.Open);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        first.Dispose();
        first.Dispose();
        using (await third)
        {
            Assert.False(fourth.IsCompleted);
            Assert.Equal(2, budget.Open);
        }

        using (await fourth)
        {
            Assert.Equal(2, budget.Open);
        }

        second.Dispose();
        Assert.Equal(0, budget.Open);
    }

    [Fact]
    public async Task An_idle_slot_goes_back_with_its_connection_and_a_more_recent_mailbox_can_have_it()
    {
        // Four connections, one kept for imports and polls: three may IDLE.
        var budget = new ConnectorBudget(maxConnections: 4, maxConcurrentImports: 1);
        Assert.Equal(3, budget.IdleSlots);
        var start = DateTimeOffset.UnixEpoch;
        var idlers = new List<ConnectionLease>();
        for (var i = 0; i < 3; i++)
        {
            var lease = await budget.AcquireAsync(Token);
            Assert.True(budget.TryIdle(lease, $"source-{i}", start.AddMinutes(i)));
            idlers.Add(lease);
        }

        var late = await budget.AcquireAsync(Token);
        Assert.False(budget.TryIdle(late, "late", start.AddMinutes(10)));
        Assert.True(idlers[0].Revoked.IsCancellationRequested);
        Assert.False(idlers[1].Revoked.IsCancellationRequested);

        idlers[0].Dispose();
        Assert.Equal(3, budget.Open);
        Assert.True(budget.TryIdle(late, "late", start.AddMinutes(10)));
        foreach (var lease in idlers.Skip(1).Append(late))
        {
            lease.Dispose();
        }

        Assert.Equal(0, budget.Open);
    }
}
