using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Vault.Archive.KeyProtection;

/// <summary>
/// Decrypts what <see cref="KeyFileXmlEncryptor"/> wrote. Data Protection creates it by the type name stored in the
/// key ring, handing it the application's services, where the configured <see cref="KeyFileSecret"/> is. A missing or
/// different key file is a <see cref="CryptographicException"/> that says which key file the key ring needs.
/// </summary>
public sealed class KeyFileXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var expected = (string?)encryptedElement.Element("keyFile")?.Attribute("fingerprint") ?? "unknown";
        var secret = services.GetService<KeyFileSecret>() ?? throw new CryptographicException(
            $"The key ring was encrypted with a key file (fingerprint {expected}), but Vault:KeyProtection:KeyFile is not set. " +
            "Set it to that key file to decrypt the mailbox passwords.");
        if (!string.Equals(expected, secret.Fingerprint, StringComparison.Ordinal))
        {
            throw new CryptographicException(
                $"The key ring was encrypted with a different key file (fingerprint {expected}) than {secret}. " +
                "Point Vault:KeyProtection:KeyFile at the key file the key ring was made with.");
        }

        var nonce = Convert.FromBase64String(Required(encryptedElement, "nonce"));
        var tag = Convert.FromBase64String(Required(encryptedElement, "tag"));
        var ciphertext = Convert.FromBase64String(Required(encryptedElement, "value"));
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(secret.Key, KeyFileXmlEncryptor.TagSize);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, KeyFileXmlEncryptor.AssociatedData);
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new CryptographicException($"A key of the key ring does not decrypt with {secret}: it was altered, or made with another key file.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static string Required(XElement element, string name) =>
        element.Element(name)?.Value ?? throw new CryptographicException($"An encrypted key of the key ring lacks its <{name}>.");
}
