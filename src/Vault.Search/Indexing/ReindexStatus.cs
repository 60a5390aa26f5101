namespace Vault.Search.Indexing;

/// <summary>What <c>GET /api/admin/reindex</c> shows.</summary>
public sealed record ReindexStatus(bool Running, long Indexed, long Total);
