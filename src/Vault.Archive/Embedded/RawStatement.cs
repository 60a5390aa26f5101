using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Vault.Archive.Embedded;

/// <summary>
/// One statement run through SQLite's own API (SQLitePCL.raw) on a Microsoft.Data.Sqlite connection, inside whatever
/// transaction that connection has open. For blobs: Microsoft.Data.Sqlite copies each into an array of its own on the way
/// in (a parameter's value must be a <c>byte[]</c>) and on the way out (<see cref="SqliteDataReader.GetBytes"/>); here they
/// go from a span to SQLite's memory and back. Errors are SQLite's own, as <see cref="SqliteException"/>.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _database = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_database, sql, out _statement));
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>SQLite copies the bytes (SQLITE_TRANSIENT): the span may be reused once this returns.</summary>
    public void Bind(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(_statement, index, value));

    /// <summary>True when a row is there to read, false when the statement is done.</summary>
    public bool Step()
    {
        var result = raw.sqlite3_step(_statement);
        if (result == raw.SQLITE_ROW)
        {
            return true;
        }

        if (result != raw.SQLITE_DONE)
        {
            Check(result);
        }

        return false;
    }

    /// <summary>The current row's blob, in SQLite's memory: valid until the next step, reset or dispose.</summary>
    public ReadOnlySpan<byte> Blob(int column) => raw.sqlite3_column_blob(_statement, column);

    /// <summary>Ready to run again with new values (a failed step's error was thrown by <see cref="Step"/> already).</summary>
    public void Reset()
    {
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
    }

    public void Dispose() => _statement?.Dispose();

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, _database);
        }
    }
}
