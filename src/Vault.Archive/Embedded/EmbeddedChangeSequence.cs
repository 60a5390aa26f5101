using Microsoft.Data.Sqlite;

namespace Vault.Archive.Embedded;

/// <summary>
/// The archive change sequence of the embedded store (<see cref="IArchiveStore.ListChangesAsync"/>). Numbers are handed out
/// only inside the single writer's transaction, so they grow in commit order; the counter lives in memory and starts from
/// the highest number on disk. A rolled-back transaction leaves a gap, which is harmless: an index only needs every number
/// it has not seen to be above the last one it has.
/// </summary>
internal sealed class EmbeddedChangeSequence
{
    private long _last;

    public long Next() => ++_last;

    public async Task LoadAsync(SqliteConnection writer, CancellationToken cancellationToken)
    {
        using var command = writer.CreateCommand();
        // A store opened with an older migration history (the schema tests do) has no numbers yet.
        command.CommandText = "SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'change_seq'";
        if ((long)(await command.ExecuteScalarAsync(cancellationToken))! == 0)
        {
            _last = 0;
            return;
        }

        command.CommandText = "SELECT coalesce(max(change_seq), 0) FROM messages";
        _last = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
