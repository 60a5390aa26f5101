namespace Vault.Search.Documents;

/// <summary>What a person reads in a message: the text of its text parts (HTML reduced) and its attachments.</summary>
public sealed record MessageTextContent(string Text, IReadOnlyList<MessageAttachment> Attachments, bool Truncated);
