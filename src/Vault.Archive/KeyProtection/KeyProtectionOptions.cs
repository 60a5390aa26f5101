using Microsoft.Extensions.Configuration;

namespace Vault.Archive.KeyProtection;

/// <summary>
/// <c>Vault:KeyProtection</c>: what encrypts the Data Protection key ring (the keys that encrypt mailbox passwords).
/// At most one of <see cref="CertificatePath"/> and <see cref="KeyFile"/>; with neither, the key ring is stored
/// unencrypted and Vault says so at start.
/// </summary>
public sealed record KeyProtectionOptions
{
    public const string SectionName = "Vault:KeyProtection";

    /// <summary>A PKCS#12 (.pfx/.p12) file with the certificate and its private key.</summary>
    public string? CertificatePath { get; init; }

    public string? CertificatePassword { get; init; }

    /// <summary>A file outside the data directory holding a random secret (created, 32 random bytes, 0600, when missing).</summary>
    public string? KeyFile { get; init; }

    public static KeyProtectionOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        return new KeyProtectionOptions
        {
            CertificatePath = NullIfBlank(section["CertificatePath"]),
            CertificatePassword = section["CertificatePassword"],
            KeyFile = NullIfBlank(section["KeyFile"]),
        };
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
