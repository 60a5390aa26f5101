using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Vault.Archive.Sources;

/// <summary>
/// Encrypts a source's password before it reaches a store, and decrypts it only for a connector.
/// ASP.NET Core Data Protection keeps the keys: <c>{DataDirectory}/keys</c> for the embedded store, the
/// <c>dataProtectionKeys</c> collection for MongoDB (so every instance on one replica set can decrypt).
/// </summary>
public sealed class CredentialProtector
{
    public const string Purpose = "Vault.SourceCredentials";

    private readonly IDataProtector _protector;

    public CredentialProtector(IDataProtectionProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _protector = provider.CreateProtector(Purpose);
    }

    public byte[] Protect(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return _protector.Protect(Encoding.UTF8.GetBytes(password));
    }

    public string Unprotect(byte[] encryptedPassword)
    {
        ArgumentNullException.ThrowIfNull(encryptedPassword);
        return Encoding.UTF8.GetString(_protector.Unprotect(encryptedPassword));
    }
}
