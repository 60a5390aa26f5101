namespace Vault.Api.Messages;

public sealed record MessageListResponse(long Total, int Page, int PageSize, IReadOnlyList<MessageListItem> Items);
