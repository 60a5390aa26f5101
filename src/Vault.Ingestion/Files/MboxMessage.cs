using Vault.Archive.Messages;

namespace Vault.Ingestion.Files;

/// <summary>One message read from an mbox: its place (1-based number, byte offset of its <c>From </c> line), that line, and its bytes.</summary>
public sealed record MboxMessage(int Number, long Offset, string FromLine, MessageContent Content) : IDisposable
{
    /// <summary>The date of the <c>From </c> line (asctime, UTC), the closest an mbox has to an INTERNALDATE; null when unreadable.</summary>
    public DateTimeOffset? ReceivedAt => MboxFromLine.Date(FromLine);

    public void Dispose() => Content.Dispose();
}
