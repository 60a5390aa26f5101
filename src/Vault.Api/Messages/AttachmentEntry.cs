namespace Vault.Api.Messages;

/// <summary>An attachment as listed; <see cref="Index"/> is the n of <c>/api/messages/{id}/attachments/{n}</c>.</summary>
public sealed record AttachmentEntry(int Index, string? FileName, string ContentType, long Size);
