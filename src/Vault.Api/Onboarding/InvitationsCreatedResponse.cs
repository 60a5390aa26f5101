namespace Vault.Api.Onboarding;

/// <summary>201 of a create: the invitations with their links, and whether Vault emailed them (else the admin copies them).</summary>
public sealed record InvitationsCreatedResponse(IReadOnlyList<CreatedInvitationResponse> Invitations, bool Emailed);
