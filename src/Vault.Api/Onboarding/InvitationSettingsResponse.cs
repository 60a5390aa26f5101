namespace Vault.Api.Onboarding;

/// <summary><c>GET /api/invitations/settings</c>: whether invitations go out by email, and where links point.</summary>
public sealed record InvitationSettingsResponse(bool SendsEmail, Uri PublicUrl, bool PublicUrlConfigured, string? Organisation, TimeSpan DefaultExpiresIn);
