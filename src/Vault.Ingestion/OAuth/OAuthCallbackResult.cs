using Vault.Ingestion.Errors;

namespace Vault.Ingestion.OAuth;

/// <summary>
/// What <c>/oauth/callback</c> tells the person: the outcome, the source when known, and for a failure what happened and
/// what to do (<see cref="Error"/>, free of secrets).
/// </summary>
public sealed record OAuthCallbackResult(OAuthCallbackOutcome Outcome, string? SourceId, string? SourceName, ClassifiedError? Error)
{
    public static OAuthCallbackResult Failed(OAuthCallbackOutcome outcome, ClassifiedError error, string? sourceId = null, string? sourceName = null) =>
        new(outcome, sourceId, sourceName, error);
}
