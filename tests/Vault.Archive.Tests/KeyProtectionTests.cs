using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vault.Archive.KeyProtection;
using Vault.Archive.Sources;
using Vault.TestSupport;

namespace Vault.Archive.Tests;

public sealed class KeyProtectionTests : IDisposable
{
    private const string Password = "key-ring-Secret-42";
    private readonly TempDirectory _data = new("vault-keyring");
    private readonly TempDirectory _secrets = new("vault-secrets");

    [Fact]
    public void A_missing_key_file_is_created_owner_only_with_32_random_bytes()
    {
        var keyFile = Path.Combine(_secrets.Path, "nested", "vault.key");

        using (var services = Services(new() { ["Vault:KeyProtection:KeyFile"] = keyFile }))
        {
            Assert.Equal(KeyProtectionKind.KeyFile, services.GetRequiredService<KeyProtectionSummary>().Kind);
        }

        Assert.Equal(32, new FileInfo(keyFile).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }
    }

    [Fact]
    public void A_password_encrypted_with_a_key_file_survives_a_restart_and_the_key_ring_on_disk_is_encrypted()
    {
        var settings = new Dictionary<string, string?> { ["Vault:KeyProtection:KeyFile"] = Path.Combine(_secrets.Path, "vault.key") };
        byte[] encrypted;
        using (var first = Services(settings))
        {
            encrypted = first.GetRequiredService<CredentialProtector>().Protect(Password);
        }

        using (var restarted = Services(settings))
        {
            Assert.Equal(Password, restarted.GetRequiredService<CredentialProtector>().Unprotect(encrypted));
        }

        var keyRing = Directory.GetFiles(Path.Combine(_data.Path, "keys"), "*.xml").Select(File.ReadAllText).ToList();
        Assert.NotEmpty(keyRing);
        Assert.All(keyRing, xml =>
        {
            Assert.Contains(nameof(KeyFileXmlDecryptor), xml, StringComparison.Ordinal);
            Assert.DoesNotContain("unencrypted form", xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void With_a_different_key_file_decryption_fails_and_says_which_key_file_is_needed()
    {
        byte[] encrypted;
        string fingerprint;
        using (var first = Services(new() { ["Vault:KeyProtection:KeyFile"] = Path.Combine(_secrets.Path, "right.key") }))
        {
            encrypted = first.GetRequiredService<CredentialProtector>().Protect(Password);
            fingerprint = first.GetRequiredService<KeyFileSecret>().Fingerprint;
        }

        using var other = Services(new() { ["Vault:KeyProtection:KeyFile"] = Path.Combine(_secrets.Path, "other.key") });
        var failure = Assert.ThrowsAny<CryptographicException>(() => other.GetRequiredService<CredentialProtector>().Unprotect(encrypted));

        var messages = string.Join(" | ", Chain(failure).Select(e => e.Message));
        Assert.Contains("different key file", messages, StringComparison.Ordinal);
        Assert.Contains(fingerprint, messages, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_file_inside_the_data_directory_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Services(new() { ["Vault:KeyProtection:KeyFile"] = Path.Combine(_data.Path, "vault.key") }));

        Assert.Contains("inside the data directory", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_data.Path, "vault.key")));
    }

    [Fact]
    public void A_password_encrypted_to_a_certificate_survives_a_restart()
    {
        var pfx = Path.Combine(_secrets.Path, "vault.pfx");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=vault-key-ring", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, "pfx-password"));
        }

        var settings = new Dictionary<string, string?> { ["Vault:KeyProtection:CertificatePath"] = pfx, ["Vault:KeyProtection:CertificatePassword"] = "pfx-password" };
        byte[] encrypted;
        using (var first = Services(settings))
        {
            Assert.Equal(KeyProtectionKind.Certificate, first.GetRequiredService<KeyProtectionSummary>().Kind);
            encrypted = first.GetRequiredService<CredentialProtector>().Protect(Password);
        }

        using var restarted = Services(settings);
        Assert.Equal(Password, restarted.GetRequiredService<CredentialProtector>().Unprotect(encrypted));
        Assert.All(Directory.GetFiles(Path.Combine(_data.Path, "keys"), "*.xml"), file =>
            Assert.Contains("EncryptedXml", File.ReadAllText(file), StringComparison.Ordinal));
    }

    [Fact]
    public void Both_a_certificate_and_a_key_file_is_a_configuration_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Services(new()
        {
            ["Vault:KeyProtection:CertificatePath"] = Path.Combine(_secrets.Path, "vault.pfx"),
            ["Vault:KeyProtection:KeyFile"] = Path.Combine(_secrets.Path, "vault.key"),
        }));

        Assert.Contains("set one of them", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_key_protection_the_summary_says_the_key_ring_is_unprotected_and_where_it_is()
    {
        using var services = Services([]);

        var summary = services.GetRequiredService<KeyProtectionSummary>();

        Assert.Equal((KeyProtectionKind.None, Path.Combine(_data.Path, "keys"), "the data directory"), (summary.Kind, summary.KeyRing, summary.Readers));
    }

    [Fact]
    public void Key_file_protection_applies_to_the_key_ring_in_MongoDB_too()
    {
        using var services = Services(new()
        {
            ["Vault:Store"] = "MongoDb",
            ["Vault:MongoDb:ConnectionString"] = "mongodb://127.0.0.1:1/?replicaSet=rs0",
            ["Vault:KeyProtection:KeyFile"] = Path.Combine(_secrets.Path, "vault.key"),
        });

        var keyManagement = services.GetRequiredService<IOptions<KeyManagementOptions>>().Value;

        Assert.IsType<MongoDb.MongoDataProtectionKeyRepository>(keyManagement.XmlRepository);
        Assert.IsType<KeyFileXmlEncryptor>(keyManagement.XmlEncryptor);
    }

    public void Dispose()
    {
        _data.Dispose();
        _secrets.Dispose();
    }

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings["Vault:DataDirectory"] = _data.Path;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddArchive(configuration);
        return services.BuildServiceProvider();
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
