using Microsoft.Extensions.DependencyInjection.Extensions;
using Vault.Ingestion.Connections;

namespace Vault.Api.Sources;

public static class SourcesExtensions
{
    /// <summary>What <c>/api/sources</c> needs besides the store (with its CredentialProtector) and the sync engine (registered by their own features).</summary>
    public static IHostApplicationBuilder AddSources(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<MailConnector>();
        return builder;
    }
}
