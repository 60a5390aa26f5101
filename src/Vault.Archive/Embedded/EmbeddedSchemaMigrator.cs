using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Vault.Archive.Schema;

namespace Vault.Archive.Embedded;

/// <summary>
/// Brings a SQLite archive to the newest schema this Vault knows, one step per transaction: a step's changes and its
/// <c>PRAGMA user_version</c> commit together (SQLite's DDL and the header field are transactional), so a crash in the
/// middle leaves the archive at the previous version and the step runs again at the next start.
/// </summary>
internal sealed class EmbeddedSchemaMigrator(IReadOnlyList<SchemaMigration<SqliteTransaction>> steps)
{
    public int Latest { get; } = SchemaMigrations.Latest(steps);

    public static async Task<int> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the version only; call before anything writes, so an archive from a newer Vault is never changed.</summary>
    /// <exception cref="ArchiveSchemaTooNewException">The archive's version is above <see cref="Latest"/>.</exception>
    public async Task ThrowIfTooNewAsync(SqliteConnection connection, string archive, CancellationToken cancellationToken)
    {
        var version = await ReadVersionAsync(connection, null, cancellationToken);
        if (version > Latest)
        {
            throw new ArchiveSchemaTooNewException(archive, version, Latest);
        }
    }

    public async Task UpgradeAsync(SqliteConnection connection, string archive, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var current = await ReadVersionAsync(connection, null, cancellationToken);
        if (current > Latest)
        {
            throw new ArchiveSchemaTooNewException(archive, current, Latest);
        }

        foreach (var step in steps.Where(s => s.Version > current))
        {
            // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default) takes the write lock first, so the version read again below
            // cannot change before the step commits, even if another process opened the same file meanwhile.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var version = await ReadVersionAsync(connection, transaction, cancellationToken);
            if (version > Latest)
            {
                throw new ArchiveSchemaTooNewException(archive, version, Latest);
            }

            if (version >= step.Version)
            {
                continue;
            }

            await step.ApplyAsync(transaction, cancellationToken);
            using (var stamp = connection.CreateCommand())
            {
                stamp.Transaction = transaction;
                // PRAGMA takes no parameters; the value is an int from the step list, never input.
                stamp.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {step.Version}");
                await stamp.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            ArchiveLog.Migrated(logger, archive, version, step.Version, step.Description);
        }
    }
}
