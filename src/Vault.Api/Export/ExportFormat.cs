namespace Vault.Api.Export;

/// <summary>What an export is written as: a zip of .eml files under their folder paths, or one mboxrd file.</summary>
public enum ExportFormat
{
    Zip,
    Mbox,
}
