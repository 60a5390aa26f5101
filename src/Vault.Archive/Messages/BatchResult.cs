namespace Vault.Archive.Messages;

/// <summary>
/// What a batch changed: <see cref="Added"/> are new messages, <see cref="Relocated"/> existing ones that gained a location.
/// Both need (re)indexing; a message already at that exact location appears in neither.
/// </summary>
public sealed record BatchResult(IReadOnlyList<string> Added, IReadOnlyList<string> Relocated, long BytesAdded)
{
    /// <summary>
    /// The change number each of <see cref="Added"/> got, in the same order: while a message still has it, no index has
    /// seen the message. Empty when the writer does not say.
    /// </summary>
    public IReadOnlyList<long> AddedSequences { get; init; } = [];

    public IEnumerable<string> ChangedIds => Added.Concat(Relocated);
}
