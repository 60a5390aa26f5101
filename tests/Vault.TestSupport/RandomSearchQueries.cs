using System.Text;

namespace Vault.TestSupport;

/// <summary>
/// Deterministic fuzz input for the query language (same seed, same sequence): noise, queries built from the
/// grammar of ARCHITECTURE.md ("Search", and "Search, second step": prefixes and the new operators) with odd values, those same queries with a few characters changed, and
/// now and then an input at or beyond the parser's limits (length, nesting, number of terms).
/// </summary>
public sealed class RandomSearchQueries(int seed)
{
    private static readonly string[] Fields =
    [
        "from", "to", "cc", "bcc", "subject", "body", "attachment", "folder", "source", "has", "date", "after", "before",
        "in", "filename", "msgid", "list", "larger", "smaller", "size", "is", "flag", "newer_than", "older_than",
    ];

    private static readonly string[] UnknownFields = ["re", "fw", "http", "foo", "larger2", "is_", "in-", "FROM", "Subject", "IS", "Newer_Than"];

    private static readonly string[] Words =
    [
        "alice", "report", "pelican", "Übersicht", "crème", "e-mail", "re:hello", "a", "or", "not", "and", "w", "*", "x*", "3.14", "0", "https://example.org/a?b=c",
        "pel*", "rep**", "al*", "Über*", "e-ma*", "re:he*", "***", "*a", "a*b",
    ];

    /// <summary>Values of the operators of "Search, second step": sizes, ages, flags, file name patterns, Message-IDs, lists.</summary>
    private static readonly string[] OperatorValues =
    [
        "1M", "10k", "1.5MB", "0", "500b", "1K..2K", "2K..1K", "..1G", "1G..", "..", ".5K", "1.", "99999999999999G", "-1", "abc",
        "1d", "2w", "6m", "1y", "0d", "999999y", "100001d", "1234567d", "1.5y", "d", "1x",
        "read", "unread", "seen", "flagged", "starred", "answered", "draft", "deleted", "important", "READ",
        "*.pdf", "invoice*", "*", "**", "report.pdf", "a?b", "\\x", "*.*", "scan*.pdf",
        "<a@b>", "a@b", "<>", "<<x>>", "<a b>", "dev", "<dev.lists.example.org>", "dev@lists.example.org",
    ];

    private static readonly string[] Days =
    [
        "2023-03-01", "2023/03/01", "0001-01-01", "9999-12-31", "2023-02-30", "2023-13-01", "10000-01-01", "2023-3-1", "-1-01-01",
        "2023-03-01..2023-03-31", "2023-03-31..2023-03-01", "..", "9999-12-31..", "..0001-01-01", "0001-01-01..9999-12-31", "...", "2023-03-01...",
    ];

    private static readonly string[] Addresses = ["alice@example.org", "@example.org", "a@", "@", "x@y@z", "ALICE@EXAMPLE.ORG", "\"a b\"@c"];

    private static readonly string[] Operators = ["OR", "AND", "NOT", "-", "(", ")", "\"", ":", "OR OR", "( )", "-)", "--"];

    /// <summary>Combining marks, lone and paired surrogates, bidi and zero-width controls, NUL, non-characters, other blanks.</summary>
    private static readonly string[] OddText =
    [
        "\u0301", "\uD800", "\uDC00", "\uDBFF\uDFFF", "😀", "\u202E", "\u200B", "\uFEFF", "\uFFFD", "\uFFFF", "\0", "\u00A0", "\u3000",
        "中文", "ß", "İ", "ﬁ", "𝔘", "\u0085", "\r\n", "\t", "\u1680", "%", "%00", "+", "&", "#", "\\", "'", "`", "<", ">",
    ];

    private const string Syntax = "()\"-:. *@/\\";

    private readonly Random _random = new(seed);

    public string Next() => _random.Next(20) switch
    {
        < 6 => Noise(),
        < 14 => Structured(),
        < 18 => Mutate(Structured()),
        _ => Extreme(),
    };

    /// <summary>Characters drawn mostly from the syntax, letters and blanks, with odd Unicode mixed in.</summary>
    public string Noise()
    {
        var text = new StringBuilder();
        var length = _random.Next(10) == 0 ? _random.Next(200, 1000) : _random.Next(0, 40);
        while (text.Length < length)
        {
            text.Append(_random.Next(6) switch
            {
                0 => Syntax[_random.Next(Syntax.Length)].ToString(),
                1 => " ",
                2 => Pick(OddText),
                3 => ((char)_random.Next(0x20, 0x7F)).ToString(),
                4 => ((char)_random.Next(0, 0x10000)).ToString(),
                _ => Pick(Words),
            });
        }

        return text.ToString();
    }

