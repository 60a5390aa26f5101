namespace Vault.TestSupport.OAuth;

/// <summary>
/// One request the test authorization server's token endpoint answered: the grant type, whether a PKCE verifier came
/// and matched the challenge of the code's authorize request, and the OAuth error sent back (null for success).
/// </summary>
public sealed record TokenRequestRecord(string GrantType, bool VerifierSent, bool VerifierMatched, string? Scope, string? Error, DateTimeOffset At);
