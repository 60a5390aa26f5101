using Microsoft.Extensions.Logging.Abstractions;
using Vault.Archive.Sources;
using Vault.Ingestion.Credentials;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Errors;
using Vault.Ingestion.Tests.Connections;

using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Errors;

/// <summary>
/// Each recorded provider text (notes/imap-sync-and-mime.md §5) goes through a loopback server and MailKit, so the
/// classifier sees the exception MailKit really throws, then the code, hint and transience a person gets.
/// </summary>
public sealed class ErrorClassifierTests
{
    private static readonly PasswordCredential Password = new("user", "classifier-secret-Pw1");
    private readonly MailConnector _connector = new(NullLogger<MailConnector>.Instance);

    public static TheoryData<string, string, string, string, bool, string> ProviderTexts => new()
    {
        // provider, greeting, login reply ('|' separates lines), expected code, transient, text the hint or response must carry
        { "gmail", "* OK Gimap ready for requests", "{tag} NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)", ErrorCodes.AppPasswordRequired, false, "support.google.com/accounts/answer/185833" },
        { "gmail", "* OK Gimap ready for requests", "* NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=AKgnsbt] Web login required.|{tag} NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)", ErrorCodes.WebLoginRequired, false, "https://accounts.google.com/signin/continue" },
        { "gmail", "* OK Gimap ready for requests", "{tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", ErrorCodes.AuthenticationFailed, false, "App Password" },
        { "gmail", "* OK Gimap ready for requests", "{tag} NO [ALERT] Too many simultaneous connections. (Failure)", ErrorCodes.TooManyConnections, true, "Too many simultaneous connections" },
        { "gmail", "* OK Gimap ready for requests", "{tag} NO [OVERQUOTA] Account exceeded command or bandwidth limits. (Failure)", ErrorCodes.QuotaExceeded, true, "OVERQUOTA" },
        { "outlook", "* OK The Microsoft Exchange IMAP4 service is ready.", "{tag} NO Basic authentication is disabled.|* BYE Microsoft Exchange Server IMAP4 server signing off.", ErrorCodes.OAuthRequired, false, "OAuth" },
        { "outlook", "* OK The Microsoft Exchange IMAP4 service is ready.", "{tag} NO LOGIN failed.", ErrorCodes.AuthenticationFailed, false, "IMAP is enabled" },
        { "yahoo", "* OK [CAPABILITY IMAP4rev1 ID MOVE NAMESPACE XYMHIGHESTMODSEQ UIDPLUS LITERAL+ CHILDREN X-MSG-EXT UNSELECT OBJECTID] IMAP4rev1 Hello", "{tag} NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials", ErrorCodes.AppPasswordRequired, false, "help.yahoo.com" },
        { "yahoo", "* OK IMAP4rev1 Hello", "{tag} NO [LIMIT] LOGIN Rate limit hit.", ErrorCodes.RateLimited, true, "Rate limit hit" },
        { "icloud", "* OK [CAPABILITY XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 SASL-IR AUTH=ATOKEN AUTH=PLAIN] iCloud IMAP4 service", "{tag} NO [AUTHENTICATIONFAILED] Authentication failed", ErrorCodes.AppPasswordRequired, false, "support.apple.com" },
        { "icloud", "* OK iCloud IMAP4 service", "{tag} BAD [UNAVAILABLE] Service temporarily unavailable", ErrorCodes.ServerUnavailable, true, "temporarily unavailable" },
        { "fastmail", "* OK IMAP4 ready", "{tag} NO Incorrect username or password.", ErrorCodes.AppPasswordRequired, false, "fastmail.help" },
        { "zoho", "* OK Zoho Mail IMAP4rev1 Server version 1.0", "{tag} NO [AUTHENTICATIONFAILED] Invalid credentials(Failure)", ErrorCodes.AppPasswordRequired, false, "zoho.com/mail/help" },
        { "yandex", "* OK Yandex IMAP4rev1 at imap.yandex.com:993 ready to talk", "{tag} NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials or IMAP is disabled sc=Ab1CdEfGh", ErrorCodes.ImapDisabled, false, "IMAP is disabled" },
        { "", "* OK Dovecot ready.", "{tag} NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)", ErrorCodes.TooManyConnections, true, "mail_max_userip_connections" },
        { "", "* OK Dovecot ready.", "{tag} NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.", ErrorCodes.TlsRequired, false, "TLS" },
        { "", "* OK Dovecot ready.", "{tag} NO [AUTHENTICATIONFAILED] Authentication failed.", ErrorCodes.AuthenticationFailed, false, "[AUTHENTICATIONFAILED] Authentication failed." },
    };

