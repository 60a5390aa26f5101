using System.Text;

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
        var records = new RecordReader(reader);
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

    private sealed record Record(int Line, List<string> Fields, string? Error);

    /// <summary>Reads one record at a time, counting physical lines so errors name the line a person sees.</summary>
    private sealed class RecordReader(TextReader reader)
    {
        private int _line = 1;
        private int _peeked = -2;

        public async Task<Record?> NextAsync(CancellationToken cancellationToken)
        {
            var first = await PeekAsync(cancellationToken);
            if (first < 0)
            {
                return null;
            }

            var start = _line;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            var wasQuoted = false;
            string? error = null;
            while (true)
            {
                var c = await ReadAsync(cancellationToken);
                if (quoted)
                {
                    if (c < 0)
                    {
                        error = "A quoted field is not closed before the end of the file.";
                        fields.Add(field.ToString());
                        return new Record(start, fields, error);
                    }

                    if (c == '"')
                    {
                        if (await PeekAsync(cancellationToken) == '"')
                        {
                            await ReadAsync(cancellationToken);
                            field.Append('"');
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else
                    {
                        if (c == '\n')
                        {
                            _line++;
                        }

                        field.Append((char)c);
                    }

                    continue;
                }

                switch (c)
                {
                    case -1:
                        fields.Add(field.ToString());
                        return new Record(start, fields, error);
                    case '\r' when await PeekAsync(cancellationToken) == '\n':
                        continue;
                    case '\n':
                        _line++;
                        fields.Add(field.ToString());
                        return new Record(start, fields, error);
                    case ',':
                        fields.Add(field.ToString());
                        field.Clear();
                        wasQuoted = false;
                        continue;
                    case '"' when field.Length == 0 && !wasQuoted:
                        quoted = true;
                        wasQuoted = true;
                        continue;
                    case '"':
                        error ??= "A double quote inside an unquoted field: put the field in quotes and double the quote (\"\").";
                        field.Append('"');
                        continue;
                    default:
                        if (wasQuoted)
                        {
                            error ??= "Text after a closing quote: a quoted field must end at a comma or the end of the line.";
                        }

                        field.Append((char)c);
                        continue;
                }
            }
        }

        private async ValueTask<int> PeekAsync(CancellationToken cancellationToken)
        {
            if (_peeked == -2)
            {
                _peeked = await ReadCharAsync(cancellationToken);
            }

            return _peeked;
        }

        private async ValueTask<int> ReadAsync(CancellationToken cancellationToken)
        {
            var c = await PeekAsync(cancellationToken);
            _peeked = -2;
            return c;
        }

        private readonly char[] _buffer = new char[8192];
        private int _position;
        private int _length;

        private async ValueTask<int> ReadCharAsync(CancellationToken cancellationToken)
        {
            if (_position == _length)
            {
                _length = await reader.ReadAsync(_buffer.AsMemory(), cancellationToken);
                _position = 0;
                if (_length == 0)
                {
                    return -1;
                }
            }

            return _buffer[_position++];
        }
    }
}
