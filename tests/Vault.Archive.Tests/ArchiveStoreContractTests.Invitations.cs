using System.Security.Cryptography;
using System.Text;
using Vault.Archive.Connectors;
using Vault.Archive.Invitations;

namespace Vault.Archive.Tests;

/// <summary>The invitations port (<see cref="IInvitationStore"/>), run against each store.</summary>
public abstract partial class ArchiveStoreContractTests
{
    [Fact]
    public async Task An_invitation_is_found_by_its_token_hash_and_listed_under_its_connector_oldest_first()
    {
        var store = (IInvitationStore)await NewStoreAsync();
        var first = NewInvitation("i1", "c1", "alice@example.org");
        var second = NewInvitation("i2", "c1", "bob@example.org") with { CreatedAt = first.CreatedAt.AddSeconds(1) };
        await store.CreateInvitationsAsync([second, first, NewInvitation("i3", "c2", "carol@example.org")], Ct);

        var found = await store.FindInvitationByTokenHashAsync(Hash("i2"), Ct);
        Assert.NotNull(found);
        Assert.Equal("i2", found.Id);
        Assert.Equal("bob@example.org", found.Email);
        Assert.Equal(Hash("i2"), found.TokenHash);
        Assert.Equal(second.ExpiresAt, found.ExpiresAt);
        Assert.Equal(InvitationStatus.Pending, found.StatusAt(Time.GetUtcNow()));
        Assert.Null(await store.FindInvitationByTokenHashAsync(Hash("nope"), Ct));
        Assert.Null(await store.GetInvitationAsync("nope", Ct));
        Assert.Equal(["i1", "i2"], (await store.ListInvitationsAsync("c1", Ct)).Select(i => i.Id));
        Assert.Empty(await store.ListInvitationsAsync("c3", Ct));
    }

    [Fact]
    public async Task Only_one_claim_of_an_invitation_wins_and_a_released_claim_frees_it()
    {
        var store = (IInvitationStore)await NewStoreAsync();
        await store.CreateInvitationsAsync([NewInvitation("i1", "c1", "alice@example.org")], Ct);
        var now = Time.GetUtcNow();

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(n => store.ClaimInvitationAsync("i1", $"s{n}", now, Ct)));

        Assert.Equal(1, claims.Count(won => won));
        var used = await store.GetInvitationAsync("i1", Ct);
        Assert.Equal($"s{Array.IndexOf(claims, true)}", used!.SourceId);
        Assert.Equal(now, used.UsedAt);
        Assert.Equal(InvitationStatus.Used, used.StatusAt(now.AddYears(1)));
        Assert.False(await store.RevokeInvitationAsync("i1", now, Ct));
        Assert.False(await store.ReplaceInvitationTokenAsync("i1", Hash("other"), now, Ct));

        await store.ReleaseInvitationAsync("i1", "someone-else", Ct);
        Assert.NotNull((await store.GetInvitationAsync("i1", Ct))!.UsedAt);
        await store.ReleaseInvitationAsync("i1", used.SourceId!, Ct);
        var released = await store.GetInvitationAsync("i1", Ct);
        Assert.Null(released!.UsedAt);
        Assert.Null(released.SourceId);
        Assert.True(await store.ClaimInvitationAsync("i1", "s9", now, Ct));
    }

    [Fact]
    public async Task A_revoked_or_expired_invitation_can_no_longer_be_claimed_revoked_or_given_a_new_token()
    {
        var store = (IInvitationStore)await NewStoreAsync();
        await store.CreateInvitationsAsync([NewInvitation("r", "c1", "a@example.org"), NewInvitation("e", "c1", "b@example.org")], Ct);
        var now = Time.GetUtcNow();

        Assert.True(await store.RevokeInvitationAsync("r", now, Ct));
        Assert.False(await store.RevokeInvitationAsync("r", now, Ct));
        Assert.False(await store.ClaimInvitationAsync("r", "s1", now, Ct));
        var revoked = await store.GetInvitationAsync("r", Ct);
        Assert.Equal(InvitationStatus.Revoked, revoked!.StatusAt(now));
        Assert.Equal(now, revoked.RevokedAt);

        var expiry = (await store.GetInvitationAsync("e", Ct))!.ExpiresAt;
        Assert.False(await store.ClaimInvitationAsync("e", "s2", expiry, Ct));
        Assert.False(await store.RevokeInvitationAsync("e", expiry.AddDays(1), Ct));
        Assert.False(await store.ReplaceInvitationTokenAsync("e", Hash("new"), expiry, Ct));
        Assert.Equal(InvitationStatus.Expired, (await store.GetInvitationAsync("e", Ct))!.StatusAt(expiry));
        Assert.True(await store.ClaimInvitationAsync("e", "s2", expiry.AddTicks(-1), Ct));
    }

    [Fact]
    public async Task A_new_token_replaces_the_old_one_and_clears_the_last_delivery()
    {
        var store = (IInvitationStore)await NewStoreAsync();
        await store.CreateInvitationsAsync([NewInvitation("i1", "c1", "alice@example.org")], Ct);
        var now = Time.GetUtcNow();
        await store.RecordInvitationDeliveryAsync("i1", null, "550 mailbox unavailable", Ct);
        Assert.Equal("550 mailbox unavailable", (await store.GetInvitationAsync("i1", Ct))!.SendError);

        Assert.True(await store.ReplaceInvitationTokenAsync("i1", Hash("fresh"), now, Ct));

        Assert.Null(await store.FindInvitationByTokenHashAsync(Hash("i1"), Ct));
        var renewed = await store.FindInvitationByTokenHashAsync(Hash("fresh"), Ct);
        Assert.Equal("i1", renewed!.Id);
        Assert.Null(renewed.SendError);
        await store.RecordInvitationDeliveryAsync("i1", now, null, Ct);
        var sent = await store.GetInvitationAsync("i1", Ct);
        Assert.Equal(now, sent!.SentAt);
        Assert.Null(sent.SendError);
    }

    [Fact]
    public async Task Deleting_a_connector_deletes_its_invitations_and_no_other()
    {
        var archive = await NewStoreAsync();
        var store = (IInvitationStore)archive;
        var connectors = (IConnectorStore)archive;
        foreach (var id in new[] { "c1", "c2" })
        {
            await connectors.CreateConnectorAsync(new Connector { Id = id, Settings = new ConnectorSettings { Name = id, Host = "imap.example.org" }, CreatedAt = Time.GetUtcNow() }, Ct);
        }

        await store.CreateInvitationsAsync([NewInvitation("i1", "c1", "a@example.org"), NewInvitation("i2", "c2", "b@example.org")], Ct);

        await connectors.DeleteConnectorAsync("c1", Ct);

        Assert.Null(await store.FindInvitationByTokenHashAsync(Hash("i1"), Ct));
        Assert.Empty(await store.ListInvitationsAsync("c1", Ct));
        Assert.Equal("i2", Assert.Single(await store.ListInvitationsAsync("c2", Ct)).Id);
    }

    /// <summary>Each test invitation's token is its id, hashed as the service hashes tokens.</summary>
    private Invitation NewInvitation(string id, string connectorId, string email) => new()
    {
        Id = id,
        ConnectorId = connectorId,
        Email = email,
        TokenHash = Hash(id),
        CreatedAt = Time.GetUtcNow(),
        ExpiresAt = Time.GetUtcNow().AddDays(7),
    };

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
