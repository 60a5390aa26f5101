using MimeKit.Text;

namespace Vault.Search.Documents;

/// <summary>
/// Reduces HTML to the text a person reads, on MimeKit's <see cref="HtmlTokenizer"/> (the HTML5 tokenizer rules):
/// tags and comments removed, script/style/head/title/noscript/template content dropped, entities decoded,
/// block elements become line breaks, runs of blanks collapsed. Inline elements (<c>b</c>, <c>span</c>, <c>a</c>)
/// join their text as a browser does; any other tag stands for a blank so words do not glue together.
/// A <c>&lt;</c> that opens no tag (<c>a &lt; b</c>) is text, and a <c>&gt;</c> inside a quoted attribute ends nothing.
/// </summary>
public static class HtmlTextReducer
{
    public static string Reduce(string html, int maxLength = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(html);
        using var reader = new StringReader(html);

        // Markup is most of an HTML body: the text is rarely above a quarter of it.
        return Reduce(reader, Math.Min((html.Length / 4) + 16, 64 * 1024), maxLength, CancellationToken.None);
    }

    /// <summary>As above, streaming from <paramref name="html"/> and checking <paramref name="cancellationToken"/> every few hundred tokens.</summary>
    internal static string Reduce(TextReader html, int capacity, int maxLength, CancellationToken cancellationToken)
    {
        var text = new CollapsedText(capacity, maxLength);

        // A tag cut off by the end of the part is markup, not text.
        var tokenizer = new HtmlTokenizer(html) { IgnoreTruncatedTags = true };
        var scope = new HtmlHiddenScope();
        var tokens = 0;
        while (!text.IsFull && tokenizer.ReadNextToken(out var token))
        {
            if (++tokens % 512 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            switch (token)
            {
                case HtmlTagToken tag:
                    if (scope.Hides(tag))
                    {
                        continue;
                    }

                    if (tag.Id == HtmlTagId.Pre)
                    {
                        text.Preformatted = !tag.IsEndTag;
                    }

                    text.Break(HtmlElements.BreakOf(tag.Id));
                    break;

                // ScriptData (inside <script>) and CData (foreign content such as SVG) are never shown.
                case HtmlDataToken { Kind: HtmlTokenKind.Data } data when !scope.IsHidden:
                    text.Append(data.Data);
                    break;
            }
        }

        return text.ToString();
    }
}
