using Vault.Api.Hosting;
using Vault.TestSupport;

namespace Vault.Api.Tests.Hosting;

public sealed class DataDirectoryTests
{
    [Fact]
    public async Task Dotnet_run_with_Vault__DataDirectory_writes_there_and_nothing_into_the_checkout()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("vault-run");
        var checkoutData = Path.Combine(RepositoryRoot.Path, "data");
        var before = Snapshot(checkoutData);

        await using (var vault = VaultProcess.Start(new Dictionary<string, string> { ["Vault__DataDirectory"] = data.Path }))
        {
            await vault.WaitUntilHealthyAsync(ct);
        }

        Assert.True(File.Exists(Path.Combine(data.Path, "archive.db")), "no archive.db in the configured data directory");
        Assert.True(File.Exists(Path.Combine(data.Path, "api-key")), "no generated api-key in the configured data directory");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(data.Path, "keys"), "*.xml"));
        Assert.Equal(before, Snapshot(checkoutData));
    }

    [Fact]
    public async Task A_real_start_says_what_protects_the_passwords_instead_of_the_framework_warning()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TempDirectory("vault-run");

        IReadOnlyList<string> output;
        await using (var vault = VaultProcess.Start(new Dictionary<string, string> { ["Vault__DataDirectory"] = data.Path }))
        {
            await vault.WaitUntilHealthyAsync(ct);
            output = vault.Output;
        }

        var log = string.Join('\n', output);
        Assert.Contains($"Mailbox passwords are encrypted with keys stored unencrypted in {Path.Combine(data.Path, "keys")}; anyone who can read the data directory can decrypt them.", log, StringComparison.Ordinal);
        Assert.Contains("Vault:KeyProtection:KeyFile", log, StringComparison.Ordinal);
        Assert.DoesNotContain("No XML encryptor configured", log, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(data.Path, "keys"), "*.xml"));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_real_start_makes_the_data_directory_owner_only_and_tightens_a_loose_one_once()
    {
        var ct = TestContext.Current.CancellationToken;
        using var parent = new TempDirectory("vault-modes");
        var data = Path.Combine(parent.Path, "data");
        Directory.CreateDirectory(data, (UnixFileMode)0b111_101_101);
        var stray = Path.Combine(data, "notes.txt");
        File.WriteAllText(stray, "left by someone");
        File.SetUnixFileMode(stray, (UnixFileMode)0b110_100_100);
        var environment = new Dictionary<string, string> { ["Vault__DataDirectory"] = data };

        IReadOnlyList<string> first;
        await using (var vault = VaultProcess.Start(environment))
        {
            await vault.WaitUntilHealthyAsync(ct);
            first = vault.Output;
        }

        IReadOnlyList<string> second;
        await using (var vault = VaultProcess.Start(environment))
        {
            await vault.WaitUntilHealthyAsync(ct);
            second = vault.Output;
        }

        var entries = new DirectoryInfo(data).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Prepend(new DirectoryInfo(data)).ToList();
        Assert.Contains(entries, entry => entry.Name == "archive.db");
        Assert.Contains(entries, entry => entry.Name == "index");
        Assert.Contains(entries, entry => entry.Name == "keys");
        Assert.All(entries, entry => Assert.Equal(
            entry is DirectoryInfo ? "700" : "600",
            Convert.ToString((int)entry.UnixFileMode, 8)));
        Assert.Single(first, line => line.Contains($"The data directory {data} was readable by other users", StringComparison.Ordinal));
        Assert.DoesNotContain(second, line => line.Contains("was readable by other users", StringComparison.Ordinal));
    }

    [Fact]
    public void A_relative_data_directory_under_dotnet_run_is_taken_from_the_checkout_root()
    {
        using var checkout = new TempDirectory("vault-checkout");
        var project = Directory.CreateDirectory(Path.Combine(checkout.Path, "src", "Vault.Api")).FullName;
        File.WriteAllText(Path.Combine(checkout.Path, "Vault.sln"), string.Empty);
        File.WriteAllText(Path.Combine(project, "Vault.Api.csproj"), string.Empty);

        Assert.Equal(checkout.Path, DataDirectoryBase.For(project));
    }

    [Fact]
    public void A_relative_data_directory_elsewhere_is_taken_from_the_working_directory()
    {
        using var published = new TempDirectory("vault-published");
        var app = Directory.CreateDirectory(Path.Combine(published.Path, "src", "Vault.Api")).FullName;
        File.WriteAllText(Path.Combine(app, "Vault.Api.dll"), string.Empty);

        Assert.Equal(app, DataDirectoryBase.For(app));
        Assert.Equal(published.Path, DataDirectoryBase.For(published.Path));
    }

    /// <summary>Every file under <paramref name="folder"/> with its size and time of last write ("absent" when there is no folder).</summary>
    private static string Snapshot(string folder) =>
        !Directory.Exists(folder)
            ? "absent"
            : string.Join('\n', new DirectoryInfo(folder).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
                .Select(entry => $"{Path.GetRelativePath(folder, entry.FullName)} {(entry as FileInfo)?.Length} {entry.LastWriteTimeUtc:O}")
                .Order(StringComparer.Ordinal));
}
