namespace Vault.Api.Export;

/// <summary>What to export: a whole source (<see cref="SourceId"/>) or the messages a search finds (<see cref="Query"/>).</summary>
public sealed record ExportRequest(string? SourceId, string? Query, ExportFormat Format);
