namespace Vault.Ingestion.Restore;

/// <summary>The connector whose mailbox a restore writes to was deleted: there is no way left to log in.</summary>
public sealed class RestoreTargetGoneException : Exception
{
    public RestoreTargetGoneException()
    {
    }

    public RestoreTargetGoneException(string message)
        : base(message)
    {
    }

    public RestoreTargetGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
