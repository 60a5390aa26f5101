namespace Vault.Archive.Sources;

/// <summary>One line of a source's event log: a state change, an error, an import finished.</summary>
public sealed record SourceEvent(string SourceId, DateTimeOffset At, string Kind, string Message);
