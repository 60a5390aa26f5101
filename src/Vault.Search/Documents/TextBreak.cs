namespace Vault.Search.Documents;

/// <summary>What an HTML tag leaves between the words around it; a stronger break wins over a weaker one.</summary>
internal enum TextBreak
{
    /// <summary>Inline formatting (<c>b</c>, <c>span</c>): the words on either side join.</summary>
    None,

    /// <summary>A blank, so two words never glue together.</summary>
    Blank,

    /// <summary>A line break (paragraphs, list items, table rows, <c>br</c>).</summary>
    Line,
}
