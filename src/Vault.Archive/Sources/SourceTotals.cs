namespace Vault.Archive.Sources;

/// <summary>What the store holds for a source: its messages (each counted once, whatever its folders) and their raw bytes.</summary>
public sealed record SourceTotals(long Messages, long Bytes)
{
    public static SourceTotals None { get; } = new(0, 0);
}
