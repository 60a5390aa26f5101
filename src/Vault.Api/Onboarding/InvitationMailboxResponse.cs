namespace Vault.Api.Onboarding;

/// <summary>The mailbox an invitation created: its source id, name and status (<c>Deleted</c> once it is gone).</summary>
public sealed record InvitationMailboxResponse(string Id, string? Name, string? Username, string Status);
