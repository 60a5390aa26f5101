using Microsoft.Data.Sqlite;
using Vault.Archive.Schema;

namespace Vault.Archive.Embedded;

/// <summary>
/// The SQLite schema's history, oldest first; the database records how far it got in <c>PRAGMA user_version</c>.
/// Version 1 is the schema Vault wrote before versions existed (user_version 0): its script only creates what is missing,
/// so it both creates a new database and stamps one written before versions (tests/Vault.TestSupport/Fixtures/datadir-v1)
/// without touching its data. Add a change as the next step (ALTER TABLE, CREATE TABLE, a backfill); never edit a step
/// that has shipped.
/// </summary>
internal static class EmbeddedMigrations
{
    public static IReadOnlyList<SchemaMigration<SqliteTransaction>> All { get; } =
    [
        Sql(1, "sources, events, folder states, messages, locations and raw chunks", EmbeddedSchema.Create),
        Sql(2, "connectors, and sources as their mailboxes", """
            CREATE TABLE connectors (
                id TEXT PRIMARY KEY,
                settings TEXT NOT NULL,
                admin_password BLOB,
                created_at INTEGER NOT NULL);
            ALTER TABLE sources ADD COLUMN connector_id TEXT;
            CREATE INDEX sources_by_connector ON sources (connector_id, created_at) WHERE connector_id IS NOT NULL;
            """),
    ];

    public static SchemaMigration<SqliteTransaction> Sql(int version, string description, string sql) =>
        new(version, description, async (transaction, cancellationToken) =>
        {
            using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(cancellationToken);
        });
}
