namespace Vault.Archive.Folders;

/// <summary>A UID that failed to fetch; it is retried without holding back the folder's watermark.</summary>
public sealed record RetryEntry(long Uid, int Attempts, string LastError);
