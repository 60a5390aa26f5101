namespace Vault.Api.Onboarding;

/// <summary>
/// <c>GET /onboard/{token}/api/invitation</c>: what the owner's page shows. <see cref="Mailbox"/> is set once the link
/// was used (and null then only when the administrator deleted the mailbox since).
/// </summary>
public sealed record OwnerInvitationResponse(
    string Email,
    string Status,
    DateTimeOffset ExpiresAt,
    string? Organisation,
    string ConnectorName,
    string Host,
    int Port,
    bool Tls,
    string Protocol,
    OwnerProviderResponse? Provider,
    OwnerMailboxResponse? Mailbox);
