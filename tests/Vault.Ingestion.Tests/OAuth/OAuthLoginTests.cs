using Microsoft.Extensions.Logging.Abstractions;
using Vault.Archive.OAuth;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Credentials;
using Vault.Ingestion.Errors;
using Vault.Ingestion.OAuth;
using Vault.Ingestion.Tests.Connections;

namespace Vault.Ingestion.Tests.OAuth;

/// <summary>
/// How an OAuth2 login goes over the wire (which SASL mechanism) and what a refusal means, with provider texts replayed by
/// a scripted server (oauth2-imap.md §3, imap-sync-and-mime.md §5): what only Google or Microsoft can be made to say.
/// </summary>
public sealed class OAuthLoginTests
{
    private const string AccessToken = "ya29.scripted-access-token-never-shown";
    private const string Gmail = "* OK Gimap ready for requests";
    private const string Exchange = "* OK The Microsoft Exchange IMAP4 service is ready.";

    /// <summary>{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}, Gmail's error challenge.</summary>
    private const string GmailChallenge = "+ eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==";

    private readonly MailConnector _connector = new(NullLogger<MailConnector>.Instance);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=OAUTHBEARER AUTH=PLAIN", "AUTHENTICATE XOAUTH2")]
    [InlineData("IMAP4rev1 SASL-IR AUTH=OAUTHBEARER AUTH=PLAIN", "AUTHENTICATE OAUTHBEARER")]
    public async Task Xoauth2_is_used_where_offered_and_oauthbearer_otherwise_once_and_never_plain(string capabilities, string expected)
    {
        await using var server = new ScriptedImapServer(Gmail, capabilities, ["{tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"]);

        await Assert.ThrowsAsync<MailConnectionException>(() => _connector.ConnectImapAsync(Settings(server.Port), Credential(OAuthProvider.Google, fresh: true), Ct));

        Assert.Equal([expected], server.Commands.Where(c => c.StartsWith("AUTHENTICATE", StringComparison.Ordinal) || c == "LOGIN"));
    }

    [Fact]
    public async Task A_server_without_an_oauth_mechanism_is_refused_before_any_login()
    {
        await using var server = new ScriptedImapServer("* OK Dovecot ready.", "IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=LOGIN", ["{tag} OK Logged in"]);

        var failure = await Assert.ThrowsAsync<MailConnectionException>(() => _connector.ConnectImapAsync(Settings(server.Port), Credential(OAuthProvider.Google, fresh: true), Ct));

        Assert.Equal(ErrorCodes.OAuthNotSupported, failure.Error.Code);
        Assert.False(failure.Error.Transient);
        Assert.Contains("AUTH=PLAIN", "AUTH=" + failure.Error.ServerResponse!.Replace("Mechanisms offered: ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain(server.Commands, c => c.StartsWith("AUTHENTICATE", StringComparison.Ordinal) || c == "LOGIN");
    }

    public static TheoryData<OAuthProvider, string, string, bool, string, string, bool> ProviderTexts => new()
    {
        // provider, greeting, reply ('|' separates lines), token issued for this login, expected code, text of the hint or response, transient
        { OAuthProvider.Google, Gmail, $"{GmailChallenge}|{{tag}} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", true, ErrorCodes.AuthenticationFailed, "https://mail.google.com/", false },
        { OAuthProvider.Google, Gmail, $"{GmailChallenge}|{{tag}} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", false, ErrorCodes.OAuthTokenRejected, "new token", true },
        { OAuthProvider.Google, Gmail, "{tag} NO [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure)", true, ErrorCodes.ImapDisabled, "End User Access", false },
        { OAuthProvider.Google, Gmail, $"{GmailChallenge}|{{tag}} NO [ALERT] Too many simultaneous connections. (Failure)", false, ErrorCodes.TooManyConnections, "Too many simultaneous connections", true },
        { OAuthProvider.Microsoft, Exchange, "{tag} NO AUTHENTICATE failed.", true, ErrorCodes.AuthenticationFailed, "Set-CASMailbox someone@example.com -ImapEnabled $true", false },
        { OAuthProvider.Microsoft, Exchange, "{tag} NO AUTHENTICATE failed.", false, ErrorCodes.OAuthTokenRejected, "AUTHENTICATE failed.", true },
    };

    [Theory]
    [MemberData(nameof(ProviderTexts))]
    public async Task An_oauth_refusal_becomes_the_right_code_and_hint(OAuthProvider provider, string greeting, string reply, bool fresh, string code, string expectedText, bool transient)
    {
        await using var server = new ScriptedImapServer(greeting, "IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=OAUTHBEARER", reply.Split('|'));
        var rejected = false;

        var failure = await Assert.ThrowsAsync<MailConnectionException>(() => _connector.ConnectImapAsync(Settings(server.Port), Credential(provider, fresh, () => rejected = true), Ct));

        Assert.Equal(code, failure.Error.Code);
        Assert.Equal(transient, failure.Error.Transient);
        Assert.Contains(expectedText, failure.Error.Hint + "\n" + failure.Error.ServerResponse, StringComparison.Ordinal);
        Assert.True(rejected, "the cached token is dropped, so the next login gets a new one");
        Assert.DoesNotContain(AccessToken, failure.Error.ToString() + failure, StringComparison.Ordinal);
    }

    public static TheoryData<string?, int?, bool, string, bool> TokenEndpointErrors => new()
    {
        // OAuth error, HTTP status, transient as the endpoint client saw it, expected code, transient
        { "invalid_grant", 400, false, ErrorCodes.OAuthConsentRequired, false },
        { "interaction_required", 400, false, ErrorCodes.OAuthConsentRequired, false },
        { "invalid_client", 401, false, ErrorCodes.OAuthClientRejected, false },
        { "unauthorized_client", 400, false, ErrorCodes.OAuthClientRejected, false },
        { "invalid_scope", 400, false, ErrorCodes.OAuthScopeMissing, false },
        { "temporarily_unavailable", 400, true, ErrorCodes.OAuthProviderUnavailable, true },
        { null, 503, true, ErrorCodes.OAuthProviderUnavailable, true },
    };

    [Theory]
    [MemberData(nameof(TokenEndpointErrors))]
    public void Token_endpoint_errors_are_told_apart_by_their_error_code(string? error, int? status, bool endpointTransient, string code, bool transient)
    {
        var failure = new OAuthTokenException("refused", error, "Token has been expired or revoked.", status, endpointTransient);

        var classified = OAuthErrors.FromTokenEndpoint(failure, OAuthProvider.Microsoft);

        Assert.Equal(code, classified.Code);
        Assert.Equal(transient, classified.Transient);
        if (code == ErrorCodes.OAuthConsentRequired)
        {
            Assert.StartsWith(OAuthErrors.ReconnectHint, classified.Hint, StringComparison.Ordinal);
        }
    }

    private static OAuth2Credential Credential(OAuthProvider provider, bool fresh, Action? rejected = null) =>
        new("someone@example.com", AccessToken, provider, ["https://mail.google.com/"], fresh, rejected);

    private static SourceSettings Settings(int port) => new()
    {
        Name = "scripted",
        Host = "127.0.0.1",
        Port = port,
        TlsMode = TlsMode.None,
        Username = "someone@example.com",
        Auth = SourceAuth.OAuth2,
        OAuthProvider = OAuthProvider.Google,
        Timeout = TimeSpan.FromSeconds(10),
    };
}
