namespace Vault.Api.Export;

/// <summary>How much an export wrote: messages (zip entries or mbox messages) and bytes on the wire.</summary>
public sealed record ExportSummary(long Messages, long Bytes);
