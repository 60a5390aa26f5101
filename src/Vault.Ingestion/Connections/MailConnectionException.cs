using Vault.Ingestion.Errors;

namespace Vault.Ingestion.Connections;

/// <summary>
/// Connecting or signing in failed; <see cref="Error"/> is already classified with what the server said on the way
/// (alerts, the WEBALERT URL, a rejected certificate), which the bare MailKit exception no longer carries.
/// The message is the classified message: it never contains credentials.
/// </summary>
public sealed class MailConnectionException : Exception
{
    public MailConnectionException()
        : this(new ClassifiedError(ErrorCodes.Unknown, "The connection failed.", string.Empty, null, true), null)
    {
    }

    public MailConnectionException(string message)
        : this(new ClassifiedError(ErrorCodes.Unknown, message, string.Empty, null, true), null)
    {
    }

    public MailConnectionException(string message, Exception innerException)
        : this(new ClassifiedError(ErrorCodes.Unknown, message, string.Empty, null, true), innerException)
    {
    }

    public MailConnectionException(ClassifiedError error, Exception? innerException)
        : base(error?.Message, innerException)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    public ClassifiedError Error { get; }
}
