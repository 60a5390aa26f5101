namespace Vault.Archive.Sources;

/// <summary>The four states of ARCHITECTURE.md; their names are the API's status strings.</summary>
public enum SourceStatus
{
    Importing,
    Active,
    Paused,
    Error,
}
