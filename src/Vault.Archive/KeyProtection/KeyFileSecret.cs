using System.Security.Cryptography;

namespace Vault.Archive.KeyProtection;

/// <summary>
/// The secret of <c>Vault:KeyProtection:KeyFile</c>: an AES-256 key derived (HKDF-SHA256) from the file's bytes, which
/// may be the 32 random bytes Vault writes there or any text of at least 32 bytes (<c>openssl rand -base64 32</c>).
/// Its fingerprint, derived separately, is stored beside each encrypted key so that a wrong key file is named as such.
/// </summary>
public sealed class KeyFileSecret
{
    public const int MinimumLength = 32;

    private static readonly byte[] KeyInfo = "Vault key ring encryption v1"u8.ToArray();
    private static readonly byte[] FingerprintInfo = "Vault key ring fingerprint v1"u8.ToArray();

    private readonly byte[] _key;

    private KeyFileSecret(string path, byte[] material)
    {
        Path = path;
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, material, 32, salt: [], info: KeyInfo);
        Fingerprint = Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, material, 8, salt: [], info: FingerprintInfo));
    }

    public string Path { get; }

    /// <summary>16 hex digits that identify the key without revealing it.</summary>
    public string Fingerprint { get; }

    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>
    /// Reads the key file, or creates it (owner-only, 32 random bytes) when it does not exist yet. Refuses a file inside
    /// <paramref name="dataDirectory"/>: a copy of the data directory would then carry the key with the keys it protects.
    /// </summary>
    public static KeyFileSecret LoadOrCreate(string path, string dataDirectory)
    {
        var full = System.IO.Path.GetFullPath(path);
        var data = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(dataDirectory)) + System.IO.Path.DirectorySeparatorChar;
        if (full.StartsWith(data, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Vault:KeyProtection:KeyFile ({full}) is inside the data directory ({dataDirectory}); a copy of the data directory would carry the key " +
                "with the key ring it protects. Keep the key file elsewhere (another disk, a secrets mount) and back it up separately.");
        }

        if (!File.Exists(full))
        {
            Create(full);
        }

        var material = File.ReadAllBytes(full);
        if (material.Length < MinimumLength)
        {
            throw new InvalidOperationException(
                $"The key file {full} holds {material.Length} bytes; it needs at least {MinimumLength} random bytes. " +
                "Delete it to let Vault create one, or fill it with e.g. 'openssl rand -base64 32'.");
        }

        return new KeyFileSecret(full, material);
    }

    /// <summary>For tests and tools: a secret from given bytes.</summary>
    public static KeyFileSecret FromBytes(string path, byte[] material)
    {
        ArgumentNullException.ThrowIfNull(material);
        return material.Length < MinimumLength
            ? throw new ArgumentException($"A key needs at least {MinimumLength} bytes.", nameof(material))
            : new KeyFileSecret(path, material);
    }

    public override string ToString() => $"{Path} (fingerprint {Fingerprint})";

    private static void Create(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        file.Write(RandomNumberGenerator.GetBytes(MinimumLength));
        file.Flush(flushToDisk: true);
    }
}
