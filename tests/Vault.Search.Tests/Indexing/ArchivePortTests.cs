using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Vault.Archive;
using Vault.Archive.Messages;
using Vault.Search.Indexing;

namespace Vault.Search.Tests.Indexing;

/// <summary>The index reads the archive through <see cref="IArchiveChangeFeed"/> alone, never the whole store port.</summary>
public sealed class ArchivePortTests
{
    [Fact]
    public void Vault_Search_refers_to_the_change_feed_and_never_to_the_whole_store()
    {
        using var file = File.OpenRead(typeof(IndexingWorker).Assembly.Location);
        using var pe = new PEReader(file);
        var metadata = pe.GetMetadataReader();
        var referenced = metadata.TypeReferences
            .Select(handle => metadata.GetTypeReference(handle))
            .Select(type => $"{metadata.GetString(type.Namespace)}.{metadata.GetString(type.Name)}")
            .ToHashSet(StringComparer.Ordinal);

        Assert.Contains(typeof(IArchiveChangeFeed).FullName!, referenced);
        Assert.DoesNotContain(typeof(IArchiveStore).FullName!, referenced);
    }
}
