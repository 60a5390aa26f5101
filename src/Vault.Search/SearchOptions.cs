namespace Vault.Search;

/// <summary>The <c>Vault:Search</c> configuration section.</summary>
public sealed class SearchOptions
{
    public const string SectionName = "Vault:Search";

    /// <summary>Index the text inside attachments (PDF, Office, OpenDocument, ...); off indexes their names and types only.</summary>
    public bool AttachmentText { get; set; } = true;
}
