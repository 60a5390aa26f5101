namespace Vault.Archive.Messages;

public sealed record Page<T>(long Total, int PageNumber, int PageSize, IReadOnlyList<T> Items);
