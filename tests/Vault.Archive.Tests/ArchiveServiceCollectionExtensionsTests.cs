using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vault.Archive.Embedded;
using Vault.Archive.Sources;
using Vault.TestSupport;

namespace Vault.Archive.Tests;

public sealed class ArchiveServiceCollectionExtensionsTests : IDisposable
{
    private readonly TempDirectory _data = new("vault-di");

    [Fact]
    public async Task The_embedded_store_is_the_default_and_opens_at_start_with_its_key_ring_in_the_data_directory()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var services = Services(new() { ["Vault:DataDirectory"] = _data.Path });

        foreach (var hosted in services.GetServices<IHostedService>().OfType<IHostedLifecycleService>())
        {
            await hosted.StartingAsync(ct);
        }

        var store = Assert.IsType<EmbeddedArchiveStore>(services.GetRequiredService<IArchiveStore>());
        Assert.Equal(Path.Combine(_data.Path, "archive.db"), store.DatabasePath);
        Assert.Equal(0, await store.CountMessagesAsync(null, ct));

        var protector = services.GetRequiredService<CredentialProtector>();
        var encrypted = protector.Protect("correct horse battery staple");
        Assert.True(encrypted.AsSpan().IndexOf("correct horse"u8) < 0, "the password is readable in its ciphertext");
        Assert.Equal("correct horse battery staple", protector.Unprotect(encrypted));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_data.Path, "keys"), "*.xml"));
    }

    [Fact]
    public void MongoDb_without_a_connection_string_fails_at_startup_with_a_clear_message()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Services(new() { ["Vault:DataDirectory"] = _data.Path, ["Vault:Store"] = "MongoDb" }));
        Assert.Contains("Vault:MongoDb:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_store_kind_fails_at_startup()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Services(new() { ["Vault:Store"] = "Postgres" }));
        Assert.Contains("Embedded or MongoDb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MongoDb_with_a_connection_string_is_wired_without_connecting()
    {
        using var services = Services(new() { ["Vault:DataDirectory"] = _data.Path, ["Vault:Store"] = "MongoDb", ["Vault:MongoDb:ConnectionString"] = "mongodb://127.0.0.1:1/?replicaSet=rs0" });
        Assert.IsType<MongoDb.MongoArchiveStore>(services.GetRequiredService<IArchiveStore>());
        var keyRing = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>>().Value;
        Assert.IsType<MongoDb.MongoDataProtectionKeyRepository>(keyRing.XmlRepository);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddArchive(configuration);
        return services.BuildServiceProvider();
    }

    public void Dispose() => _data.Dispose();
}
