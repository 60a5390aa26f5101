namespace Vault.Archive.Embedded;

/// <summary>
/// The SQLite schema. Times are UTC ticks (100 ns) in INTEGER columns, so every DateTimeOffset round-trips exactly.
/// Raw MIME lives in <c>blob_chunks</c>: one zstd frame per message, cut into rows of about
/// <see cref="EmbeddedArchiveStore.ChunkSize"/> compressed bytes so neither a write nor a read needs the whole message in memory.
/// <see cref="Create"/> is schema version 1, as released: it runs once per database, as the first step of
/// <see cref="EmbeddedMigrations"/>. Do not edit it; a new table or column is a new step there.
/// </summary>
internal static class EmbeddedSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS sources (
            id TEXT PRIMARY KEY,
            settings TEXT NOT NULL,
            password BLOB NOT NULL,
            status TEXT NOT NULL,
            error TEXT,
            progress TEXT NOT NULL,
            import_completed INTEGER NOT NULL,
            last_sync_at INTEGER,
            created_at INTEGER NOT NULL);

        CREATE TABLE IF NOT EXISTS events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            source_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            message TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS events_by_source ON events (source_id, seq);

        CREATE TABLE IF NOT EXISTS folder_state (
            source_id TEXT NOT NULL,
            folder TEXT NOT NULL,
            uid_validity INTEGER NOT NULL,
            watermark INTEGER NOT NULL,
            highest_modseq INTEGER NOT NULL,
            uid_next INTEGER NOT NULL,
            messages_on_server INTEGER NOT NULL,
            retry_list TEXT,
            import_done INTEGER NOT NULL,
            gone_at INTEGER,
            PRIMARY KEY (source_id, folder)) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS messages (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            source_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            internal_date INTEGER,
            flags TEXT,
            subject TEXT,
            from_addr TEXT,
            to_addr TEXT,
            header_date INTEGER,
            message_id_header TEXT,
            sort_date INTEGER,
            first_seen INTEGER NOT NULL,
            deleted_on_server_at INTEGER,
            indexed INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IF NOT EXISTS messages_by_source_date ON messages (source_id, sort_date DESC, first_seen DESC, rowid DESC);
        CREATE INDEX IF NOT EXISTS messages_unindexed ON messages (indexed) WHERE indexed = 0;

        CREATE TABLE IF NOT EXISTS locations (
            source_id TEXT NOT NULL,
            folder TEXT NOT NULL,
            uid_validity INTEGER NOT NULL,
            uid INTEGER NOT NULL,
            message_rowid INTEGER NOT NULL,
            gone_at INTEGER,
            PRIMARY KEY (source_id, folder, uid_validity, uid)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS locations_by_message ON locations (message_rowid);

        CREATE TABLE IF NOT EXISTS blob_chunks (
            rowid INTEGER PRIMARY KEY,
            message_rowid INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            data BLOB NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS blob_chunks_by_message ON blob_chunks (message_rowid, seq);
        """;

    public const string MessageColumns =
        "rowid, id, source_id, sha256, size, internal_date, flags, subject, from_addr, to_addr, header_date, message_id_header, first_seen, deleted_on_server_at, change_seq";
}
