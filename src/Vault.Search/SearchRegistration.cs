using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Archive.Messages;
using Vault.Search.Attachments;
using Vault.Search.Indexing;
using Vault.Search.Searching;

namespace Vault.Search;

public static class SearchRegistration
{
    /// <summary>
    /// The index under <c>{Vault:DataDirectory}/index</c>, the indexer queue (<see cref="IIndexHandOver"/>) and its
    /// worker, the attachment text reader (<c>Vault:Search:AttachmentText</c>), and <see cref="SearchService"/>.
    /// Needs the archive registered (<c>AddArchive</c>): the index follows its <see cref="IArchiveChangeFeed"/>, which the
    /// archive's initializer opens before any hosted service starts.
    /// </summary>
    public static IHostApplicationBuilder AddSearch(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(AttachmentTextLimits.Default);
        services.AddSingleton<AttachmentMetrics>();
        services.AddSingleton(sp => new AttachmentTextExtraction(
            sp.GetRequiredService<AttachmentTextLimits>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<AttachmentMetrics>()));
        services.AddSingleton(sp => new SearchIndex(Path.Combine(sp.GetRequiredService<IOptions<ArchiveOptions>>().Value.DataDirectory, "index")));
        services.AddSingleton<ReindexProgress>();
        services.AddSingleton<IndexHandOver>();
        services.AddSingleton<IndexBacklog>();
        services.AddSingleton<IIndexHandOver>(sp => sp.GetRequiredService<IndexHandOver>());
        services.AddSingleton(sp => new SearchService(
            sp.GetRequiredService<SearchIndex>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IArchiveChangeFeed>(),
            sp.GetRequiredService<IOptions<SearchOptions>>().Value.AttachmentText ? sp.GetRequiredService<AttachmentTextExtraction>() : null));
        services.AddHostedService<IndexingWorker>();
        return builder;
    }
}
