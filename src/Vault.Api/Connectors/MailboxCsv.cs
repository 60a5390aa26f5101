namespace Vault.Api.Connectors;

/// <summary>
/// A mailbox list as CSV (RFC 4180: comma-separated, fields in double quotes may hold commas, quotes doubled and line
/// breaks; CRLF or LF). The header row names the columns: <c>username</c>, optional <c>email</c>, <c>displayName</c>,
/// <c>password</c>, in any order and case. Errors are keyed <c>line N</c>, the header being line 1; a record is named by
/// the line it starts on.
/// </summary>
public static class MailboxCsv
{
    private static readonly string[] Columns = ["username", "email", "displayName", "password"];

    public sealed record Row(int Line, MailboxEntry Entry);

    public static async Task<(IReadOnlyList<Row> Rows, Dictionary<string, List<string>> Errors)> ParseAsync(TextReader reader, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new List<Row>();
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var records = new CsvRecordReader(reader);
        var header = await records.NextAsync(cancellationToken);
        if (header is null)
        {
            Add(errors, 1, "The file is empty: the first line must name the columns (username, and optionally email, displayName, password).");
            return (rows, errors);
        }

        var positions = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = header.Fields[i].Trim().TrimStart('\uFEFF');
            var known = Columns.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                Add(errors, header.Line, $"Unknown column '{name}': the columns are {string.Join(", ", Columns)}.");
            }
            else if (!positions.TryAdd(known, i))
            {
                Add(errors, header.Line, $"The column '{known}' appears twice.");
            }
        }

        if (!positions.ContainsKey("username"))
        {
            Add(errors, header.Line, "The header has no 'username' column.");
        }

        if (errors.Count > 0)
        {
            return (rows, errors);
        }

        while (await records.NextAsync(cancellationToken) is { } record)
        {
            if (record.Fields.Count == 1 && record.Fields[0].Length == 0)
            {
                continue; // a blank line
            }

            if (record.Error is not null)
            {
                Add(errors, record.Line, record.Error);
                continue;
            }

            if (record.Fields.Count != header.Fields.Count)
            {
                Add(errors, record.Line, $"This line has {record.Fields.Count} fields; the header has {header.Fields.Count}.");
                continue;
            }

            if (rows.Count == maxRows)
            {
                Add(errors, record.Line, $"A list has at most {maxRows} mailboxes; split the file.");
                break;
            }

            string? Field(string column) => positions.TryGetValue(column, out var at) && record.Fields[at].Length > 0 ? record.Fields[at] : null;
            rows.Add(new Row(record.Line, new MailboxEntry(Field("username"), Field("email"), Field("displayName"), Field("password"))));
        }

        return (rows, errors);
    }

    public static string Key(int line) => $"line {line}";

    private static void Add(Dictionary<string, List<string>> errors, int line, string message)
    {
        if (!errors.TryGetValue(Key(line), out var list))
        {
            errors[Key(line)] = list = [];
        }

        list.Add(message);
    }
}
