namespace Vault.Archive.Connectors;

/// <summary>How Vault logs in to each mailbox of a connector (ARCHITECTURE.md, "Connectors (admin mode)").</summary>
public enum ConnectorAuthMode
{
    /// <summary>As each mailbox user with the admin's credentials: SASL PLAIN authzid, or <c>user*admin</c> with a separator.</summary>
    MasterUser,

    /// <summary>No admin account: one password that every mailbox accepts (Postfix-style servers).</summary>
    MagicPassword,

    /// <summary>Each mailbox brings its own password (typed by an admin, or by its owner through a self-service link).</summary>
    PerUser,
}
