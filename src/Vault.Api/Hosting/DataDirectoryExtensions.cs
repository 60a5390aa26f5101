using Vault.Archive;

namespace Vault.Api.Hosting;

public static class DataDirectoryExtensions
{
    /// <summary>
    /// Binds <c>Vault:*</c> storage options and makes <c>Vault:DataDirectory</c> an absolute, existing folder
    /// (relative paths are taken from the current directory, so <c>dotnet run</c> at the repo root uses <c>./data</c>).
    /// </summary>
    public static IHostApplicationBuilder AddVaultDataDirectory(this IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration["Vault:DataDirectory"];
        var dataDirectory = Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "data" : configured);
        Directory.CreateDirectory(dataDirectory);
        builder.Configuration["Vault:DataDirectory"] = dataDirectory;
        builder.Services.AddOptions<ArchiveOptions>().BindConfiguration(ArchiveOptions.SectionName);
        return builder;
    }
}
