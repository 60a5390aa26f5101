using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Vault.Archive.Embedded;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Credentials;
using Vault.Ingestion.Errors;
using Vault.Ingestion.ImportRunner;
using Vault.Ingestion.Sync;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Pop3;

/// <summary>POP3 answers the test Dovecot cannot be made to give, from a scripted server: RFC 2449/3206 codes, no UIDL, EXPIRE 0.</summary>
public sealed class Pop3ServerFaultTests
{
    private static readonly string[] Capabilities = ["TOP", "USER", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "UIDL"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("-ERR [IN-USE] Unable to lock maildrop: Mailbox is locked by POP server", ErrorCodes.TooManyConnections, true)]
    [InlineData("-ERR [SYS/TEMP] Temporary authentication failure.", ErrorCodes.ServerUnavailable, true)]
    [InlineData("-ERR [LOGIN-DELAY] Logins must be at least 15 minute(s) apart", ErrorCodes.RateLimited, true)]
    [InlineData("-ERR [SYS/PERM] Mailbox is corrupted", ErrorCodes.ProtocolError, false)]
    [InlineData("-ERR [AUTH] Authentication failed.", ErrorCodes.AuthenticationFailed, false)]
    [InlineData("-ERR Authentication failure: unknown user name or bad password.", ErrorCodes.AuthenticationFailed, false)]
    public async Task A_pop3_login_refusal_gets_its_code_the_servers_words_and_the_right_retry(string reply, string code, bool transient)
    {
        await using var server = new ScriptedPop3Server(Capabilities, reply);
        var connector = new MailConnector(NullLogger<MailConnector>.Instance);

        var failure = await Assert.ThrowsAsync<MailConnectionException>(() => connector.ConnectPop3Async(Settings(server.Port), new PasswordCredential("user", "pop3-secret-Pw1"), Token));

        Assert.Equal(code, failure.Error.Code);
        Assert.Equal(transient, failure.Error.Transient);
        Assert.Contains(reply[5..], failure.Error.ServerResponse, StringComparison.Ordinal);
        Assert.DoesNotContain("pop3-secret-Pw1", failure.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_without_uidl_is_an_error_that_says_so_and_waits_for_a_person()
    {
        await using var server = new ScriptedPop3Server([.. Capabilities.Where(c => c != "UIDL")], "+OK Logged in.");

        var error = await SyncFailureAsync(server);

        Assert.Equal(ErrorCodes.UidlNotSupported, error.Code);
        Assert.Contains("UIDL", error.Message, StringComparison.Ordinal);
        Assert.Contains("IMAP", error.Hint, StringComparison.Ordinal);
        Assert.False(error.Transient);
        Assert.DoesNotContain("RETR", server.Commands);
    }

    [Fact]
    public async Task A_server_that_expires_what_it_serves_is_refused_before_anything_is_retrieved()
    {
        await using var server = new ScriptedPop3Server([.. Capabilities, "EXPIRE 0"], "+OK Logged in.");

        var error = await SyncFailureAsync(server);

        Assert.Equal(ErrorCodes.ProtocolNotSupported, error.Code);
        Assert.Contains("EXPIRE 0", error.ServerResponse, StringComparison.Ordinal);
        Assert.DoesNotContain("RETR", server.Commands);
    }

    [Fact]
    public async Task Vault_never_sends_dele_nor_quit_so_the_server_deletes_nothing()
    {
        await using var server = new ScriptedPop3Server(Capabilities, "+OK Logged in.");
        using var data = new TempDirectory("vault-pop3");
        await using var store = await StoreWithSourceAsync(data, server.Port);

        await EngineFactory.Create(store, new SyncOptions(), data.Path, TimeProvider.System).SyncOnceAsync("pop3", Token);

        Assert.Equal(1, await store.CountMessagesAsync("pop3", Token));
        Assert.Contains("RETR", server.Commands);
        Assert.DoesNotContain("DELE", server.Commands);
        Assert.DoesNotContain("QUIT", server.Commands);
    }

    private static async Task<ClassifiedError> SyncFailureAsync(ScriptedPop3Server server)
    {
        using var data = new TempDirectory("vault-pop3");
        await using var store = await StoreWithSourceAsync(data, server.Port);
        var failure = await Assert.ThrowsAsync<MailConnectionException>(
            () => EngineFactory.Create(store, new SyncOptions(), data.Path, TimeProvider.System).SyncOnceAsync("pop3", Token));
        return failure.Error;
    }

    private static async Task<EmbeddedArchiveStore> StoreWithSourceAsync(TempDirectory data, int port)
    {
        var store = new EmbeddedArchiveStore(data.Path, TimeProvider.System);
        await store.InitializeAsync(Token);
        await store.CreateSourceAsync(new Source
        {
            Id = "pop3",
            Settings = Settings(port),
            EncryptedPassword = Encoding.UTF8.GetBytes("pop3-secret-Pw1"),
            CreatedAt = DateTimeOffset.UtcNow,
        }, Token);
        return store;
    }

    private static SourceSettings Settings(int port) => new()
    {
        Name = "scripted pop3",
        Protocol = MailProtocol.Pop3,
        Host = "127.0.0.1",
        Port = port,
        TlsMode = TlsMode.None,
        Username = "someone@example.com",
        SyncMode = SyncMode.Poll,
        Timeout = TimeSpan.FromSeconds(10),
    };
}
