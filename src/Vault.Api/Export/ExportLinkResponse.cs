namespace Vault.Api.Export;

/// <summary>A single-use download address (no API key needed, valid until <see cref="ExpiresAt"/>).</summary>
public sealed record ExportLinkResponse(string Url, DateTimeOffset ExpiresAt);
