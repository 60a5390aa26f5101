namespace Vault.Search.QueryLanguage;

/// <summary>Splits a query into tokens; reports an unterminated quote or an empty field value with its position.</summary>
internal static class QueryLexer
{
    private static readonly HashSet<string> Fields = new(StringComparer.OrdinalIgnoreCase)
    {
        "from", "to", "cc", "bcc", "subject", "body", "attachment", "folder", "source", "has", "date", "after", "before",
        "in", "filename", "msgid", "list", "larger", "smaller", "size", "is", "flag", "newer_than", "older_than",
    };

    public static List<QueryToken> Tokenize(string query)
    {
        var tokens = new List<QueryToken>();
        var i = 0;
        while (i < query.Length)
        {
            var c = query[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '(')
            {
                tokens.Add(new QueryToken(QueryTokenKind.Open, "(", i++));
            }
            else if (c == ')')
            {
                tokens.Add(new QueryToken(QueryTokenKind.Close, ")", i++));
            }
            else if (c == '"')
            {
                var (text, next) = ReadPhrase(query, i);
                tokens.Add(new QueryToken(QueryTokenKind.Phrase, text, i));
                i = next;
            }
            else if (c == '-' && i + 1 < query.Length && !char.IsWhiteSpace(query[i + 1]) && query[i + 1] != ')')
            {
                tokens.Add(new QueryToken(QueryTokenKind.Minus, "-", i++));
            }
            else
            {
                i = ReadWord(query, i, tokens);
            }
        }

        tokens.Add(new QueryToken(QueryTokenKind.End, string.Empty, query.Length));
        return tokens;
    }

    private static int ReadWord(string query, int start, List<QueryToken> tokens)
    {
        var end = start;
        while (end < query.Length && !char.IsWhiteSpace(query[end]) && query[end] is not '(' and not ')' and not '"')
        {
            end++;
        }

        var word = query[start..end];
        var colon = word.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && Fields.Contains(word[..colon]))
        {
            var field = word[..colon].ToLowerInvariant();
            var valueStart = start + colon + 1;
            if (valueStart == end && end < query.Length && query[end] == '"')
            {
                var (phrase, next) = ReadPhrase(query, end);
                tokens.Add(new QueryToken(QueryTokenKind.Field, field, start, phrase, ValueQuoted: true, ValuePosition: end));
                return next;
            }

            // subject:(a OR b): the field applies to every term of the group; the '(' is the next token.
            if (valueStart == end && end < query.Length && query[end] == '(')
            {
                tokens.Add(new QueryToken(QueryTokenKind.FieldGroup, field, start));
                return end;
            }

            if (valueStart == end)
            {
                throw new SearchQueryException($"'{field}:' needs a value", valueStart);
            }

            tokens.Add(new QueryToken(QueryTokenKind.Field, field, start, query[valueStart..end], ValuePosition: valueStart));
            return end;
        }

        // Operators are upper case (as in Gmail); "or" and "not" in lower case are words.
        var kind = word switch
        {
            "OR" => QueryTokenKind.Or,
            "AND" => QueryTokenKind.And,
            "NOT" => QueryTokenKind.Not,
            _ => QueryTokenKind.Word,
        };
        tokens.Add(new QueryToken(kind, word, start));
        return end;
    }

    /// <summary>"re" of "re:hello", "https" of a URL: a word's <c>name:</c> that is no field, so the word is searched as text.</summary>
    public static string? UnknownOperator(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var colon = word.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !char.IsAsciiLetter(word[0]))
        {
            return null;
        }

        var name = word[..colon];
        return !Fields.Contains(name) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? name : null;
    }

    private static (string Text, int Next) ReadPhrase(string query, int quote)
    {
        var close = query.IndexOf('"', quote + 1);
        if (close < 0)
        {
            throw new SearchQueryException("Unterminated quote", quote);
        }

        return (query[(quote + 1)..close], close + 1);
    }
}
