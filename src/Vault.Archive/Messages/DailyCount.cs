namespace Vault.Archive.Messages;

/// <summary>How many messages were archived (first seen) on one UTC day.</summary>
public sealed record DailyCount(DateOnly Day, long Messages);
