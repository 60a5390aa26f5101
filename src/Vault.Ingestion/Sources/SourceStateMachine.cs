using Vault.Archive.Sources;

namespace Vault.Ingestion.Sources;

/// <summary>
/// ARCHITECTURE.md's four states. Create -> Importing; pause from any state -> Paused; resume from Paused or Error ->
/// Importing until the first import finished, then Active; an edit of a source in Error starts it again the same way
/// (a person fixed what was wrong). Pausing a paused source and resuming a running one are conflicts (409).
/// </summary>
public static class SourceStateMachine
{
    public static SourceStatus Created => SourceStatus.Importing;

    public static SourceTransition Pause(Source source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Status == SourceStatus.Paused
            ? SourceTransition.Conflict("The source is already paused.")
            : SourceTransition.To(SourceStatus.Paused);
    }

    public static SourceTransition Resume(Source source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Status is SourceStatus.Paused or SourceStatus.Error
            ? SourceTransition.To(Running(source))
            : SourceTransition.Conflict($"The source is {source.Status}; only a Paused or Error source can be resumed.");
    }

    /// <summary>After an edit: a source in Error runs again; a paused one stays paused; a running one keeps its state.</summary>
    public static SourceStatus AfterEdit(Source source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Status == SourceStatus.Error ? Running(source) : source.Status;
    }

    private static SourceStatus Running(Source source) => source.ImportCompleted ? SourceStatus.Active : SourceStatus.Importing;
}
