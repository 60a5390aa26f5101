using Vault.Archive;
using Vault.Ingestion.Sync;

namespace Vault.Ingestion.Tests;

/// <summary>
/// The sync engine takes the store's small ports (sources, messages, folder sync state, change feed), not the whole
/// <see cref="IArchiveStore"/>: only the hosted services that open the store at start-up hold all of it.
/// </summary>
public sealed class StorePortTests
{
    [Fact]
    public void Only_the_start_up_services_take_the_whole_store()
    {
        var takers = typeof(SourceSynchronizer).Assembly.GetTypes()
            .Where(type => type.GetConstructors().Any(constructor => constructor.GetParameters().Any(p => p.ParameterType == typeof(IArchiveStore))))
            .Select(type => type.Name)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(["IntegritySchedule", "RestoreResumption", "SourceJobsHostedService"], takers);
    }
}
