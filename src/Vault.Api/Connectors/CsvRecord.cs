namespace Vault.Api.Connectors;

/// <summary>One CSV record (RFC 4180) and the physical line it starts on; <see cref="Error"/> says what is malformed in it.</summary>
public sealed record CsvRecord(int Line, List<string> Fields, string? Error);