    public string Structured() => Expression(0);

    /// <summary>A query with a few characters deleted, inserted or swapped: mostly valid, slightly broken.</summary>
    public string Mutate(string query)
    {
        var text = new StringBuilder(query);
        for (var edits = _random.Next(1, 4); edits > 0; edits--)
        {
            var at = _random.Next(text.Length + 1);
            switch (_random.Next(3))
            {
                case 0 when at < text.Length:
                    text.Remove(at, 1);
                    break;
                case 1:
                    text.Insert(at, Syntax[_random.Next(Syntax.Length)]);
                    break;
                default:
                    text.Insert(at, Pick(OddText));
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>At or just beyond a limit: deep nesting, many terms, long phrases, very long input, many prefixes.</summary>
    public string Extreme()
    {
        var depth = _random.Next(25, 40);
        var terms = _random.Next(900, 1100);
        return _random.Next(8) switch
        {
            7 => string.Join(" OR ", Enumerable.Range(0, _random.Next(100, 1100)).Select(i => Pick(["pel", "rep", "ali", "ube"]) + "*")),
            0 => new string('(', depth) + Term(0) + new string(')', depth),
            1 => string.Concat(Enumerable.Repeat(Pick(Fields) + ":(", depth)) + "a" + new string(')', depth),
            2 => string.Join(_random.Next(2) == 0 ? " " : " OR ", Enumerable.Repeat("w", terms)),
            3 => "\"" + string.Join(' ', Enumerable.Repeat("w", terms)) + "\"",
            4 => new string('-', _random.Next(1000, 5000)) + "a",
            5 => Long(4096 + _random.Next(-2, 3)),
            _ => Long(_random.Next(5000, 20000)),
        };
    }

    private string Long(int length)
    {
        var text = new StringBuilder();
        while (text.Length < length)
        {
            text.Append(Term(0)).Append(' ');
        }

        return text.ToString(0, length);
    }

    private string Expression(int depth)
    {
        var count = 1 + _random.Next(depth > 2 ? 2 : 5);
        var text = new StringBuilder(Term(depth));
        for (var i = 1; i < count; i++)
        {
            text.Append(_random.Next(8) switch
            {
                0 => " OR ",
                1 => " AND ",
                2 => "  ",
                3 => "\t",
                _ => " ",
            });
            text.Append(Term(depth));
        }

        return text.ToString();
    }

    private string Term(int depth)
    {
        var nest = depth < 4;
        return _random.Next(24) switch
        {
            < 8 => Pick(Words),
            8 => Phrase(),
            9 or 10 => Pick(Fields) + ":" + Value(),
            11 => Pick(Fields) + ":" + Phrase(),
            12 or 13 when nest => "(" + Expression(depth + 1) + ")",
            14 or 15 when nest => Pick(Fields) + ":(" + Expression(depth + 1) + ")",
            16 => "-" + Term(depth + 1),
            17 => "NOT " + Term(depth + 1),
            18 => _random.Next(2) == 0 ? Pick(["date:", "after:", "before:"]) + Pick(Days) : Pick(Fields[13..]) + ":" + Pick(OperatorValues),
            19 => Pick(["from:", "to:", "cc:", "bcc:"]) + Pick(Addresses),
            20 => Pick(UnknownFields) + ":" + Pick(Words),
            21 => Pick(Operators),
            22 => Pick(Words) + Pick(OddText) + Pick(Words),
            _ => "has:" + Pick(["attachment", "attachments", "ATTACHMENT", "wings", ""]),
        };
    }

    private string Value() => _random.Next(6) switch
    {
        0 => Pick(Days),
        1 => Pick(Addresses),
        2 => Pick(OddText),
        3 => Pick(OperatorValues),
        _ => Pick(Words),
    };

    private string Phrase() => "\"" + string.Join(' ', Enumerable.Range(0, _random.Next(0, 5)).Select(_ => _random.Next(4) == 0 ? Pick(OddText) : Pick(Words))) + "\"";

    private string Pick(string[] choices) => choices[_random.Next(choices.Length)];
}
