namespace Vault.Archive.Messages;

/// <summary>A message kept in the archive. <see cref="Sha256"/> (lowercase hex of the raw bytes) is its content id within a source.</summary>
public sealed record ArchivedMessage
{
    public required string Id { get; init; }
    public required string SourceId { get; init; }
    public required string Sha256 { get; init; }
    public required long Size { get; init; }
    public DateTimeOffset? InternalDate { get; init; }
    public IReadOnlyList<string> Flags { get; init; } = [];
    public required MessageHeaderSummary Headers { get; init; }
    public required IReadOnlyList<MessageLocation> Locations { get; init; }
    public required DateTimeOffset FirstSeen { get; init; }

    /// <summary>Set when every location is gone from the server; the message stays in the archive.</summary>
    public DateTimeOffset? DeletedOnServerAt { get; init; }

    /// <summary>Its number in the archive change sequence (<see cref="IArchiveStore.ListChangesAsync"/>): when it last changed.</summary>
    public long ChangeSequence { get; init; }

    public IReadOnlyList<string> Folders => Locations.Select(l => l.Folder).Distinct(StringComparer.Ordinal).ToList();
}
