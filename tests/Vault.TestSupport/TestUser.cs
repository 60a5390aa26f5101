namespace Vault.TestSupport;

/// <summary>A mailbox user of the test Dovecot, unique to the test that created it.</summary>
public sealed record TestUser(string Name, string Password);
