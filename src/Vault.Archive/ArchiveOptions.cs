namespace Vault.Archive;

/// <summary>The <c>Vault</c> configuration section's storage keys.</summary>
public sealed class ArchiveOptions
{
    public const string SectionName = "Vault";

    /// <summary>Everything Vault writes goes under this folder.</summary>
    public string DataDirectory { get; set; } = "data";

    public StoreKind Store { get; set; } = StoreKind.Embedded;

    public MongoDbOptions MongoDb { get; set; } = new();
}

public enum StoreKind
{
    Embedded,
    MongoDb,
}

public sealed class MongoDbOptions
{
    public string? ConnectionString { get; set; }

    public string Database { get; set; } = "vault";
}
