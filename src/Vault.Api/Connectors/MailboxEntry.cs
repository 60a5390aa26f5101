namespace Vault.Api.Connectors;

/// <summary>One mailbox to add to a connector, from JSON or a CSV line. <see cref="Password"/> only for perUser connectors.</summary>
public sealed record MailboxEntry(string? Username, string? Email, string? DisplayName, string? Password);

/// <summary><c>POST /api/connectors/{id}/mailboxes</c>: <c>{ mailboxes: [{ username, email?, displayName?, password? }] }</c>.</summary>
public sealed record MailboxesRequest(IReadOnlyList<MailboxEntry>? Mailboxes);
