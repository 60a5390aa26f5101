using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Search.Indexing;
using Vault.Search.Querying;

namespace Vault.Search;

public static class SearchRegistration
{
    /// <summary>
    /// The index under <c>{Vault:DataDirectory}/index</c>, the indexer queue (<see cref="IMessageIndexer"/>) and its
    /// worker, and <see cref="SearchService"/>. Needs an <see cref="IArchiveStore"/> registered by the archive.
    /// </summary>
    public static IHostApplicationBuilder AddSearch(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new SearchIndex(Path.Combine(sp.GetRequiredService<IOptions<ArchiveOptions>>().Value.DataDirectory, "index")));
        services.AddSingleton<ReindexProgress>();
        services.AddSingleton<MessageIndexer>();
        services.AddSingleton<IMessageIndexer>(sp => sp.GetRequiredService<MessageIndexer>());
        services.AddSingleton<SearchService>();
        services.AddHostedService<IndexingWorker>();
        return builder;
    }
}
