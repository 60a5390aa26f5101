using System.Net.Security;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Vault.Archive.Sources;
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
    public async Task<ImapConnection> ConnectImapAsync(SourceSettings settings, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var recorder = new ServerResponseRecorder();
        var client = new ImapClient(recorder);
        client.Alert += (_, alert) => recorder.AddAlert(alert.Message);
        client.WebAlert += (_, alert) => recorder.WebAlertUrl = alert.WebUri;
        await SignInAsync(client, recorder, settings, password, "imap", cancellationToken);
        return new ImapConnection(client, recorder);
    }

    public async Task<Pop3Client> ConnectPop3Async(SourceSettings settings, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var recorder = new ServerResponseRecorder();
        var client = new Pop3Client(recorder);
        await SignInAsync(client, recorder, settings, password, "pop3", cancellationToken);
        return client;
    }

    /// <summary>Connect and authenticate within the source's timeout; on failure the client is disposed and the error classified.</summary>
    private async Task SignInAsync(MailService client, ServerResponseRecorder recorder, SourceSettings settings, string password, string protocol, CancellationToken cancellationToken)
    {
        client.Timeout = TimeoutMilliseconds(settings);
        client.ServerCertificateValidationCallback = (_, _, _, errors) => CheckCertificate(settings, recorder, errors);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(settings.Timeout);
            await client.ConnectAsync(Dialable(settings.Host), settings.Port, SocketOptions(settings.TlsMode), deadline.Token);
            await AuthenticateOnceAsync(client, settings.Username, password, deadline.Token);
            ConnectionLog.Connected(logger, settings.Host, settings.Port, protocol, settings.Username);
        }
        catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken))
        {
            client.Dispose();
            throw Failed(ex, settings, recorder);
        }
    }

    /// <summary>Connects, authenticates and lists folders (POP3: INBOX with its message count); saves nothing.</summary>
    public async Task<ConnectionTestResult> TestAsync(SourceSettings settings, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            if (settings.Protocol == MailProtocol.Pop3)
            {
                using var pop3 = await ConnectPop3Async(settings, password, cancellationToken);
                var count = await pop3.GetMessageCountAsync(cancellationToken);
                var capabilities = CapabilityNames.Of(pop3.Capabilities);
                await pop3.DisconnectAsync(true, cancellationToken);
                return new ConnectionTestResult(true, null, capabilities, [new MailFolderInfo("INBOX", count)]);
            }

            await using var imap = await ConnectImapAsync(settings, password, cancellationToken);
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

    private MailConnectionException Failed(Exception exception, SourceSettings settings, ServerResponseRecorder recorder)
    {
        var error = ErrorClassifier.Classify(exception, settings, recorder.ToTranscript());
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
    private static Task AuthenticateOnceAsync(MailService client, string username, string password, CancellationToken cancellationToken)
    {
        var sasl = Array.Find(Mechanisms, client.AuthenticationMechanisms.Contains) is { } name
            ? SaslMechanism.Create(name, new System.Net.NetworkCredential(username, password))
            : null;
        return sasl is null
            ? client.AuthenticateAsync(username, password, cancellationToken)
            : client.AuthenticateAsync(sasl, cancellationToken);
    }

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
