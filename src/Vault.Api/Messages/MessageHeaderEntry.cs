namespace Vault.Api.Messages;

public sealed record MessageHeaderEntry(string Name, string Value);
