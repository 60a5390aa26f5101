namespace Vault.Archive.Sources;

/// <summary>How a connection is secured. <c>tls: false</c> is <see cref="None"/> (no STARTTLS either).</summary>
public enum TlsMode
{
    None,
    Implicit,
    StartTls,
}
