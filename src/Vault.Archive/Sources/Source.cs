namespace Vault.Archive.Sources;

/// <summary>
/// One mailbox account being archived. <see cref="EncryptedPassword"/> is Data Protection ciphertext:
/// the stores never see a password in clear.
/// </summary>
public sealed record Source
{
    public required string Id { get; init; }
    public required SourceSettings Settings { get; init; }
    public required byte[] EncryptedPassword { get; init; }
    public SourceStatus Status { get; init; } = SourceStatus.Importing;
    public SourceError? Error { get; init; }
    public SyncProgress Progress { get; init; } = SyncProgress.None;

    /// <summary>True once the first bulk import of every folder finished; resume then goes to Active.</summary>
    public bool ImportCompleted { get; init; }
    public DateTimeOffset? LastSyncAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The connector this source is a mailbox of (its server, its way to log in); null for a source of its own.</summary>
    public string? ConnectorId { get; init; }
}
