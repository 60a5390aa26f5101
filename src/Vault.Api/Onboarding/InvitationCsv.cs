using Vault.Api.Connectors;

namespace Vault.Api.Onboarding;

/// <summary>
/// Addresses to invite as CSV: a header row with an <c>email</c> column (any case, any position; other columns, such as
/// a mailbox list's <c>username</c> or <c>displayName</c>, are ignored). Errors are keyed <c>line N</c>, the header being line 1.
/// </summary>
public static class InvitationCsv
{
    public sealed record Row(int Line, string? Email);

    public static async Task<(IReadOnlyList<Row> Rows, Dictionary<string, List<string>> Errors)> ParseAsync(TextReader reader, int maxRows, CancellationToken cancellationToken)
    {
        var rows = new List<Row>();
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var records = new CsvRecordReader(reader);
        var header = await records.NextAsync(cancellationToken);
        var column = header?.Fields.FindIndex(f => string.Equals(f.Trim().TrimStart('\uFEFF'), "email", StringComparison.OrdinalIgnoreCase)) ?? -1;
        if (header is null || column < 0)
        {
            Add(errors, 1, "The first line must name the columns, one of them 'email'.");
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
            }
            else if (record.Fields.Count != header.Fields.Count)
            {
                Add(errors, record.Line, $"This line has {record.Fields.Count} fields; the header has {header.Fields.Count}.");
            }
            else if (rows.Count == maxRows)
            {
                Add(errors, record.Line, $"A list has at most {maxRows} addresses; split the file.");
                break;
            }
            else
            {
                rows.Add(new Row(record.Line, record.Fields[column]));
            }
        }

        return (rows, errors);
    }

    public static void Add(Dictionary<string, List<string>> errors, int line, string message)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var key = MailboxCsv.Key(line);
        if (!errors.TryGetValue(key, out var list))
        {
            errors[key] = list = [];
        }

        list.Add(message);
    }
}
