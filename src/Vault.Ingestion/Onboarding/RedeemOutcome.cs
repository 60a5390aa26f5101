using Vault.Archive.Sources;
using Vault.Ingestion.Errors;

namespace Vault.Ingestion.Onboarding;

/// <summary>
/// What the owner's Save did: the mailbox it created, or the login error the server gave (nothing created, the link still
/// usable), or why the link cannot create a mailbox (used meanwhile, the user name already archived).
/// </summary>
public sealed record RedeemOutcome(Source? Mailbox, ClassifiedError? LoginError, string? Conflict);
