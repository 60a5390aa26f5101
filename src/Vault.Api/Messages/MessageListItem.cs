namespace Vault.Api.Messages;

public sealed record MessageListItem(string Id, string Sha256, long Size, IReadOnlyList<string> Folders, string? Subject, DateTimeOffset? Date);
