using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Vault.Api.Tests.Sources;
using Vault.TestSupport;

namespace Vault.Api.Tests.Search;

/// <summary>
/// Continuous sync keeps is: current: a flag changed on the server with STORE, or a message expunged there, shows in
/// search within one poll interval, and no message is downloaded again (every command Vault sends passes an
/// <see cref="ImapCommandRecorder"/>, which counts the FETCHes of a body).
/// </summary>
public sealed class FlagChangesOverHttpTests : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A safety net, not the point: these tests show that a change made on the server becomes searchable by IDLE and by
    /// polling (every 2 s here), without downloading a body again; if polling stopped, nothing would arrive at all. On CI's
    /// loaded 2 cores, with the test classes in parallel, margins of 2 s and then 6 s past one poll ran out (the expunge
    /// test, then the flag test), so timing does not decide them.
    /// </summary>
    private static readonly TimeSpan ByPolling = TimeSpan.FromSeconds(30);

    private readonly TestDovecot _dovecot = TestDovecot.Require();
    private readonly SourceApiFactory _api = new(new Dictionary<string, string> { ["Vault:Sync:PollInterval"] = PollInterval.ToString() });
    private readonly ImapCommandRecorder _recorder;
    private readonly HttpClient _client;
    private readonly TestUser _user;

    public FlagChangesOverHttpTests()
    {
        _recorder = new ImapCommandRecorder(_dovecot.Host, _dovecot.ImapPort);
        _client = _api.CreateClient();
        _user = _dovecot.CreateUser("api-flags");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_flag_changed_on_the_server_shows_in_is_by_polling_without_a_download()
    {
        await FillAsync("INBOX", 6);
        await FillAsync("Archive", 4);
        var source = await CreateSourceAsync();
        await Deadline.UntilAsync(async () => await TotalAsync($"source:{source}") == 10, TimeSpan.FromSeconds(60), "all 10 searchable", Ct);
        Assert.Equal(0, await TotalAsync("is:flagged"));
        Assert.Equal(10, await TotalAsync("is:unread"));
        var downloads = _recorder.BodyFetches.Count;
        Assert.True(downloads > 0, "the import fetched the bodies through the recorder");

        using (var client = await ConnectAsync())
        {
            await client.Inbox.OpenAsync(FolderAccess.ReadWrite, Ct);
            await client.Inbox.AddFlagsAsync([new UniqueId(1), new UniqueId(2)], MessageFlags.Flagged, silent: true, Ct);
            await client.Inbox.AddFlagsAsync(new UniqueId(3), MessageFlags.Seen, silent: true, Ct);
            var archive = await client.GetFolderAsync("Archive", Ct);
            await archive.OpenAsync(FolderAccess.ReadWrite, Ct);
            await archive.AddFlagsAsync(new UniqueId(4), MessageFlags.Flagged | MessageFlags.Answered, silent: true, Ct);
        }

        var seen = await Deadline.UntilAsync(
            async () => await TotalAsync("is:flagged") == 3 && await TotalAsync("is:read") == 1 && await TotalAsync("is:answered") == 1,
            ByPolling,
            "the flags set in INBOX (idled) and Archive (polled) searchable",
            Ct);
        Assert.Equal(2, await TotalAsync("in:INBOX is:flagged"));
        Assert.Equal(9, await TotalAsync("is:unread"));
        Assert.Equal(downloads, _recorder.BodyFetches.Count);

        // Cleared again: gone from is:flagged the same way.
        using (var client = await ConnectAsync())
        {
            await client.Inbox.OpenAsync(FolderAccess.ReadWrite, Ct);
            await client.Inbox.RemoveFlagsAsync(new UniqueId(1), MessageFlags.Flagged, silent: true, Ct);
        }

        await Deadline.UntilAsync(async () => await TotalAsync("is:flagged") == 2, ByPolling, "the cleared flag searchable", Ct);
        Assert.Equal(downloads, _recorder.BodyFetches.Count);
        TestContext.Current.TestOutputHelper?.WriteLine($"STORE -> is:flagged: {seen.TotalMilliseconds:F0} ms (poll interval {PollInterval.TotalSeconds} s); body FETCHes {downloads} before and after");
    }

    [Fact]
    public async Task A_message_expunged_on_the_server_matches_is_deleted_and_says_when_everywhere()
    {
        await FillAsync("Archive", 3);
        var source = await CreateSourceAsync();
        await Deadline.UntilAsync(async () => await TotalAsync($"source:{source}") == 3, TimeSpan.FromSeconds(60), "all 3 searchable", Ct);
        var downloads = _recorder.BodyFetches.Count;

        using (var client = await ConnectAsync())
        {
            var archive = await client.GetFolderAsync("Archive", Ct);
            await archive.OpenAsync(FolderAccess.ReadWrite, Ct);
            await archive.AddFlagsAsync(new UniqueId(2), MessageFlags.Deleted, silent: true, Ct);
            await archive.ExpungeAsync(Ct);
        }

        await Deadline.UntilAsync(async () => await TotalAsync("is:deleted") == 1, ByPolling, "the expunged message is:deleted", Ct);
        Assert.Equal(3, await TotalAsync($"source:{source}"));
        Assert.Equal(downloads, _recorder.BodyFetches.Count);

        var hits = (await SearchAsync($"source:{source}")).GetProperty("hits").EnumerateArray().ToList();
        var gone = Assert.Single(hits, h => h.GetProperty("deletedOnServerAt").ValueKind == JsonValueKind.String);
        Assert.Contains("Archive message 2", gone.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.All(hits.Where(h => h.GetProperty("id").GetString() != gone.GetProperty("id").GetString()), h => Assert.Equal(JsonValueKind.Null, h.GetProperty("deletedOnServerAt").ValueKind));

        var id = gone.GetProperty("id").GetString()!;
        var at = gone.GetProperty("deletedOnServerAt").GetDateTimeOffset();
        var details = await _client.GetFromJsonAsync<JsonElement>($"/api/messages/{id}", Ct);
        Assert.Equal(at, details.GetProperty("deletedOnServerAt").GetDateTimeOffset());
        var listing = await _client.GetFromJsonAsync<JsonElement>($"/api/messages?sourceId={source}", Ct);
        var items = listing.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(at, items.Single(i => i.GetProperty("id").GetString() == id).GetProperty("deletedOnServerAt").GetDateTimeOffset());
        Assert.Equal(2, items.Count(i => i.GetProperty("deletedOnServerAt").ValueKind == JsonValueKind.Null));
        Assert.InRange(at, TimeProvider.System.GetUtcNow() - TimeSpan.FromMinutes(1), TimeProvider.System.GetUtcNow());
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        _api.Dispose();
        await _recorder.DisposeAsync();
        _dovecot.DeleteUser(_user);
    }

    private async Task<string> CreateSourceAsync()
    {
        var created = await _client.PostAsJsonAsync("/api/sources", new
        {
            name = "flags",
            protocol = "imap",
            host = _dovecot.Host,
            port = _recorder.Port,
            tls = false,
            username = _user.Name,
            password = _user.Password,
            syncMode = "idle",
        }, Ct);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(created.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    private async Task FillAsync(string folder, int count)
    {
        for (var n = 1; n <= count; n++)
        {
            await _dovecot.AppendAsync(_user, folder, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"From: Alice <alice@example.org>\r\nTo: {_user.Name}@example.com\r\nSubject: {folder} message {n}\r\n" +
                $"Date: Wed, 01 Mar 2023 10:0{n}:00 +0000\r\nMessage-ID: <{_user.Name}.{folder}.{n}@example.org>\r\n\r\nBody {n} of {folder}.\r\n")), Ct);
        }
    }

    private async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync(_dovecot.Host, _dovecot.ImapPort, SecureSocketOptions.None, Ct);
        await client.AuthenticateAsync(_user.Name, _user.Password, Ct);
        return client;
    }

    private async Task<JsonElement> SearchAsync(string query) =>
        await _client.GetFromJsonAsync<JsonElement>($"/api/search?q={Uri.EscapeDataString(query)}", Ct);

    private async Task<long> TotalAsync(string query) => (await SearchAsync(query)).GetProperty("total").GetInt64();
}
