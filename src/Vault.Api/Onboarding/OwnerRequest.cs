namespace Vault.Api.Onboarding;

/// <summary>What the mailbox owner types on the page: the user name (prefilled with the address) and the password.</summary>
public sealed record OwnerRequest(string? Username, string? Password);
