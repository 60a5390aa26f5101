namespace Vault.Api.Messages;

public sealed record MessageListItem(string Id, string Sha256, long Size, IReadOnlyList<string> Folders, string? Subject, DateTimeOffset? Date)
{
    /// <summary>When the message was found gone from every folder on the server (it stays archived); null while it is there.</summary>
    public DateTimeOffset? DeletedOnServerAt { get; init; }
}
