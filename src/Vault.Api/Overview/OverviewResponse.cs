namespace Vault.Api.Overview;

/// <summary>
/// The dashboard's home page: totals over every source, sources by status (<c>waiting</c> counts Importing sources
/// queued for an import slot), and messages archived per UTC day over the last 30 days, oldest first, every day present.
/// </summary>
public sealed record OverviewResponse(
    long MessagesArchived,
    long BytesArchived,
    int Sources,
    int Connectors,
    IReadOnlyDictionary<string, int> SourcesByStatus,
    IReadOnlyList<OverviewDay> ArchivedPerDay);

public sealed record OverviewDay(DateOnly Date, long Messages);