    [Theory]
    [MemberData(nameof(ProviderTexts))]
    public async Task Provider_texts_become_the_right_code_and_hint(string provider, string greeting, string loginReply, string code, bool transient, string expectedText)
    {
        await using var server = new ScriptedImapServer(greeting, "IMAP4rev1 ID", loginReply.Split('|'));
        var settings = Settings(server.Port, provider.Length == 0 ? null : provider);

        var failure = await Assert.ThrowsAsync<MailConnectionException>(() => _connector.ConnectImapAsync(settings, Password, TestContext.Current.CancellationToken));

        Assert.Equal(code, failure.Error.Code);
        Assert.Equal(transient, failure.Error.Transient);
        Assert.Contains(expectedText, failure.Error.Hint + "\n" + failure.Error.ServerResponse, StringComparison.Ordinal);
        Assert.DoesNotContain(Password.Password, failure.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logindisabled_without_tls_is_tls_required()
    {
        await using var server = new ScriptedImapServer("* OK ready.", "IMAP4rev1 LOGINDISABLED STARTTLS", ["{tag} OK unexpected"]);

        var failure = await Assert.ThrowsAsync<MailConnectionException>(() => _connector.ConnectImapAsync(Settings(server.Port, null), Password, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCodes.TlsRequired, failure.Error.Code);
        Assert.False(failure.Error.Transient);
    }

    [Fact]
    public async Task A_closed_port_is_connection_refused_and_transient()
    {
        var failure = await Assert.ThrowsAsync<MailConnectionException>(() => _connector.ConnectImapAsync(Settings(SilentServer.ClosedPort(), null), Password, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCodes.ConnectionRefused, failure.Error.Code);
        Assert.True(failure.Error.Transient);
    }

    [Fact]
    public async Task An_unknown_host_is_host_not_found_and_waits_for_a_person()
    {
        var settings = Settings(993, null) with { Host = "no-such-mail-host.invalid" };

        var failure = await Assert.ThrowsAsync<MailConnectionException>(() => _connector.ConnectImapAsync(settings, Password, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCodes.HostNotFound, failure.Error.Code);
        Assert.False(failure.Error.Transient);
    }

    [Fact]
    public async Task A_server_that_never_greets_is_a_timeout()
    {
        await using var server = new SilentServer();
        var settings = Settings(server.Port, null) with { Timeout = TimeSpan.FromSeconds(1) };

        var failure = await Assert.ThrowsAsync<MailConnectionException>(() => _connector.ConnectImapAsync(settings, Password, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCodes.Timeout, failure.Error.Code);
        Assert.True(failure.Error.Transient);
    }

    [Fact]
    public async Task Implicit_tls_against_a_plain_text_server_is_a_handshake_failure()
    {
        await using var server = new SilentServer("* OK plain text IMAP, no TLS here");
        var settings = Settings(server.Port, null) with { TlsMode = TlsMode.Implicit };

        var failure = await Assert.ThrowsAsync<MailConnectionException>(() => _connector.ConnectImapAsync(settings, Password, TestContext.Current.CancellationToken));

        Assert.Equal(ErrorCodes.TlsHandshakeFailed, failure.Error.Code);
    }

    [Fact]
    public async Task A_self_signed_certificate_is_refused_unless_insecure_certificates_are_allowed()
    {
        using var certificate = ScriptedImapServer.SelfSignedCertificate();
        await using var server = new ScriptedImapServer("* OK ready.", "IMAP4rev1", ["{tag} NO [AUTHENTICATIONFAILED] Authentication failed."], certificate);
        var settings = Settings(server.Port, null) with { TlsMode = TlsMode.Implicit };

        var refused = await Assert.ThrowsAsync<MailConnectionException>(() => _connector.ConnectImapAsync(settings, Password, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.TlsCertificateInvalid, refused.Error.Code);
        Assert.False(refused.Error.Transient);
        Assert.Contains("Allow insecure certificate", refused.Error.Hint, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("risky", refused.Error.Hint, StringComparison.Ordinal);

        // Allowed: TLS succeeds and the server's answer to LOGIN is what fails.
        var allowed = await Assert.ThrowsAsync<MailConnectionException>(() => _connector.ConnectImapAsync(settings with { AllowInsecureCertificate = true }, Password, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCodes.AuthenticationFailed, allowed.Error.Code);
    }

    private static SourceSettings Settings(int port, string? provider) => new()
    {
        Name = "scripted",
        Host = "127.0.0.1",
        Port = port,
        TlsMode = TlsMode.None,
        Username = "someone@example.com",
        Provider = provider,
        Timeout = TimeSpan.FromSeconds(10),
    };
}
