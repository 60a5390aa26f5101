using Vault.Archive.Invitations;

namespace Vault.Ingestion.Onboarding;

/// <summary>An invitation just created (or given a new token) with its link, which exists only in this answer.</summary>
public sealed record IssuedInvitation(Invitation Invitation, Uri Url);
