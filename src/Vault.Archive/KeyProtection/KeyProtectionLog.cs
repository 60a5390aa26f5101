using Microsoft.Extensions.Logging;

namespace Vault.Archive.KeyProtection;

internal static partial class KeyProtectionLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning,
        Message = "Mailbox passwords are encrypted with keys stored unencrypted in {KeyRing}; anyone who can read {Readers} can decrypt them. " +
                  "Set Vault:KeyProtection:KeyFile to a file outside the data directory (Vault creates it with a random key) " +
                  "or Vault:KeyProtection:CertificatePath to a .pfx certificate to encrypt those keys.")]
    public static partial void Unprotected(ILogger logger, string keyRing, string readers);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information,
        Message = "Mailbox passwords are encrypted with keys kept in {KeyRing}, themselves encrypted with the key file {KeyFile} (fingerprint {Fingerprint}). " +
                  "Back that file up apart from the data directory: without it the passwords cannot be decrypted.")]
    public static partial void ProtectedByKeyFile(ILogger logger, string keyRing, string keyFile, string fingerprint);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information,
        Message = "Mailbox passwords are encrypted with keys kept in {KeyRing}, themselves encrypted to the certificate {Certificate} (thumbprint {Thumbprint}).")]
    public static partial void ProtectedByCertificate(ILogger logger, string keyRing, string certificate, string thumbprint);
}
