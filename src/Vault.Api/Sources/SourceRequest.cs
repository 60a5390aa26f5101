namespace Vault.Api.Sources;

/// <summary>
/// The body of create, edit and test. Protocol, TLS mode, sync mode and the durations arrive as strings so that a
/// wrong value ("smtp") is a validation error naming its field rather than a bare binding failure.
/// </summary>
public sealed record SourceRequest : IMailEndpointRequest
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public string? Protocol { get; init; }
    public string? Host { get; init; }
    public int? Port { get; init; }
    public bool? Tls { get; init; }
    public string? TlsMode { get; init; }
    public bool? AllowInsecureCertificate { get; init; }
    public string? Username { get; init; }

    /// <summary>The mailbox's address, when it differs from the user name.</summary>
    public string? Email { get; init; }

    /// <summary><c>password</c> (the default) or <c>oauth2</c>: signed in with Google or Microsoft, no password.</summary>
    public string? Auth { get; init; }

    /// <summary><c>google</c> or <c>microsoft</c>, for <c>auth: "oauth2"</c>; the <c>gmail</c> and <c>outlook</c> presets imply it.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("oauthProvider")]
    public string? OAuthProvider { get; init; }

    /// <summary>Required on create and test (unless OAuth2); on edit, omitted means "keep the current password".</summary>
    public string? Password { get; init; }

    /// <summary>A TimeSpan ("00:00:30").</summary>
    public string? Timeout { get; init; }
    public string? Provider { get; init; }
    public IReadOnlyList<string>? IncludeFolders { get; init; }
    public IReadOnlyList<string>? ExcludeFolders { get; init; }
    public string? SyncMode { get; init; }

    /// <summary>A TimeSpan ("00:05:00").</summary>
    public string? PollInterval { get; init; }

    /// <summary>Archive only mail received on or after this date ("2024-01-01", UTC) or instant (ISO 8601).</summary>
    public string? Since { get; init; }
}
