using System.Net.Security;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Vault.Archive.Sources;
using Vault.Ingestion.Credentials;
using Vault.Ingestion.Errors;

namespace Vault.Ingestion.Connections;

/// <summary>
/// Opens an authenticated IMAP or POP3 connection for a source: the TLS mode it asks for, its timeout, and a
/// certificate check that lets an invalid certificate through only when the source allows insecure certificates.
/// Shared by <c>POST /api/sources/test</c> and the sync engine. Failures surface as <see cref="MailConnectionException"/>
/// with the error already classified in the server's own words.
/// </summary>
public sealed class MailConnector(ILogger<MailConnector> logger)
{
    public async Task<ImapConnection> ConnectImapAsync(SourceSettings settings, MailCredential credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var recorder = new ServerResponseRecorder();
        var client = new ImapClient(recorder);
        client.Alert += (_, alert) => recorder.AddAlert(alert.Message);
        client.WebAlert += (_, alert) => recorder.WebAlertUrl = alert.WebUri;
        await SignInAsync(client, recorder, settings, credential, "imap", cancellationToken);
        return new ImapConnection(client, recorder);
    }

    public async Task<Pop3Client> ConnectPop3Async(SourceSettings settings, MailCredential credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var recorder = new ServerResponseRecorder();
        var client = new Pop3Client(recorder);
        await SignInAsync(client, recorder, settings, credential, "pop3", cancellationToken);
        return client;
    }

