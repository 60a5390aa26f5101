namespace Vault.Api.Import;

/// <summary><c>Vault:Import</c>: uploads of mail files.</summary>
public sealed class ImportOptions
{
    public const string SectionName = "Vault:Import";

    /// <summary>The largest request <c>POST /api/sources/import</c> takes, all files together; 10 GB by default.</summary>
    public long MaxUploadBytes { get; set; } = 10L * 1024 * 1024 * 1024;
}
