using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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
        services.AddSingleton(sp => new SearchIndex(Path.Combine(sp.GetRequiredService<IOptions<ArchiveOptions>>().Value.DataDirectory, "index")));
        services.AddSingleton<ReindexProgress>();
        services.AddSingleton<MessageIndexer>();
        services.AddSingleton<IMessageIndexer>(sp => sp.GetRequiredService<MessageIndexer>());
        services.AddSingleton<SearchService>();
        // The store is optional so the host starts (and answers searches) even before an archive is registered.
        services.AddHostedService(sp => new IndexingWorker(
            sp.GetRequiredService<MessageIndexer>(),
            sp.GetRequiredService<SearchIndex>(),
            sp.GetRequiredService<ReindexProgress>(),
            sp.GetService<IArchiveStore>(),
            sp.GetRequiredService<ILoggerFactory>()));
        return builder;
    }
}
