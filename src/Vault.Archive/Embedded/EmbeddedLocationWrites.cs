using Microsoft.Data.Sqlite;
using Vault.Archive.Messages;

namespace Vault.Archive.Embedded;

/// <summary>The writes that change where messages are (not what they are), each run inside the writer's transaction.</summary>
internal static class EmbeddedLocationWrites
{
    /// <summary>Moves a folder's locations of re-matched messages to the new UIDVALIDITY.</summary>
    public static async Task<int> RemapAsync(SqliteConnection connection, SqliteTransaction transaction, string sourceId, string folder, IReadOnlyList<(string Sha256, MessageLocation NewLocation)> matches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matches);
        using var find = connection.CreateCommand();
        find.Transaction = transaction;
        find.CommandText = "SELECT rowid FROM messages WHERE id = $id";
        var id = find.Parameters.Add("$id", SqliteType.Text);

        using var remove = connection.CreateCommand();
        remove.Transaction = transaction;
        remove.CommandText = "DELETE FROM locations WHERE source_id = $source AND folder = $folder AND message_rowid = $m AND uid_validity <> $uv";
        remove.Parameters.AddWithValue("$source", sourceId);
        remove.Parameters.AddWithValue("$folder", folder);
        var removeRow = remove.Parameters.Add("$m", SqliteType.Integer);
        var removeUv = remove.Parameters.Add("$uv", SqliteType.Integer);

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO locations (source_id, folder, uid_validity, uid, message_rowid) VALUES ($source, $folder, $uv, $uid, $m)
            ON CONFLICT (source_id, folder, uid_validity, uid) DO NOTHING
            """;
        insert.Parameters.AddWithValue("$source", sourceId);
        var insertFolder = insert.Parameters.Add("$folder", SqliteType.Text);
        var insertUv = insert.Parameters.Add("$uv", SqliteType.Integer);
        var insertUid = insert.Parameters.Add("$uid", SqliteType.Integer);
        var insertRow = insert.Parameters.Add("$m", SqliteType.Integer);

        foreach (var (sha256, location) in matches)
        {
            id.Value = MessageIds.For(sourceId, sha256);
            if (await find.ExecuteScalarAsync(cancellationToken) is not long rowId)
            {
                continue;
            }

            removeRow.Value = rowId;
            removeUv.Value = location.UidValidity;
            await remove.ExecuteNonQueryAsync(cancellationToken);
            insertFolder.Value = location.Folder;
            insertUv.Value = location.UidValidity;
            insertUid.Value = location.Uid;
            insertRow.Value = rowId;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return 0;
    }

    /// <summary>
    /// Marks locations gone; the message is marked deleted once none of its locations is live any more. Returns the ids of
    /// the messages whose index document is now stale (their folders or deletion changed).
    /// </summary>
    public static async Task<IReadOnlyList<string>> MarkDeletedAsync(SqliteConnection connection, SqliteTransaction transaction, EmbeddedChangeSequence changes, string sourceId, string folder, long uidValidity, IReadOnlyList<long> uids, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        using var mark = connection.CreateCommand();
        mark.Transaction = transaction;
        // The message is marked deleted once none of its locations is live any more; a folder change means reindexing.
        mark.CommandText = """
            UPDATE locations SET gone_at = $at
            WHERE source_id = $source AND folder = $folder AND uid_validity = $uv AND uid = $uid AND gone_at IS NULL
            RETURNING message_rowid
            """;
        mark.Parameters.AddWithValue("$at", at.UtcTicks);
        mark.Parameters.AddWithValue("$source", sourceId);
        mark.Parameters.AddWithValue("$folder", folder);
        mark.Parameters.AddWithValue("$uv", uidValidity);
        var uid = mark.Parameters.Add("$uid", SqliteType.Integer);

        using var message = connection.CreateCommand();
        message.Transaction = transaction;
        message.CommandText = """
            UPDATE messages SET change_seq = $seq,
                deleted_on_server_at = CASE WHEN EXISTS (SELECT 1 FROM locations WHERE message_rowid = $m AND gone_at IS NULL)
                    THEN deleted_on_server_at ELSE $at END
            WHERE rowid = $m
            RETURNING id
            """;
        message.Parameters.AddWithValue("$at", at.UtcTicks);
        var row = message.Parameters.Add("$m", SqliteType.Integer);
        var seq = message.Parameters.Add("$seq", SqliteType.Integer);

        var stale = new List<string>();
        foreach (var value in uids)
        {
            uid.Value = value;
            if (await mark.ExecuteScalarAsync(cancellationToken) is long rowId)
            {
                row.Value = rowId;
                seq.Value = changes.Next();
                if (await message.ExecuteScalarAsync(cancellationToken) is string id)
                {
                    stale.Add(id);
                }
            }
        }

        return stale.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Sets the flags of the messages at these locations. Only a real change writes, and marks the message for the
    /// indexer (its <c>is:</c> terms are stale); returns those messages' ids.
    /// </summary>
    public static async Task<IReadOnlyList<string>> UpdateFlagsAsync(SqliteConnection connection, SqliteTransaction transaction, EmbeddedChangeSequence sequence, string sourceId, string folder, long uidValidity, IReadOnlyList<(long Uid, IReadOnlyList<string> Flags)> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            UPDATE messages SET flags = $flags, change_seq = $seq
            WHERE rowid = (SELECT message_rowid FROM locations WHERE source_id = $source AND folder = $folder AND uid_validity = $uv AND uid = $uid)
                AND flags IS NOT $flags
            RETURNING id
            """;
        update.Parameters.AddWithValue("$source", sourceId);
        update.Parameters.AddWithValue("$folder", folder);
        update.Parameters.AddWithValue("$uv", uidValidity);
        var uid = update.Parameters.Add("$uid", SqliteType.Integer);
        var flags = update.Parameters.Add("$flags", SqliteType.Text);
        var seq = update.Parameters.Add("$seq", SqliteType.Integer);
        var changed = new List<string>();
        foreach (var change in changes)
        {
            uid.Value = change.Uid;
            flags.Value = change.Flags.Count == 0 ? DBNull.Value : ArchiveJson.Serialize(change.Flags);
            seq.Value = sequence.Next();
            if (await update.ExecuteScalarAsync(cancellationToken) is string id)
            {
                changed.Add(id);
            }
        }

        return changed.Distinct(StringComparer.Ordinal).ToList();
    }
}
