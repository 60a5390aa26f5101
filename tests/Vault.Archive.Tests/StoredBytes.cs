using System.Security.Cryptography;

namespace Vault.Archive.Tests;

/// <summary>Reads what a store returns, hashing as it goes, so a big message is never held twice.</summary>
internal static class StoredBytes
{
    public static async Task<byte[]> ReadAllAsync(IArchiveStore store, string messageId, CancellationToken cancellationToken)
    {
        await using var raw = await store.OpenRawAsync(messageId, cancellationToken) ?? throw new InvalidOperationException($"No raw bytes for {messageId}.");
        using var copy = new MemoryStream();
        await raw.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
    }

    public static async Task<(string Sha256, long Length)> HashAsync(IArchiveStore store, string messageId, CancellationToken cancellationToken)
    {
        await using var raw = await store.OpenRawAsync(messageId, cancellationToken) ?? throw new InvalidOperationException($"No raw bytes for {messageId}.");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long length = 0;
        int read;
        while ((read = await raw.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }
}
