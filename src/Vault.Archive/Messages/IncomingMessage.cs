namespace Vault.Archive.Messages;

/// <summary>A message fetched from a server, ready to be written in a batch.</summary>
public sealed record IncomingMessage(
    MessageLocation Location,
    MessageContent Content,
    DateTimeOffset? InternalDate,
    IReadOnlyList<string> Flags,
    MessageHeaderSummary Headers);
