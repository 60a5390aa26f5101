namespace Vault.Archive.Jobs;

/// <summary>How a background job (an integrity check, a restore) stands; the API shows these names.</summary>
public enum JobStatus
{
    Running,
    Completed,
    Failed,
}
