using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Vault.Archive.KeyProtection;

/// <summary>
/// Encrypts a Data Protection key's secret with AES-256-GCM under the key file's key, before the key ring stores it
/// (on disk for the embedded store, in the <c>dataProtectionKeys</c> collection for MongoDB).
/// </summary>
public sealed class KeyFileXmlEncryptor(KeyFileSecret secret) : IXmlEncryptor
{
    internal const int NonceSize = 12;
    internal const int TagSize = 16;

    internal static readonly byte[] AssociatedData = "Vault key ring"u8.ToArray();

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagSize];
        using (var aes = new AesGcm(secret.Key, TagSize))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData);
        }

        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement("encryptedKey",
            new XComment(" Encrypted with AES-256-GCM under the key in Vault:KeyProtection:KeyFile. "),
            new XElement("keyFile", new XAttribute("fingerprint", secret.Fingerprint)),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("value", Convert.ToBase64String(ciphertext)));
        return new EncryptedXmlInfo(element, typeof(KeyFileXmlDecryptor));
    }
}
