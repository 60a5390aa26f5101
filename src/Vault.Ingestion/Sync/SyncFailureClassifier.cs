using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Vault.Ingestion.Errors;

namespace Vault.Ingestion.Sync;

/// <summary>Maps an exception that ended a sync attempt to a <see cref="ClassifiedError"/>.</summary>
internal static class SyncFailureClassifier
{
    // Rate-limit and connection-cap texts (notes §3 #34-36): transient, back off.
    private static readonly string[] ThrottleMarkers = ["[THROTTLED]", "[LIMIT]", "[UNAVAILABLE]", "[OVERQUOTA]", "Too many simultaneous connections", "Maximum number of connections", "Rate limit"];

    public static ClassifiedError Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var text = exception switch
        {
            ImapCommandException command => command.ResponseText,
            _ => exception.Message,
        };

        if (ThrottleMarkers.Any(m => text.Contains(m, StringComparison.OrdinalIgnoreCase)))
        {
            var connections = text.Contains("connections", StringComparison.OrdinalIgnoreCase);
            return new ClassifiedError(
                connections ? "TooManyConnections" : "RateLimited",
                connections ? "The server refused another connection." : "The server asked Vault to slow down.",
                "Vault retries on its own with a growing delay.",
                text,
                Transient: true);
        }

        return exception switch
        {
            AuthenticationException => new ClassifiedError("AuthenticationFailed", "The server rejected the username or password.", "Check the username and password (or App Password), then resume the source.", text, Transient: false),
            SslHandshakeException => new ClassifiedError("TlsHandshakeFailed", "The secure connection could not be established.", "Check the TLS setting and the server's certificate.", null, Transient: false),
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } => new ClassifiedError("ConnectionRefused", "The server refused the connection.", "Check the host and port.", null, Transient: true),
            SocketException { SocketErrorCode: SocketError.HostNotFound } => new ClassifiedError("HostNotFound", "The host name could not be found.", "Check the host name.", null, Transient: false),
            TimeoutException => new ClassifiedError("Timeout", "The server did not answer in time.", "Vault retries on its own.", null, Transient: true),
            ImapProtocolException or IOException or SocketException or ServiceNotConnectedException => new ClassifiedError("ConnectionLost", "The connection to the server was lost.", "Vault retries on its own.", null, Transient: true),
            ImapCommandException => new ClassifiedError("ProtocolError", "The server refused a command.", "Vault retries on its own.", text, Transient: true),
            _ => new ClassifiedError("Unknown", "The sync failed unexpectedly.", "Vault retries on its own; see the logs.", null, Transient: true),
        };
    }
}
