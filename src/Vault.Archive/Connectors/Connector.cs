namespace Vault.Archive.Connectors;

/// <summary>
/// A whole mail server archived through one configuration; each mailbox is an ordinary source with
/// <c>ConnectorId</c> set. <see cref="EncryptedAdminPassword"/> is Data Protection ciphertext (null for perUser).
/// </summary>
public sealed record Connector
{
    public required string Id { get; init; }
    public required ConnectorSettings Settings { get; init; }
    public byte[]? EncryptedAdminPassword { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
