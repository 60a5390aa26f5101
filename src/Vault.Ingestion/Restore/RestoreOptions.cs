namespace Vault.Ingestion.Restore;

/// <summary><c>Vault:Restore</c>: how restores append.</summary>
public sealed class RestoreOptions
{
    public const string SectionName = "Vault:Restore";

    /// <summary>Messages in one APPEND (MULTIAPPEND, RFC 3502, where offered); the checkpoint advances per batch.</summary>
    public int BatchMaxMessages { get; set; } = 50;

    /// <summary>Bytes in one APPEND; a larger message goes alone.</summary>
    public long BatchMaxBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// Attempts in a row without progress before a transient failure (a dropped connection, a server busy) stops the
    /// restore; between them the restore waits as a source does (exponential backoff with jitter) and reconnects.
    /// </summary>
    public int MaxAttempts { get; set; } = 5;
}
