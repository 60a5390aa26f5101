namespace Vault.Search.QueryLanguage;

internal enum QueryTokenKind
{
    Word,
    Phrase,
    Field,

    /// <summary>A field name directly followed by '(' (<c>subject:(a OR b)</c>); the '(' is the next token.</summary>
    FieldGroup,

    Minus,
    Open,
    Close,
    Or,
    And,
    Not,
    End,
}

/// <summary>
/// One lexical token. For <see cref="QueryTokenKind.Field"/>, <see cref="Text"/> is the field name and
/// <see cref="Value"/>/<see cref="ValueQuoted"/>/<see cref="ValuePosition"/> the value after the colon.
/// </summary>
internal sealed record QueryToken(QueryTokenKind Kind, string Text, int Position, string Value = "", bool ValueQuoted = false, int ValuePosition = 0);
