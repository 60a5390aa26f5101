using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Vault.Ingestion.Onboarding;

/// <summary>
/// The secret in a self-service link: 32 random bytes (256 bits) as base64url, 43 characters. Only its SHA-256 is
/// stored, and invitations are looked up by that hash: what a lookup's timing could tell is about a hash, which says
/// nothing of any token, and the final comparison is fixed-time anyway.
/// </summary>
public static class InvitationTokens
{
    public const int Length = 43;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>A token of the right shape; anything else is answered "unknown" without reaching the store.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: Length } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Whether <paramref name="token"/> hashes to <paramref name="storedHash"/>, compared in fixed time.</summary>
    public static bool Matches(string token, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(token), storedHash);
}
