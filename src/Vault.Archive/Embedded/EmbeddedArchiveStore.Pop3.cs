using Vault.Archive.Pop3;

namespace Vault.Archive.Embedded;

/// <summary>The POP3 state port (<see cref="IPop3StateStore"/>): the <c>pop3_uidls</c> table.</summary>
public sealed partial class EmbeddedArchiveStore
{
    public async Task<IReadOnlyList<Pop3Uidl>> ListPop3UidlsAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT uidl, uid, gone_at FROM pop3_uidls WHERE source_id = $source";
        command.Parameters.AddWithValue("$source", sourceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var uidls = new List<Pop3Uidl>();
        while (await reader.ReadAsync(cancellationToken))
        {
            uidls.Add(new Pop3Uidl(reader.GetString(0), reader.GetInt64(1), EmbeddedRows.Time(reader, 2)));
        }

        return uidls;
    }

    public Task SavePop3UidlsAsync(string sourceId, IReadOnlyList<Pop3Uidl> uidls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uidls);
        return WriteAsync(async (connection, transaction) =>
        {
            await EmbeddedRows.SaveUidlsAsync(connection, transaction, sourceId, uidls, cancellationToken);
            return 0;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>> MarkPop3UidlsGoneAsync(string sourceId, IReadOnlyList<string> uidls, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uidls);
        return WriteAsync(async (connection, transaction) =>
        {
            var uids = new List<long>();
            using (var mark = connection.CreateCommand())
            {
                mark.Transaction = transaction;
                mark.CommandText = "UPDATE pop3_uidls SET gone_at = $at WHERE source_id = $source AND uidl = $uidl AND gone_at IS NULL RETURNING uid";
                mark.Parameters.AddWithValue("$at", at.UtcTicks);
                mark.Parameters.AddWithValue("$source", sourceId);
                var uidl = mark.Parameters.Add("$uidl", Microsoft.Data.Sqlite.SqliteType.Text);
                foreach (var gone in uidls)
                {
                    uidl.Value = gone;
                    if (await mark.ExecuteScalarAsync(cancellationToken) is long uid && uid > 0)
                    {
                        uids.Add(uid);
                    }
                }
            }

            // Their messages: deleted on the server, still archived (as an expunged IMAP message).
            return await EmbeddedLocationWrites.MarkDeletedAsync(connection, transaction, _changes, sourceId, Pop3Locations.Folder, Pop3Locations.UidValidity, uids, at, cancellationToken);
        }, cancellationToken);
    }
}
