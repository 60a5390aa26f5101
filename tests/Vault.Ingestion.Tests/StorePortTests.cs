using Vault.Archive;
using Vault.Ingestion.Sync;

namespace Vault.Ingestion.Tests;

/// <summary>
/// The sync engine takes the store's small ports (sources, messages, folder sync state, change feed), not the whole
/// <see cref="IArchiveStore"/>, which the archive's own start-up step opens before any hosted service starts.
/// </summary>
public sealed class StorePortTests
{
    [Fact]
    public void No_type_of_the_sync_engine_takes_the_whole_store()
    {
        var takers = typeof(SourceSynchronizer).Assembly.GetTypes()
            .Where(type => type.GetConstructors().Any(constructor => constructor.GetParameters().Any(p => p.ParameterType == typeof(IArchiveStore))))
            .Select(type => type.Name)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Empty(takers);
    }
}
