namespace Vault.Ingestion.Onboarding;

/// <summary>
/// <c>Vault:Smtp</c>: the server invitations are sent through. Without <see cref="Host"/> nothing is sent and the
/// dashboard shows the links to copy.
/// </summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Vault:Smtp";

    public string? Host { get; set; }

    /// <summary>587 (submission with STARTTLS) unless set; 465 is implicit TLS.</summary>
    public int Port { get; set; } = 587;

    /// <summary>Encrypted: implicit TLS on port 465, STARTTLS on any other port. False sends in plain text.</summary>
    public bool Tls { get; set; } = true;

    /// <summary>Log in with this user name and <see cref="Password"/>; empty sends without logging in.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender, <c>Archive &lt;archive@example.org&gt;</c> or a bare address; required with a host.</summary>
    public string? From { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
