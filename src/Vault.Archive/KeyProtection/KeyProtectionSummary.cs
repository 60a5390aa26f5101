namespace Vault.Archive.KeyProtection;

/// <summary>What protects the mailbox passwords, for the start-up log.</summary>
/// <param name="Kind">None, Certificate or KeyFile.</param>
/// <param name="KeyRing">Where the key ring lives, in words ("/var/lib/vault/keys", "the MongoDB collection dataProtectionKeys").</param>
/// <param name="Readers">Who can read the key ring ("the data directory", "that database").</param>
/// <param name="Protector">The certificate's subject or the key file's path; null for None.</param>
/// <param name="Identity">The certificate's thumbprint or the key file's fingerprint; null for None.</param>
public sealed record KeyProtectionSummary(KeyProtectionKind Kind, string KeyRing, string Readers, string? Protector = null, string? Identity = null);
