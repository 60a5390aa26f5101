using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Vault.Archive.Tests;

/// <summary>Reads and writes an archive.db beside the store, over a connection of its own (no pool, so nothing stays open).</summary>
internal static class EmbeddedDatabase
{
    public static async Task<int> UserVersionAsync(string databasePath, CancellationToken cancellationToken) =>
        Convert.ToInt32(await ScalarAsync(databasePath, "PRAGMA user_version", cancellationToken), CultureInfo.InvariantCulture);

    public static Task SetUserVersionAsync(string databasePath, int version, CancellationToken cancellationToken) =>
        ScalarAsync(databasePath, string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {version}"), cancellationToken);

    public static async Task<object?> ScalarAsync(string databasePath, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
