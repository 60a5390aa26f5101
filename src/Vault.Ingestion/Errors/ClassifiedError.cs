namespace Vault.Ingestion.Errors;

/// <summary>
/// What went wrong, for a person: a stable <see cref="Code"/> (AuthenticationFailed, Timeout, ...), a plain
/// <see cref="Message"/>, a provider-aware <see cref="Hint"/>, the server's own words, and whether retrying
/// on its own can help (<see cref="Transient"/>); credential and configuration errors wait for a person.
/// </summary>
public sealed record ClassifiedError(string Code, string Message, string Hint, string? ServerResponse, bool Transient);
