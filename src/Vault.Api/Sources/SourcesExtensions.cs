using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vault.Ingestion.Connections;

namespace Vault.Api.Sources;

public static class SourcesExtensions
{
    /// <summary>What <c>/api/sources</c> needs besides the store and the sync engine (registered by their own features).</summary>
    public static IHostApplicationBuilder AddSources(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<MailConnector>();
        builder.Services.TryAddSingleton<SourcePasswordProtector>();

        // AddVaultDataDirectory has made Vault:DataDirectory absolute; the keys live beside the archive.
        var keys = Path.Combine(builder.Configuration["Vault:DataDirectory"] ?? "data", "keys");
        builder.Services.AddDataProtection().SetApplicationName("Vault").PersistKeysToFileSystem(new DirectoryInfo(keys));

        // Malformed JSON is the client's mistake: a 400 problem, also in Development where binding failures throw.
        builder.Services.Configure<ExceptionHandlerOptions>(options =>
            options.StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        return builder;
    }
}
