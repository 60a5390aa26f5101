namespace Vault.Ingestion.Restore;

/// <summary>The target server refuses every message (over quota, no right to append): the restore stops and says so.</summary>
public sealed class RestoreRefusedException : Exception
{
    public RestoreRefusedException()
    {
    }

    public RestoreRefusedException(string message)
        : base(message)
    {
    }

    public RestoreRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
