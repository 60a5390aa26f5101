using System.Net.Http.Json;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Vault.Api.Tests.Sources;
using Vault.TestSupport;

namespace Vault.Api.Tests.Search;

/// <summary>
/// The 2,000-message generated mailbox (seed 7) in the test Dovecot, some flags changed there with IMAP STORE, then
/// archived by the real host over IMAP (through an <see cref="ImapCommandRecorder"/>) and searchable. What the server
/// holds is read once, with the test's own client, for the expected counts.
/// </summary>
public sealed class GeneratedMailboxOnDovecot : IAsyncLifetime
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ImportDeadline = TimeSpan.FromMinutes(4);

    private SourceApiFactory? _api;
    private ImapCommandRecorder? _recorder;

    public TestDovecot Dovecot { get; private set; } = null!;

    public TestUser User { get; private set; } = null!;

    internal IReadOnlyList<ServerMessage> Server { get; private set; } = [];

    public HttpClient Client { get; private set; } = null!;

    public string SourceId { get; private set; } = "";

    public ImapCommandRecorder Recorder => _recorder!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Dovecot = TestDovecot.Require();
        var corpus = await TestDovecot.RunGeneratorAsync(2000, 7, ct);
        User = Dovecot.CreateUser("api-operators");
        await Dovecot.FillFromMaildirAsync(User, corpus.Maildir, ct);

        using (var client = await ConnectAsync(ct))
        {
            await ChangeFlagsAsync(client, ct);
            Server = await ServerMessage.ReadAllAsync(client, ct);
        }

        _recorder = new ImapCommandRecorder(Dovecot.Host, Dovecot.ImapPort);
        _api = new SourceApiFactory(new Dictionary<string, string> { ["Vault:Sync:PollInterval"] = PollInterval.ToString() });
        Client = _api.CreateClient();
        var created = await Client.PostAsJsonAsync("/api/sources", new
        {
            name = "generated",
            protocol = "imap",
            host = Dovecot.Host,
            port = _recorder.Port,
            tls = false,
            username = User.Name,
            password = User.Password,
        }, ct);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(created.IsSuccessStatusCode, body.ToString());
        SourceId = body.GetProperty("id").GetString()!;
        await Deadline.UntilAsync(
            async () => await TotalAsync($"source:{SourceId}") == Server.Count,
            ImportDeadline,
            () => $"all {Server.Count} messages searchable",
            ct);
    }

    public async Task<long> TotalAsync(string query) => (await SearchAsync(query)).GetProperty("total").GetInt64();

    public async Task<JsonElement> SearchAsync(string query, string parameters = "")
    {
        var response = await Client.GetAsync(new Uri($"/api/search?q={Uri.EscapeDataString(query)}{parameters}", UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{query}: {(int)response.StatusCode} {body}");
        return body;
    }

    public async Task<ImapClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new ImapClient();
        await client.ConnectAsync(Dovecot.Host, Dovecot.ImapPort, SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(User.Name, User.Password, cancellationToken);
        return client;
    }

    /// <summary>
    /// On top of the flags the generator gave (S, R, F, D in the Maildir names): every 9th message of a folder flagged,
    /// every 11th answered, every 5th made unread, every 13th a draft, with STORE as a mail client would.
    /// </summary>
    private static async Task ChangeFlagsAsync(ImapClient client, CancellationToken cancellationToken)
    {
        foreach (var folder in await client.GetFoldersAsync(client.PersonalNamespaces[0], StatusItems.None, false, cancellationToken))
        {
            if (folder.Attributes.HasFlag(FolderAttributes.NoSelect) || folder.Attributes.HasFlag(FolderAttributes.NonExistent))
            {
                continue;
            }

            await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
            var uids = await folder.SearchAsync(MailKit.Search.SearchQuery.All, cancellationToken);
            foreach (var (every, flag, add) in new[] { (9, MessageFlags.Flagged, true), (11, MessageFlags.Answered, true), (5, MessageFlags.Seen, false), (13, MessageFlags.Draft, true) })
            {
                var chosen = uids.Where((_, i) => i % every == every - 1).ToList();
                if (chosen.Count == 0)
                {
                    continue;
                }

                if (add)
                {
                    await folder.AddFlagsAsync(chosen, flag, silent: true, cancellationToken);
                }
                else
                {
                    await folder.RemoveFlagsAsync(chosen, flag, silent: true, cancellationToken);
                }
            }

            await folder.CloseAsync(expunge: false, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        _api?.Dispose();
        if (_recorder is not null)
        {
            await _recorder.DisposeAsync();
        }

        if (User is not null)
        {
            Dovecot.DeleteUser(User);
        }
    }
}
