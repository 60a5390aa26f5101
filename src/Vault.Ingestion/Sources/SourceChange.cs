using Vault.Archive.Sources;

namespace Vault.Ingestion.Sources;

/// <summary>What a person's pause, resume or edit did: the source as it is now, no such source, or why not (a 409).</summary>
public sealed record SourceChange(Source? Source, string? ConflictReason)
{
    public static SourceChange NotFound { get; } = new(null, null);

    public bool IsNotFound => Source is null && ConflictReason is null;
}
