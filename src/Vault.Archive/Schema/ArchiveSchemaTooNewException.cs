namespace Vault.Archive.Schema;

/// <summary>
/// The archive was written by a newer Vault than this one: its schema version is above the last migration this Vault
/// knows. Opening it would risk changing data this Vault does not understand, so the store refuses before writing anything.
/// </summary>
public sealed class ArchiveSchemaTooNewException : Exception
{
    public ArchiveSchemaTooNewException()
    {
    }

    public ArchiveSchemaTooNewException(string message)
        : base(message)
    {
    }

    public ArchiveSchemaTooNewException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="archive">Where the archive is, as a person would look for it: a file path or a MongoDB database.</param>
    /// <param name="schemaVersion">The version the archive records.</param>
    /// <param name="knownVersion">The newest version this Vault can open.</param>
    public ArchiveSchemaTooNewException(string archive, int schemaVersion, int knownVersion)
        : base($"The archive at {archive} was written by a newer Vault (schema {schemaVersion}); this Vault knows schema {knownVersion}. " +
               "Upgrade Vault or restore a backup. Nothing was changed.")
    {
        Archive = archive;
        SchemaVersion = schemaVersion;
        KnownVersion = knownVersion;
    }

    public string? Archive { get; }

    public int SchemaVersion { get; }

    public int KnownVersion { get; }
}
