using System.Net;
using System.Text;

namespace Vault.Search.Documents;

/// <summary>
/// Reduces HTML to the text a person reads: tags removed, script/style/head content and comments dropped,
/// block elements become line breaks, entities decoded, runs of blanks collapsed. Tolerant of broken markup:
/// an unclosed tag or comment ends the text rather than throwing.
/// </summary>
public static class HtmlTextReducer
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "head", "title", "noscript", "template" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "br", "div", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "section", "article", "td", "th",
    };

    public static string Reduce(string html, int maxLength = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(html);
        var text = new StringBuilder(Math.Min(html.Length, 64 * 1024));
        var i = 0;
        while (i < html.Length && text.Length < maxLength)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                text.Append(html, i, html.Length - i);
                break;
            }

            text.Append(html, i, lt - i);
            if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
            {
                var endComment = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                i = endComment < 0 ? html.Length : endComment + 3;
                continue;
            }

            var gt = html.IndexOf('>', lt + 1);
            if (gt < 0)
            {
                break;
            }

            var name = TagName(html, lt + 1, gt, out var closing);
            i = gt + 1;
            if (!closing && Skipped.Contains(name) && html[gt - 1] != '/')
            {
                var end = html.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                i = end < 0 ? html.Length : SkipTag(html, end);
                continue;
            }

            text.Append(Blocks.Contains(name) ? '\n' : ' ');
        }

        return Collapse(WebUtility.HtmlDecode(text.ToString()), maxLength);
    }

    private static int SkipTag(string html, int start)
    {
        var gt = html.IndexOf('>', start);
        return gt < 0 ? html.Length : gt + 1;
    }

    private static string TagName(string html, int start, int end, out bool closing)
    {
        closing = start < end && html[start] == '/';
        var from = closing ? start + 1 : start;
        var to = from;
        while (to < end && (char.IsAsciiLetterOrDigit(html[to]) || html[to] == '-'))
        {
            to++;
        }

        return html[from..to];
    }

    private static string Collapse(string text, int maxLength)
    {
        var result = new StringBuilder(Math.Min(text.Length, maxLength));
        var pendingSpace = false;
        var pendingLine = false;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                pendingLine = true;
                continue;
            }

            // U+00A0 (from &nbsp;) reads as a blank.
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }

            if (result.Length > 0 && (pendingLine || pendingSpace))
            {
                result.Append(pendingLine ? '\n' : ' ');
            }

            pendingLine = pendingSpace = false;
            result.Append(c);
            if (result.Length >= maxLength)
            {
                break;
            }
        }

        return result.ToString();
    }
}
