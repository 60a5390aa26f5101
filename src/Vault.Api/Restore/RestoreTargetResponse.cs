namespace Vault.Api.Restore;

/// <summary>Where the restore writes; deliberately no password field.</summary>
public sealed record RestoreTargetResponse(
    string Host, int Port, bool Tls, string? TlsMode, bool AllowInsecureCertificate, string Username, string? FolderPrefix, string? ConnectorId);
