namespace Vault.Api.Onboarding;

/// <summary><c>POST /api/connectors/{id}/invitations</c>: the owners' addresses and how long the links work (default 7 days).</summary>
public sealed record InvitationRequest(IReadOnlyList<string>? Emails, TimeSpan? ExpiresIn);
