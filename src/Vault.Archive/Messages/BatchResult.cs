namespace Vault.Archive.Messages;

/// <summary>
/// What a batch changed: <see cref="Added"/> are new messages, <see cref="Relocated"/> existing ones that gained a location.
/// Both need (re)indexing; a message already at that exact location appears in neither.
/// </summary>
public sealed record BatchResult(IReadOnlyList<string> Added, IReadOnlyList<string> Relocated, long BytesAdded)
{
    public IEnumerable<string> ChangedIds => Added.Concat(Relocated);
}