    /// <summary>Connect and authenticate within the source's timeout; on failure the client is disposed and the error classified.</summary>
    private async Task SignInAsync(MailService client, ServerResponseRecorder recorder, SourceSettings settings, MailCredential credential, string protocol, CancellationToken cancellationToken)
    {
        client.Timeout = TimeoutMilliseconds(settings);
        client.ServerCertificateValidationCallback = (_, _, _, errors) => CheckCertificate(settings, recorder, errors);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(settings.Timeout);
            await client.ConnectAsync(Dialable(settings.Host), settings.Port, SocketOptions(settings.TlsMode), deadline.Token);
            await AuthenticateOnceAsync(client, credential, deadline.Token);
            ConnectionLog.Connected(logger, settings.Host, settings.Port, protocol, settings.Username);
        }
        catch (MailConnectionException)
        {
            // Already classified (a master user the server cannot take, say).
            client.Dispose();
            throw;
        }
        catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken))
        {
            client.Dispose();
            if (ex is AuthenticationException && credential is OAuth2Credential oauth)
            {
                oauth.MarkRejected();
            }

            throw Failed(ex, settings, recorder, credential);
        }
    }

    /// <summary>Connects, authenticates and lists folders (POP3: INBOX with its message count); saves nothing.</summary>
    public async Task<ConnectionTestResult> TestAsync(SourceSettings settings, MailCredential credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            if (settings.Protocol == MailProtocol.Pop3)
            {
                using var pop3 = await ConnectPop3Async(settings, credential, cancellationToken);
                var count = await pop3.GetMessageCountAsync(cancellationToken);
                var capabilities = CapabilityNames.Of(pop3.Capabilities);
                await pop3.DisconnectAsync(true, cancellationToken);
                return new ConnectionTestResult(true, null, capabilities, [new MailFolderInfo("INBOX", count)]);
            }

            await using var imap = await ConnectImapAsync(settings, credential, cancellationToken);
            try
            {
                var folders = await imap.ListFoldersAsync(withCounts: true, cancellationToken);
                return new ConnectionTestResult(true, null, imap.Capabilities, folders);
            }
            catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken))
            {
                return new ConnectionTestResult(false, ErrorClassifier.Classify(ex, settings, imap.Transcript), imap.Capabilities, []);
            }
        }
        catch (MailConnectionException failure)
        {
            return new ConnectionTestResult(false, failure.Error, [], []);
        }
        catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken))
        {
            return new ConnectionTestResult(false, ErrorClassifier.Classify(ex, settings), [], []);
        }
    }

    public static SecureSocketOptions SocketOptions(TlsMode mode) => mode switch
    {
        TlsMode.None => SecureSocketOptions.None,
        TlsMode.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.SslOnConnect,
    };

    /// <summary>What a connection attempt can throw because of the server or the network (not a bug of ours, not the caller cancelling).</summary>
    public static bool IsConnectionFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        IOException or SocketException or TimeoutException or ProtocolException or CommandException
            or AuthenticationException or SslHandshakeException or ServiceNotConnectedException => true,
        NotSupportedException => true,
        _ => false,
    };

    private MailConnectionException Failed(Exception exception, SourceSettings settings, ServerResponseRecorder recorder, MailCredential credential)
    {
        var error = ErrorClassifier.Classify(exception, settings, recorder.ToTranscript(), credential);
        ConnectionLog.ConnectFailed(logger, settings.Host, settings.Port, settings.Protocol == MailProtocol.Pop3 ? "pop3" : "imap", settings.Username, error.Code);
        return new MailConnectionException(error, exception);
    }

    /// <summary>The SASL mechanisms tried, strongest first; PLAIN works whatever scheme the server stores passwords in.</summary>
    private static readonly string[] Mechanisms = ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"];

    /// <summary>
    /// One login attempt per connection. MailKit's own negotiation tries every SASL mechanism the server offers and
    /// then the LOGIN command, so a wrong password counted as three failures (against lockout limits) and, against a
    /// server that delays each failure (Dovecot: 2 s and more), ran into the timeout and was reported as Timeout
    /// instead of AuthenticationFailed. The strongest mechanism offered is used; a server offering none of them gets
    /// MailKit's own choice.
    /// </summary>
    private static Task AuthenticateOnceAsync(MailService client, MailCredential credential, CancellationToken cancellationToken)
    {
        switch (credential)
        {
            case PasswordCredential password:
                var sasl = Array.Find(Mechanisms, client.AuthenticationMechanisms.Contains) is { } name
                    ? SaslMechanism.Create(name, new System.Net.NetworkCredential(password.Username, password.Password))
                    : null;
                return sasl is null
                    ? client.AuthenticateAsync(password.Username, password.Password, cancellationToken)
                    : client.AuthenticateAsync(sasl, cancellationToken);

            case MasterUserCredential { Separator: { Length: > 0 } separator } master:
                // Dovecot splits the login name at the separator's first occurrence (auth-request-fields.c): "user*admin"
                // with the admin's password, over the LOGIN command (RFC 3501 §6.2.3) or POP3 USER/PASS. Without SASL
                // mechanisms MailKit uses exactly that, once.
                client.AuthenticationMechanisms.Clear();
                return client.AuthenticateAsync(master.Mailbox + separator + master.AdminUsername, master.AdminPassword, cancellationToken);

            case OAuth2Credential oauth:
                // XOAUTH2 first: Google and Microsoft document it. OAUTHBEARER (RFC 7628) where XOAUTH2 is missing; MailKit
                // sends it with port=-1 (it builds the URI from the host alone), which Dovecot accepts (oauth2-imap.md §4).
                // Never AuthenticateAsync(user, token): that tries PLAIN, LOGIN and LOGIN with the token as a password.
                if (client.AuthenticationMechanisms.Contains("XOAUTH2"))
                {
                    return client.AuthenticateAsync(new SaslMechanismOAuth2(oauth.Mailbox, oauth.AccessToken), cancellationToken);
                }

                if (client.AuthenticationMechanisms.Contains("OAUTHBEARER"))
                {
                    return client.AuthenticateAsync(new SaslMechanismOAuthBearer(oauth.Mailbox, oauth.AccessToken), cancellationToken);
                }

                throw new MailConnectionException(OAuthNotOffered(client), null);

            case MasterUserCredential master:
                // RFC 4616 §2: PLAIN carries an authorization identity; only PLAIN does, so without it there is no way in.
                if (!client.AuthenticationMechanisms.Contains("PLAIN"))
                {
                    throw new MailConnectionException(MasterUserNeedsPlain(client), null);
                }

                return client.AuthenticateAsync(new SaslMechanismPlain(master.AdminUsername, master.AdminPassword) { AuthorizationId = master.Mailbox }, cancellationToken);

            default:
                throw new NotSupportedException($"Vault cannot log in with a {credential.Kind} credential.");
        }
    }

    private static ClassifiedError OAuthNotOffered(MailService client) =>
        new(ErrorCodes.OAuthNotSupported,
            "The server does not offer OAuth2 sign-in (SASL XOAUTH2 or OAUTHBEARER).",
            client.AuthenticationMechanisms.Count == 0 && !client.IsSecure
                ? "The server offers no sign-in on an unencrypted connection: turn TLS on for this source."
                : "Check the server's host and port: Gmail is imap.gmail.com and Microsoft outlook.office365.com, both on 993 with TLS.",
            $"Mechanisms offered: {(client.AuthenticationMechanisms.Count == 0 ? "none" : string.Join(' ', client.AuthenticationMechanisms))}",
            Transient: false);

    private static ClassifiedError MasterUserNeedsPlain(MailService client) =>
        new(ErrorCodes.MasterUserNotSupported,
            "The server does not offer SASL PLAIN, the only way to name the mailbox a master user logs in as.",
            client.AuthenticationMechanisms.Count == 0 && !client.IsSecure
                ? "The server offers no password login on an unencrypted connection: turn TLS on for the connector. If it still lacks PLAIN, set a master user separator (Dovecot: auth_master_user_separator, often '*')."
                : "Set the connector's master user separator (Dovecot: auth_master_user_separator, often '*') to log in as user*admin, or use per-user passwords or self-service links instead.",
            $"Mechanisms offered: {(client.AuthenticationMechanisms.Count == 0 ? "none" : string.Join(' ', client.AuthenticationMechanisms))}",
            Transient: false);

    private static bool CheckCertificate(SourceSettings settings, ServerResponseRecorder recorder, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None || settings.AllowInsecureCertificate)
        {
            return true;
        }

        recorder.CertificateRejected = true;
        return false;
    }

    /// <summary>
    /// An IPv6 literal without URL brackets: MailKit adds them when it builds its URI and throws UriFormatException on
    /// "[::1]". The API stores hosts without them; a source saved with them before that is still dialled.
    /// </summary>
    private static string Dialable(string host) =>
        host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;

    private static int TimeoutMilliseconds(SourceSettings settings) => (int)Math.Clamp(settings.Timeout.TotalMilliseconds, 1000, int.MaxValue);
}
