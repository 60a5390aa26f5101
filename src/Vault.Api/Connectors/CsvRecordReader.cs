using System.Text;

namespace Vault.Api.Connectors;

/// <summary>
/// Reads CSV one record at a time (comma-separated; fields in double quotes may hold commas, doubled quotes and line
/// breaks; CRLF or LF), counting physical lines so errors name the line a person sees.
/// </summary>
public sealed class CsvRecordReader(TextReader reader)
{
    private int _line = 1;
    private int _peeked = -2;

    public async Task<CsvRecord?> NextAsync(CancellationToken cancellationToken)
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
                    return new CsvRecord(start, fields, error);
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
                    return new CsvRecord(start, fields, error);
                case '\r' when await PeekAsync(cancellationToken) == '\n':
                    continue;
                case '\n':
                    _line++;
                    fields.Add(field.ToString());
                    return new CsvRecord(start, fields, error);
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
