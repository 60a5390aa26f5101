using System.Runtime.CompilerServices;
using Vault.Archive.Jobs;
using Vault.Archive.Messages;

namespace Vault.Archive.Embedded;

/// <summary>
/// The job reports port (<see cref="IJobReportStore"/>: the <c>job_reports</c> table, one JSON row per report) and the
/// catalog port (<see cref="IMessageCatalog"/>: pages by rowid, each page on its own pooled connection).
/// </summary>
public sealed partial class EmbeddedArchiveStore
{
    private const string VerifyKind = "verify";
    private const string RestoreKind = "restore";
    private const int CatalogPage = 256;

    public Task SaveVerifyReportAsync(VerifyReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return SaveReportAsync(VerifyKind, report.SourceId, report.SourceId, ArchiveJson.Serialize(report), cancellationToken);
    }

    public async Task<VerifyReport?> GetVerifyReportAsync(string sourceId, CancellationToken cancellationToken) =>
        Single(await ReadReportsAsync<VerifyReport>(VerifyKind, sourceId, cancellationToken));

    public Task<IReadOnlyList<VerifyReport>> ListVerifyReportsAsync(CancellationToken cancellationToken) =>
        ReadReportsAsync<VerifyReport>(VerifyKind, null, cancellationToken);

    public Task SaveRestoreAsync(RestoreRecord restore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(restore);
        return SaveReportAsync(RestoreKind, restore.Id, restore.SourceId, ArchiveJson.Serialize(restore), cancellationToken);
    }

    public async Task<RestoreRecord?> GetRestoreAsync(string restoreId, CancellationToken cancellationToken) =>
        Single(await ReadReportsAsync<RestoreRecord>(RestoreKind, restoreId, cancellationToken));

    private static T? Single<T>(IReadOnlyList<T> reports) where T : class => reports.Count == 0 ? null : reports[0];

    public Task<IReadOnlyList<RestoreRecord>> ListRestoresAsync(CancellationToken cancellationToken) =>
        ReadReportsAsync<RestoreRecord>(RestoreKind, null, cancellationToken);

    public async Task<IReadOnlyList<FolderCount>> ListFoldersAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT folder, count(DISTINCT message_rowid) FROM locations WHERE source_id = $source GROUP BY folder ORDER BY folder";
        command.Parameters.AddWithValue("$source", sourceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var folders = new List<FolderCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            folders.Add(new FolderCount(reader.GetString(0), reader.GetInt64(1)));
        }

        return folders;
    }

    public async IAsyncEnumerable<ArchivedMessage> StreamMessagesAsync(string sourceId, string? folder, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = 0L;
        while (true)
        {
            var page = new List<ArchivedMessage>(CatalogPage);
            await using (var connection = await OpenReaderAsync(cancellationToken))
            {
                using var command = connection.CreateCommand();
                var inFolder = folder is null
                    ? string.Empty
                    : "AND rowid IN (SELECT message_rowid FROM locations WHERE source_id = $source AND folder = $folder)";
                command.CommandText = $"""
                    SELECT {EmbeddedSchema.MessageColumns} FROM messages
                    WHERE source_id = $source AND rowid > $after {inFolder}
                    ORDER BY rowid LIMIT {CatalogPage}
                    """;
                command.Parameters.AddWithValue("$source", sourceId);
                command.Parameters.AddWithValue("$after", after);
                command.Parameters.AddWithValue("$folder", EmbeddedRows.Text(folder));
                using var locations = LocationsCommand(connection);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    after = reader.GetInt64(0);
                    page.Add(EmbeddedRows.Message(reader, await ReadLocationsAsync(locations, after, cancellationToken)));
                }
            }

            foreach (var message in page)
            {
                yield return message;
            }

            if (page.Count < CatalogPage)
            {
                yield break;
            }
        }
    }

    private Task<int> SaveReportAsync(string kind, string id, string sourceId, string body, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(
            """
            INSERT INTO job_reports (kind, id, source_id, body, updated_at) VALUES ($kind, $id, $source, $body, $at)
            ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
            """,
            cancellationToken,
            ("$kind", kind),
            ("$id", id),
            ("$source", sourceId),
            ("$body", body),
            ("$at", _timeProvider.GetUtcNow().UtcTicks));

    private async Task<IReadOnlyList<T>> ReadReportsAsync<T>(string kind, string? id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = id is null
            ? "SELECT body FROM job_reports WHERE kind = $kind ORDER BY updated_at, id"
            : "SELECT body FROM job_reports WHERE kind = $kind AND id = $id";
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$id", EmbeddedRows.Text(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var reports = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            reports.Add(ArchiveJson.Deserialize<T>(reader.GetString(0)));
        }

        return reports;
    }
}
