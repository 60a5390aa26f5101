namespace Vault.Archive.Messages;

/// <summary>A hold on a <see cref="MessageContent"/>'s bytes in memory (<see cref="MessageContent.Hold"/>); disposing it lets them go.</summary>
public sealed class MessageBytesHold : IDisposable
{
    private MessageContent? _content;

    internal MessageBytesHold(MessageContent content, ReadOnlyMemory<byte> bytes)
    {
        _content = content;
        Bytes = bytes;
    }

    /// <summary>The message; not to be read once the hold is disposed.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    public void Dispose() => Interlocked.Exchange(ref _content, null)?.Release();
}
