namespace Vault.Ingestion.Credentials;

/// <summary>
/// How Vault proves who it is to a mail server for one mailbox, made at the moment of login and never stored or
/// logged. <see cref="ToString"/> names the kind and the mailbox only.
/// </summary>
public abstract class MailCredential
{
    /// <summary>The mailbox logged in to (the user name Dovecot's userdb or the provider knows); not a secret.</summary>
    public abstract string Mailbox { get; }

    /// <summary>A short name for logs and error texts: "password", "master user", ...</summary>
    public abstract string Kind { get; }

    public override string ToString() => $"{Kind} for {Mailbox}";
}

/// <summary>The mailbox's own password (or App Password), or a connector's magic password.</summary>
public sealed class PasswordCredential(string username, string password) : MailCredential
{
    public string Username { get; } = username;

    public string Password { get; } = password;

    public override string Mailbox => Username;

    public override string Kind => "password";
}

/// <summary>
/// A connector's admin logging in as <see cref="Mailbox"/>: SASL PLAIN with authzid = mailbox and authcid = admin, or,
/// with a <see cref="Separator"/>, <c>LOGIN "mailbox&lt;sep&gt;admin" password</c> (Dovecot's auth_master_user_separator).
/// </summary>
public sealed class MasterUserCredential(string mailbox, string adminUsername, string adminPassword, string? separator) : MailCredential
{
    public override string Mailbox { get; } = mailbox;

    public string AdminUsername { get; } = adminUsername;

    public string AdminPassword { get; } = adminPassword;

    /// <summary>Null or empty: SASL PLAIN with an authorization id.</summary>
    public string? Separator { get; } = separator;

    public override string Kind => string.IsNullOrEmpty(Separator) ? "master user (SASL PLAIN authzid)" : $"master user ({Separator} separator)";
}
