namespace Vault.Api.Restore;

/// <summary>A restore's error, shaped as a source's; <c>nextRetryAt</c> is set while it will try again on its own.</summary>
public sealed record RestoreErrorResponse(string Code, string Message, string Hint, string? ServerResponse, DateTimeOffset OccurredAt, DateTimeOffset? NextRetryAt);
