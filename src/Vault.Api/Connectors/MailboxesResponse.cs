using Vault.Api.Sources;

namespace Vault.Api.Connectors;

/// <summary>
/// What adding mailboxes did: <c>created</c> holds the new sources (empty on a dry run), <c>valid</c> how many lines
/// passed every check.
/// </summary>
public sealed record MailboxesResponse(IReadOnlyList<SourceResponse> Created, int Valid, bool DryRun);
