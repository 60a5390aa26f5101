namespace Vault.Ingestion.Connectors;

/// <summary>
/// A connector's mailboxes at a glance. <see cref="Importing"/> counts imports running; <see cref="Waiting"/> those
/// queued for an import slot (also Importing by status).
/// </summary>
public sealed record ConnectorSummary(
    int Mailboxes,
    int Importing,
    int Waiting,
    int Active,
    int Paused,
    int Error,
    long MessagesArchived,
    long MessagesOnServer,
    long BytesArchived);
