using Vault.Archive.Messages;
using Vault.Archive.Pop3;
using static Vault.Archive.Tests.TestMessages;

namespace Vault.Archive.Tests;

/// <summary>The POP3 state port (<see cref="IPop3StateStore"/>): UIDLs seen, each with the message it matched, run against each store.</summary>
public abstract partial class ArchiveStoreContractTests
{
    private static MessageBatch Pop3Batch(string sourceId, params (string Uidl, long Uid, byte[] Bytes)[] messages) =>
        new(sourceId,
            messages.Select(m => Incoming(m.Bytes, Pop3Locations.Folder, Pop3Locations.UidValidity, m.Uid)).ToList(),
            Checkpoint(sourceId, Pop3Locations.Folder, messages.Max(m => m.Uid), Pop3Locations.UidValidity),
            messages.Select(m => new Pop3Uidl(m.Uidl, m.Uid)).ToList());

    [Fact]
    public async Task Uidls_are_committed_with_their_messages_and_listed_per_source()
    {
        var store = await NewStoreAsync();
        var uidls = (IPop3StateStore)store;
        await store.CreateSourceAsync(NewSource("p"), Ct);
        await store.CreateSourceAsync(NewSource("q"), Ct);

        await store.CommitBatchAsync(Pop3Batch("p", ("000000016b0a869f", 1, Mail(1)), ("000000026b0a869f", 2, Mail(2))), Ct);
        await store.CommitBatchAsync(Pop3Batch("q", ("000000016b0a869f", 1, Mail(1))), Ct);

        var listed = await uidls.ListPop3UidlsAsync("p", Ct);
        Assert.Equal([new Pop3Uidl("000000016b0a869f", 1), new Pop3Uidl("000000026b0a869f", 2)], listed.OrderBy(u => u.Uid));
        Assert.Single(await uidls.ListPop3UidlsAsync("q", Ct));
        Assert.Empty(await uidls.ListPop3UidlsAsync("nobody", Ct));
        Assert.Equal(2, await store.CountMessagesAsync("p", Ct));
    }

    [Fact]
    public async Task The_same_bytes_under_two_uidls_are_one_message_at_two_locations()
    {
        var store = await NewStoreAsync();
        await store.CreateSourceAsync(NewSource("p"), Ct);

        await store.CommitBatchAsync(Pop3Batch("p", ("a", 1, Mail(7)), ("b", 2, Mail(7))), Ct);

        var messages = await store.ListMessagesAsync("p", 1, 10, Ct);
        var message = Assert.Single(messages.Items);
        Assert.Equal([1L, 2L], message.Locations.Select(l => l.Uid).Order());
        Assert.Equal(2, (await ((IPop3StateStore)store).ListPop3UidlsAsync("p", Ct)).Count);
    }

    [Fact]
    public async Task A_replayed_batch_keeps_one_uidl_and_one_message()
    {
        var store = await NewStoreAsync();
        await store.CreateSourceAsync(NewSource("p"), Ct);

        await store.CommitBatchAsync(Pop3Batch("p", ("a", 1, Mail(1))), Ct);
        var replay = await store.CommitBatchAsync(Pop3Batch("p", ("a", 1, Mail(1))), Ct);

        Assert.Empty(replay.Added);
        Assert.Single(await ((IPop3StateStore)store).ListPop3UidlsAsync("p", Ct));
        Assert.Equal(1, await store.CountMessagesAsync("p", Ct));
    }

    [Fact]
    public async Task A_uidl_gone_from_the_server_is_marked_and_its_message_stays_archived()
    {
        var store = await NewStoreAsync();
        var uidls = (IPop3StateStore)store;
        await store.CreateSourceAsync(NewSource("p"), Ct);
        await store.CommitBatchAsync(Pop3Batch("p", ("a", 1, Mail(1)), ("b", 2, Mail(2))), Ct);
        var at = Time.GetUtcNow();

        await uidls.MarkPop3UidlsGoneAsync("p", ["a", "unknown"], at, Ct);
        await uidls.MarkPop3UidlsGoneAsync("p", ["a"], at.AddHours(1), Ct);

        var listed = (await uidls.ListPop3UidlsAsync("p", Ct)).ToDictionary(u => u.Uidl);
        Assert.Equal(at, listed["a"].GoneAt);
        Assert.Null(listed["b"].GoneAt);
        var messages = (await store.ListMessagesAsync("p", 1, 10, Ct)).Items.ToDictionary(m => m.Locations[0].Uid);
        Assert.Equal(2, messages.Count);
        Assert.Equal(at, messages[1].DeletedOnServerAt);
        Assert.Null(messages[2].DeletedOnServerAt);
    }

    [Fact]
    public async Task Skipped_uidls_are_kept_without_a_message_and_go_with_their_source()
    {
        var store = await NewStoreAsync();
        var uidls = (IPop3StateStore)store;
        await store.CreateSourceAsync(NewSource("p"), Ct);
        await store.CommitBatchAsync(Pop3Batch("p", ("a", 1, Mail(1))), Ct);

        await uidls.SavePop3UidlsAsync("p", [new Pop3Uidl("old", 0)], Ct);
        await uidls.SavePop3UidlsAsync("p", [new Pop3Uidl("old", 0)], Ct);

        Assert.Equal(["a", "old"], (await uidls.ListPop3UidlsAsync("p", Ct)).Select(u => u.Uidl).Order(StringComparer.Ordinal));
        Assert.Equal(1, await store.CountMessagesAsync("p", Ct));

        await store.DeleteSourceAsync("p", purgeMessages: false, Ct);
        Assert.Empty(await uidls.ListPop3UidlsAsync("p", Ct));
    }
}
