using Vault.Api.Sources;

namespace Vault.Api.Restore;

/// <summary>
/// The body of <c>POST /api/sources/{id}/restore</c>: the IMAP mailbox to restore into (ARCHITECTURE.md, "Getting mail
/// out") and, optionally, which messages. TLS mode and timeout arrive as strings so a wrong value is a validation error
/// naming its field. With <see cref="ConnectorId"/> the mailbox is <see cref="Username"/> on that connector's server,
/// logged in to the connector's way; host, port and TLS then come from the connector.
/// </summary>
public sealed record RestoreRequest : IMailEndpointRequest
{
    public string? Host { get; init; }
    public int? Port { get; init; }
    public bool? Tls { get; init; }
    public string? TlsMode { get; init; }
    public bool? AllowInsecureCertificate { get; init; }
    public string? Username { get; init; }

    /// <summary>Write-only: kept encrypted, never returned.</summary>
    public string? Password { get; init; }

    /// <summary>Restore under this folder (<c>/</c> between levels) instead of the mailbox's root.</summary>
    public string? FolderPrefix { get; init; }

    /// <summary>A TimeSpan ("00:00:30").</summary>
    public string? Timeout { get; init; }

    public string? ConnectorId { get; init; }

    /// <summary>Only these archive folders (names as <c>GET /api/messages</c> shows them); omitted for all.</summary>
    public IReadOnlyList<string>? Folders { get; init; }

    /// <summary>Only the source's messages this search query matches; omitted for all.</summary>
    public string? Query { get; init; }
}
