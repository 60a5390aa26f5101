using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Vault.Archive.KeyProtection;

/// <summary>
/// Applies <c>Vault:KeyProtection</c> to Data Protection: the key ring is encrypted to a certificate, or with a key file,
/// or (neither set) stored as it is, which <see cref="KeyProtectionReport"/> then says plainly at start. The encryptor is
/// set on <see cref="KeyManagementOptions"/>, so it applies wherever the key ring lives (a folder or MongoDB).
/// </summary>
public static class KeyProtectionSetup
{
    /// <param name="keyRing">Where the key ring lives, in words, for the start-up message.</param>
    /// <param name="readers">Who can read it ("the data directory").</param>
    public static KeyProtectionSummary Configure(IDataProtectionBuilder dataProtection, IConfiguration configuration, string dataDirectory, string keyRing, string readers)
    {
        ArgumentNullException.ThrowIfNull(dataProtection);
        var options = KeyProtectionOptions.From(configuration);
        if (options.CertificatePath is not null && options.KeyFile is not null)
        {
            throw new InvalidOperationException(
                "Both Vault:KeyProtection:CertificatePath and Vault:KeyProtection:KeyFile are set; set one of them.");
        }

        if (options.CertificatePath is { } certificatePath)
        {
            var certificate = LoadCertificate(certificatePath, options.CertificatePassword);
            dataProtection.ProtectKeysWithCertificate(certificate);
            return new KeyProtectionSummary(KeyProtectionKind.Certificate, keyRing, readers, $"{certificate.Subject} from {Path.GetFullPath(certificatePath)}", certificate.Thumbprint);
        }

        if (options.KeyFile is { } keyFile)
        {
            var secret = KeyFileSecret.LoadOrCreate(keyFile, dataDirectory);
            dataProtection.Services.AddSingleton(secret);
            dataProtection.Services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new KeyFileXmlEncryptor(secret));
            return new KeyProtectionSummary(KeyProtectionKind.KeyFile, keyRing, readers, secret.Path, secret.Fingerprint);
        }

        return new KeyProtectionSummary(KeyProtectionKind.None, keyRing, readers);
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Vault:KeyProtection:CertificatePath names {Path.GetFullPath(path)}, which does not exist.");
        }

        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        return certificate.HasPrivateKey
            ? certificate
            : throw new InvalidOperationException(
                $"The certificate in {Path.GetFullPath(path)} has no private key; Vault needs it to decrypt its key ring (a .pfx/.p12 with the key).");
    }
}
