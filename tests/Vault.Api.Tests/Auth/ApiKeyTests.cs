using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Vault.Api.Auth;
using Vault.TestSupport;

namespace Vault.Api.Tests.Auth;

public sealed class ApiKeyTests
{
    [Fact]
    public void Without_a_configured_key_one_is_generated_kept_in_the_data_directory_and_printed_only_at_first_start()
    {
        using var data = new TempDirectory();
        var keyFile = Path.Combine(data.Path, "api-key");

        using var firstConsole = new StringWriter();
        var first = ApiKey.Resolve(configured: null, data.Path, firstConsole);

        Assert.True(File.Exists(keyFile));
        var kept = File.ReadAllText(keyFile).Trim();
        Assert.True(kept.Length >= 32);
        Assert.True(first.Matches(kept));
        var printed = firstConsole.ToString();
        Assert.Contains(kept, printed, StringComparison.Ordinal);
        Assert.Contains(keyFile, printed, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        using var secondConsole = new StringWriter();
        var second = ApiKey.Resolve(configured: "  ", data.Path, secondConsole);

        Assert.Equal(string.Empty, secondConsole.ToString());
        Assert.True(second.Matches(kept));
        Assert.False(second.Matches(kept + "x"));
    }

    [Fact]
    public void A_configured_key_wins_and_nothing_is_written_or_printed()
    {
        using var data = new TempDirectory();
        using var console = new StringWriter();

        var key = ApiKey.Resolve(" chosen-key ", data.Path, console);

        Assert.True(key.Matches("chosen-key"));
        Assert.False(key.Matches("other"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(data.Path));
        Assert.Equal(string.Empty, console.ToString());
    }

    [Fact]
    public async Task The_host_generates_its_key_at_start_before_any_api_request()
    {
        using var data = new TempDirectory();
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
            web.UseSetting("Vault:DataDirectory", data.Path).UseSetting("Vault:ApiKey", ""));

        var health = await factory.CreateClient().GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.True(health.IsSuccessStatusCode);
        Assert.True(File.Exists(Path.Combine(data.Path, "api-key")));
    }
}
