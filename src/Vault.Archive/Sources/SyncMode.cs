namespace Vault.Archive.Sources;

public enum SyncMode
{
    Idle,
    Poll,
}
