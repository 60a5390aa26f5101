using Vault.Archive;

namespace Vault.Api.Hosting;

public static class DataDirectoryExtensions
{
    /// <summary>
    /// Binds <c>Vault:*</c> storage options and makes <c>Vault:DataDirectory</c> an absolute, existing, private folder
    /// (<see cref="PrivateDataDirectory"/>).
    /// A relative path is taken from <see cref="DataDirectoryBase"/>: the working directory, or the checkout's root
    /// under <c>dotnet run</c>, so the README's <c>dotnet run --project src/Vault.Api</c> uses the checkout's <c>./data</c>
    /// without a launch profile setting anything (the environment always wins).
    /// </summary>
    public static IHostApplicationBuilder AddVaultDataDirectory(this IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration["Vault:DataDirectory"];
        var dataDirectory = Path.GetFullPath(
            string.IsNullOrWhiteSpace(configured) ? "data" : configured,
            DataDirectoryBase.For(Directory.GetCurrentDirectory()));
        builder.Services.AddSingleton(PrivateDataDirectory.Prepare(dataDirectory));
        builder.Services.AddHostedService<DataDirectoryReport>();
        builder.Configuration["Vault:DataDirectory"] = dataDirectory;
        builder.Services.AddOptions<ArchiveOptions>().BindConfiguration(ArchiveOptions.SectionName);
        return builder;
    }
}
