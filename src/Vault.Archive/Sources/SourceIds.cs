using System.Security.Cryptography;

namespace Vault.Archive.Sources;

public static class SourceIds
{
    /// <summary>A short lowercase id, safe verbatim in <c>source:&lt;id&gt;</c> queries and URLs.</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
