using Microsoft.Data.Sqlite;
using Vault.Archive.Connectors;
using Vault.Archive.Folders;
using Vault.Archive.Messages;
using Vault.Archive.Pop3;
using Vault.Archive.Sources;

namespace Vault.Archive.Embedded;

/// <summary>Maps rows to the domain records and values to column values.</summary>
internal static class EmbeddedRows
{
    public static object Ticks(DateTimeOffset? value) => value is { } v ? v.UtcTicks : DBNull.Value;

    public static object Text(string? value) => (object?)value ?? DBNull.Value;

    public static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero);

    public static string? NullableText(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>Reads a row selected with <see cref="EmbeddedSchema.MessageColumns"/>.</summary>
    public static ArchivedMessage Message(SqliteDataReader reader, IReadOnlyList<MessageLocation> locations) => new()
    {
        Id = reader.GetString(1),
        SourceId = reader.GetString(2),
        Sha256 = reader.GetString(3),
        Size = reader.GetInt64(4),
        InternalDate = Time(reader, 5),
        Flags = reader.IsDBNull(6) ? [] : ArchiveJson.Deserialize<List<string>>(reader.GetString(6)),
        Headers = new MessageHeaderSummary(
            NullableText(reader, 7),
            NullableText(reader, 8),
            NullableText(reader, 9),
            Time(reader, 10),
            NullableText(reader, 11)),
        Locations = locations,
        FirstSeen = Time(reader, 12)!.Value,
        DeletedOnServerAt = Time(reader, 13),
        ChangeSequence = reader.GetInt64(14),
    };

    public const string SourceColumns = "id, settings, password, status, error, progress, import_completed, last_sync_at, created_at, connector_id";

    public static async Task InsertSourceAsync(SqliteConnection connection, SqliteTransaction transaction, Source source, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO sources ({SourceColumns})
            VALUES ($id, $settings, $password, $status, $error, $progress, $import, $lastSync, $created, $connector)
            """;
        command.Parameters.AddWithValue("$id", source.Id);
        command.Parameters.AddWithValue("$settings", ArchiveJson.Serialize(source.Settings));
        command.Parameters.AddWithValue("$password", source.EncryptedPassword);
        command.Parameters.AddWithValue("$status", source.Status.ToString());
        command.Parameters.AddWithValue("$error", source.Error is null ? DBNull.Value : ArchiveJson.Serialize(source.Error));
        command.Parameters.AddWithValue("$progress", ArchiveJson.Serialize(source.Progress));
        command.Parameters.AddWithValue("$import", source.ImportCompleted ? 1 : 0);
        command.Parameters.AddWithValue("$lastSync", Ticks(source.LastSyncAt));
        command.Parameters.AddWithValue("$created", source.CreatedAt.UtcTicks);
        command.Parameters.AddWithValue("$connector", Text(source.ConnectorId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task InsertEventAsync(SqliteConnection connection, SqliteTransaction transaction, SourceEvent sourceEvent, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO events (source_id, at, kind, message) VALUES ($source, $at, $kind, $message)";
        command.Parameters.AddWithValue("$source", sourceEvent.SourceId);
        command.Parameters.AddWithValue("$at", sourceEvent.At.UtcTicks);
        command.Parameters.AddWithValue("$kind", sourceEvent.Kind);
        command.Parameters.AddWithValue("$message", sourceEvent.Message);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Upserts UIDLs: a UIDL keeps the UID it got first.</summary>
    public static async Task SaveUidlsAsync(SqliteConnection connection, SqliteTransaction transaction, string sourceId, IReadOnlyList<Pop3Uidl> uidls, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO pop3_uidls (source_id, uidl, uid, gone_at) VALUES ($source, $uidl, $uid, $gone)
            ON CONFLICT (source_id, uidl) DO UPDATE SET gone_at = excluded.gone_at
            """;
        command.Parameters.AddWithValue("$source", sourceId);
        var uidl = command.Parameters.Add("$uidl", SqliteType.Text);
        var uid = command.Parameters.Add("$uid", SqliteType.Integer);
        var gone = command.Parameters.Add("$gone", SqliteType.Integer);
        foreach (var entry in uidls)
        {
            uidl.Value = entry.Uidl;
            uid.Value = entry.Uid;
            gone.Value = Ticks(entry.GoneAt);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public const string ConnectorColumns = "id, settings, admin_password, created_at";

    public static Connector Connector(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Settings = ArchiveJson.Deserialize<ConnectorSettings>(reader.GetString(1)),
        EncryptedAdminPassword = reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2),
        CreatedAt = Time(reader, 3)!.Value,
    };

    public static Source Source(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Settings = ArchiveJson.Deserialize<SourceSettings>(reader.GetString(1)),
        EncryptedPassword = (byte[])reader.GetValue(2),
        Status = Enum.Parse<SourceStatus>(reader.GetString(3)),
        Error = reader.IsDBNull(4) ? null : ArchiveJson.Deserialize<SourceError>(reader.GetString(4)),
        Progress = ArchiveJson.Deserialize<SyncProgress>(reader.GetString(5)),
        ImportCompleted = reader.GetInt64(6) != 0,
        LastSyncAt = Time(reader, 7),
        CreatedAt = Time(reader, 8)!.Value,
        ConnectorId = NullableText(reader, 9),
    };

    public const string FolderStateColumns =
        "source_id, folder, uid_validity, watermark, highest_modseq, uid_next, messages_on_server, retry_list, import_done, gone_at";

    public static FolderSyncState FolderState(SqliteDataReader reader) => new()
    {
        SourceId = reader.GetString(0),
        Folder = reader.GetString(1),
        UidValidity = reader.GetInt64(2),
        Watermark = reader.GetInt64(3),
        HighestModSeq = unchecked((ulong)reader.GetInt64(4)),
        UidNext = reader.GetInt64(5),
        MessagesOnServer = reader.GetInt64(6),
        RetryList = reader.IsDBNull(7) ? [] : ArchiveJson.Deserialize<List<RetryEntry>>(reader.GetString(7)),
        ImportDone = reader.GetInt64(8) != 0,
        GoneAt = Time(reader, 9),
    };

    /// <summary>An upsert of one folder checkpoint; used alone and inside a batch's transaction.</summary>
    public static async Task SaveFolderStateAsync(SqliteConnection connection, SqliteTransaction transaction, FolderSyncState state, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO folder_state ({FolderStateColumns})
            VALUES ($source, $folder, $uv, $wm, $modseq, $next, $count, $retry, $done, $gone)
            ON CONFLICT (source_id, folder) DO UPDATE SET
                uid_validity = excluded.uid_validity, watermark = excluded.watermark, highest_modseq = excluded.highest_modseq,
                uid_next = excluded.uid_next, messages_on_server = excluded.messages_on_server, retry_list = excluded.retry_list,
                import_done = excluded.import_done, gone_at = excluded.gone_at
            """;
        command.Parameters.AddWithValue("$source", state.SourceId);
        command.Parameters.AddWithValue("$folder", state.Folder);
        command.Parameters.AddWithValue("$uv", state.UidValidity);
        command.Parameters.AddWithValue("$wm", state.Watermark);
        command.Parameters.AddWithValue("$modseq", unchecked((long)state.HighestModSeq));
        command.Parameters.AddWithValue("$next", state.UidNext);
        command.Parameters.AddWithValue("$count", state.MessagesOnServer);
        command.Parameters.AddWithValue("$retry", state.RetryList.Count == 0 ? DBNull.Value : ArchiveJson.Serialize(state.RetryList));
        command.Parameters.AddWithValue("$done", state.ImportDone ? 1 : 0);
        command.Parameters.AddWithValue("$gone", Ticks(state.GoneAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
