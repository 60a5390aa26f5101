namespace Vault.Api.Sources;

/// <summary>One line of a source's event log (<c>GET /api/sources/{id}/events</c>, most recent first).</summary>
public sealed record SourceEventResponse(DateTimeOffset At, string Kind, string Message);
