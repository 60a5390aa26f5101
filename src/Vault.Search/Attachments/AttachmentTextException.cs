namespace Vault.Search.Attachments;

/// <summary>An extractor recognised why a file cannot be read (a password, a size); the message is a plain sentence for people.</summary>
internal sealed class AttachmentTextException : Exception
{
    public AttachmentTextException(AttachmentFailure failure, string message)
        : base(message)
    {
        Failure = failure;
    }

    public AttachmentTextException()
    {
    }

    public AttachmentTextException(string message)
        : base(message)
    {
    }

    public AttachmentTextException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AttachmentFailure Failure { get; } = AttachmentFailure.Unreadable;
}
