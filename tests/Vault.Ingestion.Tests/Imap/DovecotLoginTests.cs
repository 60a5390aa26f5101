using System.Net;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Imap;

/// <summary>The test Dovecot accepts every way Vault logs in, and refuses its self-signed certificate unless told.</summary>
public sealed class DovecotLoginTests
{
    private readonly TestDovecot _dovecot = TestDovecot.Require();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Plain_login_reaches_the_users_inbox()
    {
        var (user, subject) = await UserWithOneMessageAsync();
        using var client = new ImapClient();
        await client.ConnectAsync(_dovecot.Host, _dovecot.ImapPort, SecureSocketOptions.None, Token);
        Assert.False(client.IsSecure);
        await client.AuthenticateAsync(new NetworkCredential(user.Name, user.Password), Token);
        await AssertInboxHoldsAsync(client, subject);
    }

    [Fact]
    public async Task Wrong_password_is_refused()
    {
        var user = _dovecot.CreateUser("login-wrong");
        using var client = new ImapClient();
        await client.ConnectAsync(_dovecot.Host, _dovecot.ImapPort, SecureSocketOptions.None, Token);
        await Assert.ThrowsAsync<AuthenticationException>(
            () => client.AuthenticateAsync(new NetworkCredential(user.Name, user.Password + "x"), Token));
    }

    [Theory]
    [InlineData(SecureSocketOptions.StartTls)]
    [InlineData(SecureSocketOptions.SslOnConnect)]
    public async Task Tls_rejects_the_self_signed_certificate_by_default_and_accepts_it_when_told(SecureSocketOptions tls)
    {
        var (user, subject) = await UserWithOneMessageAsync();
        var port = tls == SecureSocketOptions.SslOnConnect ? _dovecot.ImapsPort : _dovecot.ImapPort;
        using (var strict = new ImapClient())
        {
            await Assert.ThrowsAsync<SslHandshakeException>(() => strict.ConnectAsync(_dovecot.Host, port, tls, Token));
        }

        using var client = new ImapClient { ServerCertificateValidationCallback = _dovecot.AcceptItsCertificate() };
        await client.ConnectAsync(_dovecot.Host, port, tls, Token);
        Assert.True(client.IsSecure);
        await client.AuthenticateAsync(new NetworkCredential(user.Name, user.Password), Token);
        await AssertInboxHoldsAsync(client, subject);
    }

    [Fact]
    public async Task Master_user_login_with_the_separator_reaches_the_users_inbox()
    {
        var (user, subject) = await UserWithOneMessageAsync();
        using var client = new ImapClient();
        await client.ConnectAsync(_dovecot.Host, _dovecot.ImapPort, SecureSocketOptions.None, Token);
        client.AuthenticationMechanisms.Remove("PLAIN");
        await client.AuthenticateAsync(new NetworkCredential($"{user.Name}*{_dovecot.MasterUser}", _dovecot.MasterPassword), Token);
        await AssertInboxHoldsAsync(client, subject);
    }

    [Fact]
    public async Task Master_user_sasl_plain_with_an_authorization_id_reaches_the_users_inbox()
    {
        var (user, subject) = await UserWithOneMessageAsync();
        using var client = new ImapClient();
        await client.ConnectAsync(_dovecot.Host, _dovecot.ImapPort, SecureSocketOptions.None, Token);
        var sasl = new SaslMechanismPlain(new NetworkCredential(_dovecot.MasterUser, _dovecot.MasterPassword)) { AuthorizationId = user.Name };
        await client.AuthenticateAsync(sasl, Token);
        await AssertInboxHoldsAsync(client, subject);
    }

    [Fact]
    public async Task Pop3_login_plain_and_with_stls_sees_the_users_message()
    {
        var (user, _) = await UserWithOneMessageAsync();
        using (var plain = new Pop3Client())
        {
            await plain.ConnectAsync(_dovecot.Host, _dovecot.Pop3Port, SecureSocketOptions.None, Token);
            await plain.AuthenticateAsync(new NetworkCredential(user.Name, user.Password), Token);
            Assert.Equal(1, plain.Count);
            await plain.DisconnectAsync(quit: true, Token);
        }

        using var secure = new Pop3Client { ServerCertificateValidationCallback = _dovecot.AcceptItsCertificate() };
        await secure.ConnectAsync(_dovecot.Host, _dovecot.Pop3Port, SecureSocketOptions.StartTls, Token);
        Assert.True(secure.IsSecure);
        await secure.AuthenticateAsync(new NetworkCredential(user.Name, user.Password), Token);
        Assert.Equal(1, secure.Count);
    }

    private async Task<(TestUser User, string Subject)> UserWithOneMessageAsync()
    {
        var user = _dovecot.CreateUser("login");
        var subject = $"Hello {user.Name}";
        var message = Encoding.ASCII.GetBytes($"From: a@example.org\r\nTo: {user.Name}@example.org\r\nSubject: {subject}\r\n\r\nBody.\r\n");
        await _dovecot.AppendAsync(user, "INBOX", message, Token);
        return (user, subject);
    }

    private static async Task AssertInboxHoldsAsync(ImapClient client, string subject)
    {
        Assert.True(client.IsAuthenticated);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, Token);
        Assert.Equal(1, client.Inbox.Count);
        var summaries = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope, Token);
        Assert.Equal(subject, Assert.Single(summaries).Envelope?.Subject);
    }
}
