using Vault.Api.Sources;

namespace Vault.Api.Connectors;

/// <summary>
/// The body of create, edit and test (ARCHITECTURE.md, "Connectors (admin mode)"). Enums, durations and dates arrive
/// as strings so that a wrong value is a validation error naming its field. <see cref="AdminPassword"/> is write-only.
/// </summary>
public record ConnectorRequest : IMailEndpointRequest
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public string? Protocol { get; init; }
    public string? Host { get; init; }
    public int? Port { get; init; }
    public bool? Tls { get; init; }
    public string? TlsMode { get; init; }
    public bool? AllowInsecureCertificate { get; init; }

    /// <summary>A TimeSpan ("00:00:30").</summary>
    public string? Timeout { get; init; }

    /// <summary><c>masterUser</c> (default), <c>magicPassword</c> or <c>perUser</c>.</summary>
    public string? AuthMode { get; init; }
    public string? AdminUsername { get; init; }

    /// <summary>Required on create for masterUser and magicPassword; on edit, omitted keeps the current one.</summary>
    public string? AdminPassword { get; init; }
    public string? MasterUserSeparator { get; init; }
    public IReadOnlyList<string>? Domains { get; init; }
    public int? MaxConcurrentImports { get; init; }
    public int? MaxConnections { get; init; }
    public IReadOnlyList<string>? IncludeFolders { get; init; }
    public IReadOnlyList<string>? ExcludeFolders { get; init; }

    /// <summary>A date ("2024-01-01", UTC) or an ISO 8601 instant.</summary>
    public string? Since { get; init; }
    public string? SyncMode { get; init; }

    /// <summary>A TimeSpan ("00:05:00").</summary>
    public string? PollInterval { get; init; }
}

/// <summary><c>POST /api/connectors/test</c>: the connector's body plus the mailbox to log in as.</summary>
public sealed record ConnectorTestRequest : ConnectorRequest
{
    public string? TestUser { get; init; }

    /// <summary>For perUser connectors: that mailbox's own password.</summary>
    public string? TestPassword { get; init; }
}
