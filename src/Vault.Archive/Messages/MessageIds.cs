using System.Security.Cryptography;
using System.Text;

namespace Vault.Archive.Messages;

/// <summary>
/// A message's API id is derived from (source, content hash), so every store and the index agree on it
/// without a lookup, and re-archiving the same bytes can never mint a second id.
/// </summary>
public static class MessageIds
{
    public static string For(string sourceId, string sha256)
    {
        ArgumentNullException.ThrowIfNull(sourceId);
        ArgumentNullException.ThrowIfNull(sha256);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{sourceId}/{sha256}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }
}
