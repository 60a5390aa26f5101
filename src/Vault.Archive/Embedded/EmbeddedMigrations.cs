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
        new(2, "connectors, sources as their mailboxes, messages by day archived", AddConnectorsAsync),
        Sql(3, "job reports (integrity checks, restores) and messages by source in archive order", """
            CREATE TABLE IF NOT EXISTS job_reports (
                kind TEXT NOT NULL,
                id TEXT NOT NULL,
                source_id TEXT NOT NULL,
                body TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (kind, id)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS messages_by_source ON messages (source_id);
            """),
        Sql(4, "POP3 UIDLs and the UIDs Vault gave them", """
            CREATE TABLE IF NOT EXISTS pop3_uidls (
                source_id TEXT NOT NULL,
                uidl TEXT NOT NULL,
                uid INTEGER NOT NULL,
                gone_at INTEGER,
                PRIMARY KEY (source_id, uidl)) WITHOUT ROWID;
            """),
        Sql(5, "self-service invitations, found by the hash of their token", """
            CREATE TABLE IF NOT EXISTS invitations (
                id TEXT PRIMARY KEY,
                connector_id TEXT NOT NULL,
                email TEXT NOT NULL,
                token_hash BLOB NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                revoked_at INTEGER,
                used_at INTEGER,
                source_id TEXT,
                sent_at INTEGER,
                send_error TEXT);
            CREATE INDEX IF NOT EXISTS invitations_by_connector ON invitations (connector_id, created_at);
            """),
        // Version 6 was kept for the restore branch, which merged needing no schema change (restores are job reports,
        // version 3): it changes nothing, and keeps OAuth2 at the version other branches were told.
        Sql(6, "nothing: kept for restores, which needed no schema change", "SELECT 1;"),
        Sql(7, "OAuth2: client settings per provider, sign-ins in flight by the hash of their state, grants per source", """
            CREATE TABLE IF NOT EXISTS oauth_clients (
                provider TEXT PRIMARY KEY,
                settings TEXT NOT NULL,
                client_secret BLOB,
                updated_at INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS oauth_states (
                state_hash TEXT PRIMARY KEY,
                source_id TEXT NOT NULL,
                provider TEXT NOT NULL,
                code_verifier BLOB NOT NULL,
                redirect_uri TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                used_at INTEGER) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS oauth_states_by_expiry ON oauth_states (expires_at);
            CREATE TABLE IF NOT EXISTS oauth_grants (
                source_id TEXT PRIMARY KEY,
                provider TEXT NOT NULL,
                refresh_token BLOB NOT NULL,
                scopes TEXT NOT NULL,
                granted_at INTEGER NOT NULL,
                rotated_at INTEGER) WITHOUT ROWID;
            """),
        new(8, "the archive change sequence replaces the per-message indexed mark", AddChangeSequenceAsync),
    ];

    /// <summary>
    /// Version 2. Written to tolerate what it adds already being there (SQLite has no ADD COLUMN IF NOT EXISTS): an
    /// archive stamped version 0 by hand, or by an interrupted start of a build before versions, must still open.
    /// </summary>
    private static async Task AddConnectorsAsync(SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        using var columns = connection.CreateCommand();
        columns.Transaction = transaction;
        columns.CommandText = "SELECT count(*) FROM pragma_table_info('sources') WHERE name = 'connector_id'";
        var hasColumn = Convert.ToInt64(await columns.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = (hasColumn ? string.Empty : "ALTER TABLE sources ADD COLUMN connector_id TEXT;\n") + """
            CREATE TABLE IF NOT EXISTS connectors (
                id TEXT PRIMARY KEY,
                settings TEXT NOT NULL,
                admin_password BLOB,
                created_at INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS sources_by_connector ON sources (connector_id, created_at) WHERE connector_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS messages_by_first_seen ON messages (first_seen);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Version 8. Existing messages are numbered in archive order (their rowid); the index, which has no change number
    /// yet, rebuilds from 0. The old <c>indexed</c> column stays, unused: version 1's script, which an archive stamped
    /// version 0 runs again, indexes it. Tolerates running twice, as version 2 does.
    /// </summary>
    private static async Task AddChangeSequenceAsync(SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        using var columns = connection.CreateCommand();
        columns.Transaction = transaction;
        columns.CommandText = "SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'change_seq'";
        var hasColumn = Convert.ToInt64(await columns.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = (hasColumn ? string.Empty : """
            ALTER TABLE messages ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
            UPDATE messages SET change_seq = rowid;

            """) + """
            DROP INDEX IF EXISTS messages_unindexed;
            CREATE INDEX IF NOT EXISTS messages_by_change ON messages (change_seq, source_id);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static SchemaMigration<SqliteTransaction> Sql(int version, string description, string sql) =>
        new(version, description, async (transaction, cancellationToken) =>
        {
            using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(cancellationToken);
        });
}
