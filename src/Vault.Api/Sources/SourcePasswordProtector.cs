using Microsoft.AspNetCore.DataProtection;

namespace Vault.Api.Sources;

/// <summary>
/// Encrypts source passwords with ASP.NET Core Data Protection (keys under the data directory).
/// Stand-in with the same shape as the store's <c>CredentialProtector</c>; replaced by it once that lands on main.
/// </summary>
public sealed class SourcePasswordProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Vault.Sources.Password");

    public byte[] Protect(string password) => _protector.Protect(System.Text.Encoding.UTF8.GetBytes(password));

    public string Unprotect(byte[] encrypted) => System.Text.Encoding.UTF8.GetString(_protector.Unprotect(encrypted));
}
