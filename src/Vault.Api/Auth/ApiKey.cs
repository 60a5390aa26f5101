using System.Security.Cryptography;
using System.Text;

namespace Vault.Api.Auth;

/// <summary>The key every /api request must present as <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
public sealed class ApiKey(string value)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(value);

    public bool Matches(string? presented) =>
        presented is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _expected);

    /// <summary>
    /// <c>Vault:ApiKey</c> when configured; otherwise the key kept in the data directory, generated at first start
    /// and printed once to the console (not to the log) with where it is kept.
    /// </summary>
    public static ApiKey Resolve(string? configured, string dataDirectory, TextWriter console)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new ApiKey(configured.Trim());
        }

        var path = Path.Combine(dataDirectory, "api-key");
        if (File.Exists(path))
        {
            return new ApiKey(File.ReadAllText(path).Trim());
        }

        var generated = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(generated);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        console.WriteLine($"Vault generated an API key (shown this once): {generated}");
        console.WriteLine($"It is kept in {path}; set Vault:ApiKey (env Vault__ApiKey) to choose your own.");
        return new ApiKey(generated);
    }
}
