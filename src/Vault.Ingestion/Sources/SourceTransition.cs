using Vault.Archive.Sources;

namespace Vault.Ingestion.Sources;

/// <summary>The outcome of asking <see cref="SourceStateMachine"/> for a transition: the new status, or why not.</summary>
public sealed record SourceTransition(SourceStatus? Target, string? ConflictReason)
{
    public static SourceTransition To(SourceStatus target) => new(target, null);

    public static SourceTransition Conflict(string reason) => new(null, reason);
}
